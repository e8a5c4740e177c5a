import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineSimilarity, locate, replacementFor, type LocateMatch, type LocateResult } from './locator.ts';
import { seededRandom } from '../../testing/prng.ts';

function ok(result: LocateResult): LocateMatch {
  assert.ok(result.ok, `expected a match, got ${JSON.stringify(result)}`);
  return result;
}

const FILE = [
  'import { a } from "./a";', // 1
  '',
  'export function first(x: number) {', // 3
  '  const y = x + 1;',
  '  return y;', // 5
  '}',
  '',
  'export function second(x: number) {', // 8
  '  const y = x + 1;',
  '  return y;', // 10
  '}',
  '',
  'const msg = "it\'s done - ok";', // 13
  'export default first;', // 14
].join('\n') + '\n';

test('exact tier: offsets and matched text', () => {
  const m = ok(locate(FILE, { oldLines: ['export function second(x: number) {', '  const y = x + 1;'] }));
  assert.equal(m.tier, 'exact');
  assert.equal(m.startLine, 8);
  assert.equal(m.endLine, 9);
  assert.equal(m.matched, 'export function second(x: number) {\n  const y = x + 1;\n');
  assert.equal(FILE.slice(m.start, m.end), m.matched);
  assert.equal(m.finalNewline, true);
});

test('trailing-whitespace tier', () => {
  const m = ok(locate(FILE, { oldLines: ['export default first;   ', 'const msg = "it\'s done - ok";\t'].reverse() }));
  assert.equal(m.tier, 'trailingWhitespace');
  assert.equal(m.startLine, 13);
});

test('trimmed tier (indentation differs)', () => {
  const m = ok(locate(FILE, { oldLines: ['export function first(x: number) {', 'const y = x + 1;', 'return y;'] }));
  assert.equal(m.tier, 'trimmed');
  assert.equal(m.startLine, 3);
  assert.equal(m.endLine, 5);
});

test('punctuation tier (curly quotes, en dash, NBSP)', () => {
  const m = ok(locate(FILE, { oldLines: ['const\u00A0msg = \u201Cit\u2019s done \u2013 ok\u201D;'] }));
  assert.equal(m.tier, 'punctuation');
  assert.equal(m.startLine, 13);
});

test('fuzzy tier (each line at least 0.8 similar)', () => {
  const m = ok(locate(FILE, { oldLines: ['import { a } from "./aa";', ''] }));
  assert.equal(m.tier, 'fuzzy');
  assert.equal(m.startLine, 1);
});

test('the first tier that matches decides: a fuzzy-only lookalike elsewhere does not count', () => {
  const text = 'let count = 1;\nlet counts = 1;\n';
  const m = ok(locate(text, { oldLines: ['let count = 1;'] }));
  assert.equal(m.tier, 'exact');
  assert.equal(m.startLine, 1);
});

test('ambiguity is refused, naming the places', () => {
  const r = locate(FILE, { oldLines: ['  const y = x + 1;', '  return y;', '}'] });
  assert.equal(r.ok, false);
  assert.ok(!r.ok);
  assert.equal(r.reason, 'ambiguous');
  assert.deepEqual(r.candidates.map((c) => [c.startLine, c.endLine]), [[4, 6], [9, 11]]);
  assert.match(r.message, /2 places.*lines 4-6, 9-11/);
});

test('ambiguity is resolved by the @@ context, eof, after and hintLine', () => {
  const old = ['  const y = x + 1;', '  return y;', '}'];
  assert.equal(ok(locate(FILE, { oldLines: old, context: ['export function second'] })).startLine, 9);
  assert.equal(ok(locate(FILE, { oldLines: old, context: ['export function first'] })).startLine, 4);
  assert.equal(ok(locate(FILE, { oldLines: old, after: FILE.indexOf('export function second') })).startLine, 9);
  assert.equal(ok(locate(FILE, { oldLines: old, hintLine: 10 })).startLine, 9);
  // A hint equally far from both is not a reason to pick one.
  assert.equal(locate('x\ny\nx\n', { oldLines: ['x'], hintLine: 2 }).ok, false);
  assert.equal(ok(locate('}\n}\n', { oldLines: ['}'], eof: true })).startLine, 2);
  // Nested context: the inner text after the outer one.
  const py = 'class A:\n  def f(self):\n    return 1\nclass B:\n  def f(self):\n    return 1\n';
  assert.equal(ok(locate(py, { oldLines: ['    return 1'], context: ['class B:', 'def f(self):'] })).startLine, 6);
});

test('no match is refused with a did-you-mean hint', () => {
  const r = locate(FILE, { oldLines: ['export function second(y: string) {', '  const z = y * 2;', '  return z;'] });
  assert.ok(!r.ok);
  assert.equal(r.reason, 'notFound');
  assert.equal(r.candidates[0].startLine, 8);
  assert.equal(r.candidates[0].endLine, 10);
  assert.match(r.message, /did you mean lines 8-10/);
});

test('no match in an empty file gives no candidates', () => {
  const r = locate('', { oldLines: ['x'] });
  assert.ok(!r.ok);
  assert.deepEqual(r.candidates, []);
});

test('pure insertion: at the end, after the context line, refused without an anchor', () => {
  const end = ok(locate('a\nb', { oldLines: [] }));
  assert.equal(end.start, 3);
  assert.equal(replacementFor(['c'], end), '\nc');
  const empty = ok(locate('', { oldLines: [] }));
  assert.equal(replacementFor(['c'], empty), 'c\n');
  const after = ok(locate(FILE, { oldLines: [], context: ['export default first;'] }));
  assert.equal(after.start, FILE.length);
  const mid = ok(locate(FILE, { oldLines: [], context: ['import { a }'] }));
  assert.equal(mid.start, FILE.indexOf('\n') + 1);
  assert.equal(replacementFor(['import { b } from "./b";'], mid), 'import { b } from "./b";\n');
  const none = locate(FILE, { oldLines: [], context: ['class Missing'] });
  assert.ok(!none.ok);
  assert.equal(none.reason, 'noAnchor');
  const twice = locate(FILE, { oldLines: [], context: ['const y'] });
  assert.ok(!twice.ok);
  assert.equal(twice.reason, 'ambiguous');
});

test('a match on the last line without LF keeps the file without a final LF', () => {
  const m = ok(locate('a\nb', { oldLines: ['b'] }));
  assert.equal(m.finalNewline, false);
  const text = 'a\nb';
  assert.equal(text.slice(0, m.start) + replacementFor(['B', 'C'], m) + text.slice(m.end), 'a\nB\nC');
});

test('lineSimilarity', () => {
  assert.equal(lineSimilarity('', ''), 1);
  assert.equal(lineSimilarity('abcde', 'abcde'), 1);
  assert.equal(lineSimilarity('abcde', 'abcdx'), 0.8);
  assert.equal(lineSimilarity('abc', 'xyz'), 0);
});

test('a 100 KB file is searched through every tier without trouble', () => {
  // Distinct lines from a seeded generator, so only the intended window is similar.
  const random = seededRandom(99);
  const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta', 'lambda', 'zeta'];
  const word = () => words[Math.floor(random() * words.length)] + Math.floor(random() * 1000);
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(`  const ${word()} = ${word()}(${word()}, ${word()});`);
  const text = lines.join('\n') + '\n';
  assert.ok(text.length > 100_000);
  const r = locate(text, { oldLines: ['  const valueX = compute(1234, "zzz");', 'nothing like this'] });
  assert.ok(!r.ok);
  const m = ok(locate(text, { oldLines: [lines[2500].replace('const', 'cnst'), lines[2501]] }));
  assert.equal(m.tier, 'fuzzy');
  assert.equal(m.startLine, 2501);
});
