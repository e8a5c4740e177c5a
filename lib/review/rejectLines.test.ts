// Reject keeps a person's text on a line of its own (rejectLines.ts): one case per way a person
// can have typed on or around the AI's lines, with the exact text a reject leaves, the plan's
// sentence, and undo giving back the text exactly as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { diffText, type DiffOp } from '../edits/sequenceDiff.ts';
import { filesOf, identitiesOf } from '../schema.ts';
import { aiRunOrderOf, aiRunsOf } from '../ai/aiRuns.ts';
import { writeAiHunk } from '../../testing/aiHunk.ts';
import { applyReview, authorOf, findHunk, itemsIn, pendingHunks, planReject } from './index.ts';

const FILE = 'a.ts';

/** An AI peer and a person on two replicas kept in sync; the AI writes one hunk with `ops` at `old`. */
function scenario(text: string, old: string, ops: DiffOp[], earlier?: (t: Y.Text) => void) {
  const ai = new Y.Doc();
  const person = new Y.Doc();
  ai.clientID = 900;
  person.clientID = 200;
  const seed = new Y.Doc();
  seed.clientID = 1;
  seed.transact(() => filesOf(seed).set(FILE, new Y.Text(text)));
  Y.applyUpdate(ai, Y.encodeStateAsUpdate(seed));
  Y.applyUpdate(person, Y.encodeStateAsUpdate(seed));
  ai.on('update', (u: Uint8Array, o: unknown) => o !== 'sync' && Y.applyUpdate(person, u, 'sync'));
  person.on('update', (u: Uint8Array, o: unknown) => o !== 'sync' && Y.applyUpdate(ai, u, 'sync'));
  person.transact(() => identitiesOf(person).set(String(person.clientID), { kind: 'human', name: 'Ben', color: '#0a0' }));
  if (earlier) person.transact(() => earlier(filesOf(person).get(FILE)!), 'person');
  const t = filesOf(ai).get(FILE)!;
  const start = t.toString().indexOf(old);
  assert.ok(start >= 0);
  const origin = { kind: 'ai', runId: 'r1', hunkId: 'r1:1' };
  const { items, start: startPos, end: endPos, newText: neu } = writeAiHunk(ai, t, start, old.length, ops, origin);
  ai.transact(() => {
    const run = new Y.Map<unknown>();
    const hunk = new Y.Map<unknown>();
    for (const [k, v] of Object.entries({ id: 'r1:1', file: FILE, op: 'update', status: 'applied', review: 'pending', oldText: old, newText: neu, items,
      start: startPos, end: endPos })) hunk.set(k, v);
    for (const [k, v] of Object.entries({ id: 'r1', status: 'done', aiClientId: ai.clientID, model: 'm' })) run.set(k, v);
    run.set('hunks', Y.Array.from([hunk]));
    aiRunsOf(ai).set('r1', run);
    aiRunOrderOf(ai).push(['r1']);
    identitiesOf(ai).set(String(ai.clientID), { kind: 'ai', name: 'm', color: '#80f', runId: 'r1', model: 'm' });
  }, origin);
  const pt = filesOf(person).get(FILE)!;
  return {
    text: () => pt.toString(),
    /** The person types `str` at the `n`th character after the first `marker`. */
    type(marker: string, n: number, str: string) {
      const at = pt.toString().indexOf(marker);
      assert.ok(at >= 0, `marker ${marker}`);
      person.transact(() => pt.insert(at + n, str), 'person');
    },
    erase(marker: string, n: number, len: number) {
      const at = pt.toString().indexOf(marker);
      assert.ok(at >= 0, `marker ${marker}`);
      person.transact(() => pt.delete(at + n, len), 'person');
    },
    plan: () => { const h = findHunk(person, 'r1:1')!; return planReject(person, h.run, h.hunk); },
    /** Rejects from the AI's replica (the server side), checks undo, returns the text left. */
    reject(): string {
      const pre = pt.toString();
      const aiChars = pendingHunks(ai)[0].aiChars;
      applyReview(ai, { action: 'reject', hunkIds: ['r1:1'] }, { name: 'Ann' }, { kind: 'review' });
      const after = pt.toString();
      assert.equal(pendingHunks(person).length, 0);
      applyReview(person, { action: 'undo' }, { name: 'Ann' }, { kind: 'review' });
      assert.equal(pt.toString(), pre, 'undo gives the text back exactly');
      assert.equal(pendingHunks(ai).length, 1);
      assert.equal(pendingHunks(ai)[0].aiChars, aiChars, 'every AI character is the AI\'s again');
      applyReview(ai, { action: 'reject', hunkIds: ['r1:1'] }, { name: 'Ann' }, { kind: 'review' });
      assert.equal(pt.toString(), after, 'a second reject after the undo leaves the same text');
      return after;
    },
    /** Who wrote the character at `offset`. */
    author: (offset: number) => authorOf(person, itemsIn(pt, offset, offset + 1)[0].client).name,
  };
}

const SUB_OLD = 'function sub(a, b) {\n  return a - b;\n}\n';
const SUB_NEW = 'function sub(a, b) {\n  const difference = a - b;\n  return difference;\n}\n';
const r = (count: number): DiffOp => ({ type: 'retain', count });
const d = (count: number): DiffOp => ({ type: 'delete', count });
const ins = (text: string): DiffOp => ({ type: 'insert', text });

test('text at the end of an AI line (the diff the AI really writes): on its own line, where it sat, above the restored line', () => {
  const s = scenario(SUB_OLD, SUB_OLD, diffText(SUB_OLD, SUB_NEW));
  s.type('a - b;', 6, ' // Ben checks this');
  assert.equal(s.text(), 'function sub(a, b) {\n  const difference = a - b; // Ben checks this\n  return difference;\n}\n');
  assert.equal(s.plan().message, "Reject removes the AI's 38 characters; restores 5 characters it replaced; your 19 characters stay, on their own line.");
  assert.equal(s.reject(), 'function sub(a, b) {\n // Ben checks this\n  return a - b;\n}\n');
  const left = s.text();
  assert.equal(s.author(left.indexOf('this') + 4), 'Ann', 'the added newline is the reviewer\'s');
  assert.equal(s.author(left.indexOf(' // Ben')), 'Ben');
});

test('text at the end of an AI line that replaced the old line whole: on its own line after the restored one', () => {
  // Old line deleted first, new lines inserted after its tombstones, the old newline kept.
  const s = scenario(SUB_OLD, '  return a - b;', [d(15), ins('  const difference = a - b;\n  return difference;')]);
  s.type('a - b;', 6, ' // Ben');
  assert.equal(s.reject(), 'function sub(a, b) {\n  return a - b;\n // Ben\n}\n');
});

test('text at the start of an AI line after an AI newline: not glued to the end of the line above', () => {
  const s = scenario('foo();\nqux();\n', 'foo();\n', [r(6), ins('\n  bar();'), r(1)]);
  s.type('  bar();', 0, '// n ');
  assert.equal(s.text(), 'foo();\n// n   bar();\nqux();\n');
  assert.equal(s.reject(), 'foo();\n// n \nqux();\n');
});

test('text in the middle of a line the AI wrote: alone on that line', () => {
  const s = scenario('a();\nb();\n', 'a();\nb();\n', [r(5), ins('  mid(1, 2);\n'), r(5)]);
  s.type('mid(1, ', 7, 'XX');
  assert.equal(s.reject(), 'a();\nXX\nb();\n');
});

test('a line of its own typed inside the hunk (Enter, then text): stays a line of its own; the Enter stays too', () => {
  const s = scenario('a();\nb();\n', 'a();\nb();\n', [r(5), ins('  mid(1, 2);\n'), r(5)]);
  s.type('mid(1, 2);', 10, '\n// note');
  assert.equal(s.text(), 'a();\n  mid(1, 2);\n// note\nb();\n');
  assert.equal(s.reject(), 'a();\n\n// note\nb();\n');
});

test('person text spanning AI lines: each piece keeps its own line', () => {
  const s = scenario('a();\nb();\n', 'a();\nb();\n', [r(5), ins('  one();\n  two();\n'), r(5)]);
  s.type('one();', 6, ' A');
  s.type('  two();', 0, 'B ');
  s.type('two();', 3, 'P1\nP2');
  assert.equal(s.text(), 'a();\n  one(); A\nB   twoP1\nP2();\nb();\n');
  assert.equal(s.plan().message, "Reject removes the AI's 18 characters; your 9 characters stay, on lines of their own.");
  assert.equal(s.reject(), 'a();\n A\nB P1\nP2\nb();\n');
});

test('several person runs on several AI lines, with old text between them', () => {
  const s = scenario('x();\ny();\nz();\n', 'x();\ny();\nz();\n', [r(5), ins('  p();\n'), r(5), ins('  q();\n'), r(5)]);
  s.type('p();', 4, ' // P');
  s.type('  q();', 0, '/* Q */');
  assert.equal(s.reject(), 'x();\n // P\ny();\n/* Q */\nz();\n');
});

test('a person deleting AI characters (joining its two lines) and typing there: their text stays on the restored line', () => {
  const s = scenario(SUB_OLD, SUB_OLD, diffText(SUB_OLD, SUB_NEW));
  s.erase('a - b;\n', 6, 1);
  s.type('return difference;', 18, ' // J');
  assert.equal(s.text(), 'function sub(a, b) {\n  const difference = a - b;  return difference; // J\n}\n');
  assert.equal(s.reject(), 'function sub(a, b) {\n  return a - b; // J\n}\n');
});

test('typing inside a line the AI edited (old characters survive on it): stays inline, no newline added', () => {
  const old = '  x = step(x, 1);\n';
  const s = scenario(old, old, diffText(old, "  x = fastStep(x, 1, 'v2');\n"));
  s.type('fastStep', 2, 'ZZ');
  const plan = s.plan();
  assert.deepEqual(plan.lines.separators, []);
  assert.doesNotMatch(plan.message, /own line/);
  assert.equal(s.reject().replace('ZZ', ''), old);
});

test('only whitespace typed on an AI line: no newline is added for it', () => {
  const s = scenario('a();\nb();\n', 'a();\nb();\n', [r(5), ins('  mid();\n'), r(5)]);
  s.type('mid();', 6, '  ');
  assert.equal(s.reject(), 'a();\n  b();\n');
});

test('person text right after the hunk\'s range (outside it) on the AI\'s last line: not glued to the next line', () => {
  const s = scenario('a();\nb();\n', 'a();\n', [r(4), ins('\n  c();'), r(1)]);
  s.type('c();', 4, ' // after');
  assert.equal(s.text(), 'a();\n  c(); // after\nb();\n');
  assert.equal(s.reject(), 'a();\n // after\nb();\n');
});

test('old text by a client with nothing inside the range, on a line the range touches, is old: no newline added', () => {
  // Ben typed Q before the AI began, outside the range but on the line it splits.
  const s = scenario('a(); b();\n', 'a(); ', [r(4), d(1), ins('\n')], (t) => t.insert(5, 'Q'));
  assert.equal(s.text(), 'a();\nQb();\n');
  assert.equal(s.reject(), 'a(); Qb();\n');
});

test('text on an AI line and text on the edited old line in one hunk: the first moves to its own line, the second stays inline', () => {
  const s = scenario(SUB_OLD, SUB_OLD, diffText(SUB_OLD, SUB_NEW));
  s.type('a - b;', 6, ' // one');
  s.type('return difference;', 18, ' // two');
  assert.equal(s.reject(), 'function sub(a, b) {\n // one\n  return a - b; // two\n}\n');
});
