import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CURSOR, REGION_END, REGION_START, editableRegion, fimEdit, fimPrompt, outline, rewriteEdit, rewritePrompt, stillPredicted } from './predictionPrompt.ts';

const FILE = ['export function add(a: number, b: number) {', '  return a + b;', '}', '', 'export function sub(a: number, b: number) {', '  ', '}', ''].join('\n');
const CURSOR_AT = FILE.indexOf('  \n}') + 2;

test('fill-in-the-middle: text before and after the cursor, the file named for the language', () => {
  const { prompt, suffix } = fimPrompt({ path: 'src/math.ts', text: FILE, cursor: CURSOR_AT, recentEdits: [] });
  assert.ok(prompt.startsWith('// src/math.ts\n'));
  assert.ok(prompt.endsWith('export function sub(a: number, b: number) {\n  '));
  assert.equal(suffix, '\n}\n');
});

test('a fill-in-the-middle answer is cut where it runs on into the text after the cursor', () => {
  const input = { path: 'a.ts', text: 'function f() {\n  \n  return x;\n}\n', cursor: 17, recentEdits: [] };
  assert.deepEqual(fimEdit(input, 'const x = 1;\n  return x;\n}\n'), { start: 17, end: 17, text: 'const x = 1;' });
  assert.equal(fimEdit(input, '   \n'), null, 'blank answers are no prediction');
  assert.equal(fimEdit(input, 'y'.repeat(5000))!.text.length, 2000, 'long answers are capped');
});

test('the editable region covers whole lines around the cursor', () => {
  const text = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
  const cursor = text.indexOf('line 15') + 3;
  const region = editableRegion(text, cursor);
  assert.equal(text.slice(region.start, region.end), Array.from({ length: 13 }, (_, i) => `line ${i + 11}`).join('\n'));
});

test('the rewrite prompt marks the region and the cursor, with the outline and recent edits', () => {
  const prompt = rewritePrompt({ path: 'src/math.ts', text: FILE, cursor: CURSOR_AT, recentEdits: [{ by: 'you', diff: '+export function sub(a: number, b: number) {' }] });
  assert.ok(prompt.user.includes(`export function add(a: number, b: number) {\n${REGION_START}  return a + b;`), "the region starts four lines above the cursor");
  assert.ok(prompt.user.includes(`b: number) {\n  ${CURSOR}\n}`));
  assert.ok(prompt.user.includes(REGION_END));
  assert.ok(prompt.user.includes('1: export function add(a: number, b: number) {'));
  assert.ok(prompt.user.includes('you:\n+export function sub'));
  assert.deepEqual(outline(FILE), ['1: export function add(a: number, b: number) {', '5: export function sub(a: number, b: number) {']);
});

test('a rewritten region becomes the smallest edit; unchanged, echoed or fenced answers are handled', () => {
  const { region } = rewritePrompt({ path: 'a.ts', text: FILE, cursor: CURSOR_AT, recentEdits: [] });
  const current = FILE.slice(region.start, region.end);
  const rewritten = current.replace('  \n}', '  return a - b;\n}');
  const edit = rewriteEdit(FILE, region, rewritten)!;
  assert.equal(FILE.slice(0, edit.start) + edit.text + FILE.slice(edit.end), FILE.replace('  \n}', '  return a - b;\n}'));
  assert.equal(edit.text, 'return a - b;');
  assert.equal(rewriteEdit(FILE, region, current), null);
  assert.equal(rewriteEdit(FILE, region, `${REGION_START}${current}`), null);
  const fenced = rewriteEdit(FILE, region, '```ts\n' + rewritten + '\n```')!;
  assert.equal(fenced.text, edit.text);
  // A multi-line prediction.
  const multi = rewriteEdit(FILE, region, current.replace('  \n}', '  const d = a - b;\n  return d;\n}'))!;
  assert.equal(multi.text, 'const d = a - b;\n  return d;');
});

test('an empty or whitespace answer, or one that throws most of the region away, predicts nothing', () => {
  const { region } = rewritePrompt({ path: 'a.ts', text: FILE, cursor: CURSOR_AT, recentEdits: [] });
  const current = FILE.slice(region.start, region.end);
  assert.equal(rewriteEdit(FILE, region, ''), null, 'a model with nothing to say deletes nothing');
  assert.equal(rewriteEdit(FILE, region, '\n  \n'), null);
  assert.equal(rewriteEdit(FILE, region, 'Sure! Here is the code you asked for.'), null, 'chatter instead of the region');
  // Deleting a line the person just emptied is still a prediction.
  const deleted = rewriteEdit(FILE, region, current.replace('  \n}', '}'))!;
  assert.equal(deleted.text, '');
});

test('typing through a prediction keeps the rest of it; typing something else does not', () => {
  const text = 'let x = \n';
  const previous = { text, cursor: 8, edit: { start: 8, end: 8, text: 'compute(1, 2);' } };
  assert.deepEqual(stillPredicted(previous, 'let x = comp\n', 12), { start: 12, end: 12, text: 'ute(1, 2);' });
  assert.equal(stillPredicted(previous, 'let x = cal\n', 11), null);
  assert.equal(stillPredicted(previous, 'let y = comp\n', 12), null, 'text elsewhere changed');
  assert.equal(stillPredicted(previous, 'let x = compute(1, 2);\n', 22), null, 'typed all of it');
});
