// A hunk never writes into lines where a person is typing right now: the writer holds its ops
// while someone with edit access typed within TYPING_MS with their caret in the hunk's lines
// (their caret read from awareness, as the page publishes it), writes them once they stop, and
// waits at most its bound. A person typing elsewhere holds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { HunkWriter } from './HunkWriter.ts';
import { TYPING_MS, TypingWatch, type Typist } from './typingWatch.ts';

const FILE = 'export function f() {\n  return 1;\n}\n';
const HUNK_START = 0;

/** `lagged`: the person's edits reach the AI's replica only on `deliver()` (awareness at once), as on the server, where document updates wait for storage. */
function room(lagged = false) {
  const ai = new Y.Doc();
  const human = new Y.Doc();
  ai.getMap('files').set('a.ts', new Y.Text(FILE));
  Y.applyUpdate(human, Y.encodeStateAsUpdate(ai));
  ai.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(human, u, 'remote'));
  const pending: Uint8Array[] = [];
  const deliver = () => {
    for (const u of pending.splice(0)) Y.applyUpdate(ai, u, 'remote');
  };
  human.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin === 'remote') return;
    pending.push(u);
    if (!lagged) deliver();
  });
  const awareness = new Awareness(human);
  const aiText = ai.getMap<Y.Text>('files').get('a.ts')!;
  const humanText = human.getMap<Y.Text>('files').get('a.ts')!;
  const watch = new TypingWatch(ai, awareness, 'remote');
  /** The person types `s` at `at` and publishes their caret after it, as the page does. */
  /** The person types `s` at `at`, caret `back` characters before its end (an auto-closed bracket). */
  const type = (at: number, s: string, role: 'edit' | 'view' = 'edit', back = 0) => {
    humanText.insert(at, s);
    const caret = Y.createRelativePositionFromTypeIndex(humanText, at + s.length - back);
    awareness.setLocalState({ user: { name: 'Ada', color: '#e11d48' }, role, kind: 'human', file: 'a.ts', selection: { anchor: caret, head: caret } });
  };
  return { ai, aiText, humanText, watch, type, awareness, deliver };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const origin = { kind: 'ai' as const, runId: 'r', hunkId: 'r:1' };
// Keep "export function f() {", replace "  return 1;", keep "}".
const OPS = [{ type: 'retain' as const, count: 22 }, { type: 'delete' as const, count: 12 }, { type: 'insert' as const, text: '  return 2;\n' }, { type: 'retain' as const, count: 2 }];

function writerFor(r: ReturnType<typeof room>, holds: (Typist | null)[]): HunkWriter {
  const writer = new HunkWriter(r.ai, r.aiText, HUNK_START, origin);
  writer.typing = r.watch.typistIn;
  writer.setOldEnd(FILE.length);
  writer.onHold = (t) => holds.push(t);
  return writer;
}

test('a hunk waits while a person types in its lines, and lands after they stop with their characters intact', async () => {
  const r = room();
  const holds: (Typist | null)[] = [];
  const writer = writerFor(r, holds);
  r.type(21, ' //');
  writer.push(OPS);
  assert.equal(r.aiText.toString(), FILE.replace('{', '{ //'), 'nothing written while Ada types on its first line');
  assert.deepEqual(holds.map((t) => t?.name ?? null), ['Ada']);
  // She goes on typing for a while: still nothing.
  const comment = ' keeps the sign';
  for (const ch of comment) {
    await sleep(120);
    r.type(r.humanText.toString().indexOf('\n'), ch);
    assert.ok(!r.aiText.toString().includes('return 2'), 'not while she types');
  }
  const stopped = Date.now();
  await writer.whenFree();
  assert.ok(Date.now() - stopped >= TYPING_MS - 150, 'it waited for her pause');
  for (let i = 0; i < 100 && !r.aiText.toString().includes('return 2'); i++) await sleep(10);
  const range = writer.finish();
  assert.ok(range);
  assert.equal(r.aiText.toString(), `export function f() { //${comment}\n  return 2;\n}\n`);
  assert.equal(r.humanText.toString(), r.aiText.toString());
  assert.deepEqual(holds.map((t) => t?.name ?? null), ['Ada', null]);
  r.watch.destroy();
  r.awareness.destroy();
});

test('a caret naming a keystroke the AI has not received yet (awareness outruns the document) still holds the hunk', () => {
  const r = room(true);
  const holds: (Typist | null)[] = [];
  const writer = writerFor(r, holds);
  try {
    r.type(21, ' /');
    r.deliver();
    writer.push(OPS);
    assert.equal(writer.heldBy()?.name, 'Ada');
    // She types "(" and her editor closes it: her caret, between the two, names the ")" (the
    // character to its right), and it arrives before the keystroke itself.
    r.type(r.humanText.toString().indexOf('\n'), '()', 'edit', 1);
    assert.equal(writer.heldBy()?.name, 'Ada', 'still held: she is where her last known caret was');
    assert.ok(!r.aiText.toString().includes('return 2'));
    r.deliver();
    assert.equal(writer.heldBy()?.name, 'Ada');
  } finally {
    writer.finish();
    r.watch.destroy();
    r.awareness.destroy();
  }
  assert.equal(r.aiText.toString(), 'export function f() { /()\n  return 2;\n}\n');
});

test('a person typing outside the hunk\'s lines (or a viewer\'s caret inside them) holds nothing', () => {
  const r = room();
  const holds: (Typist | null)[] = [];
  const writer = writerFor(r, holds);
  r.humanText.insert(FILE.length, '\n\n');
  r.type(FILE.length + 2, 'const x = 1;');
  writer.push(OPS);
  assert.ok(r.aiText.toString().includes('return 2'), 'written at once');
  writer.finish();
  assert.deepEqual(holds, []);

  const v = room();
  const other = writerFor(v, holds);
  v.type(21, ' //', 'view');
  other.push(OPS);
  assert.ok(v.aiText.toString().includes('return 2'), 'a caret without edit access holds nothing');
  other.finish();
  assert.deepEqual(holds, []);
  for (const x of [r, v]) {
    x.watch.destroy();
    x.awareness.destroy();
  }
});

test('the wait is bounded: someone who never stops typing there gets the hunk after maxHoldMs, placed against the text as it is then', async () => {
  const r = room();
  const holds: (Typist | null)[] = [];
  const writer = writerFor(r, holds);
  writer.maxHoldMs = 400;
  r.type(21, ' ');
  writer.push(OPS);
  const typing = setInterval(() => r.type(r.humanText.toString().indexOf('\n'), 'x'), 50);
  try {
    const started = Date.now();
    await writer.whenFree();
    assert.ok(Date.now() - started >= 300, 'it waited');
    for (let i = 0; i < 100 && !r.aiText.toString().includes('return 2'); i++) await sleep(10);
    assert.ok(r.aiText.toString().includes('return 2'), 'then wrote');
  } finally {
    clearInterval(typing);
  }
  const typed = r.aiText.toString().split('\n')[0];
  assert.match(typed, /^export function f\(\) \{ x+$/, 'every character she typed is there');
  assert.equal(r.aiText.toString(), `${typed}\n  return 2;\n}\n`);
  assert.deepEqual(holds.map((t) => t?.name ?? null), ['Ada', null]);
  writer.finish();
  r.watch.destroy();
  r.awareness.destroy();
});
