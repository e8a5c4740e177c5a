// apply_patch hunks placed early and streamed line by line, on Yjs docs without a server: a
// watcher sees a large hunk being typed, a wrong early place is rolled back, and chunking the
// input never changes the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { ApplyPatchParser } from '../../lib/edits/applyPatchParser.ts';
import { filesOf } from '../../lib/schema.ts';
import { EditApplier } from './EditApplier.ts';
import { RunRecord } from './RunRecord.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function setup(files: Record<string, string>) {
  const ai = new Y.Doc();
  const watcher = new Y.Doc();
  ai.transact(() => {
    for (const [p, c] of Object.entries(files)) filesOf(ai).set(p, new Y.Text(c));
  });
  Y.applyUpdate(watcher, Y.encodeStateAsUpdate(ai));
  ai.on('update', (u: Uint8Array, o: unknown) => o !== 'remote' && Y.applyUpdate(watcher, u, 'remote'));
  watcher.on('update', (u: Uint8Array, o: unknown) => o !== 'remote' && Y.applyUpdate(ai, u, 'remote'));
  const record = RunRecord.create(ai, { id: 'r1', prompt: 'p', file: null, selection: null, requestedBy: { name: 't' }, createdAt: 0, queuePosition: null });
  const applier = new EditApplier(ai, record, { restoreClientId: () => 4242 });
  return { ai, watcher, record, applier };
}

function watch(doc: Y.Doc, path: string): string[] {
  const states: string[] = [];
  doc.on('afterTransaction', () => {
    const now = filesOf(doc).get(path)?.toString();
    if (now !== undefined && states.at(-1) !== now) states.push(now);
  });
  return states;
}

async function feed(applier: EditApplier, patch: string, chunks: number[] | 'lines', pauseMs: number) {
  const parser = new ApplyPatchParser();
  const pieces: string[] = [];
  if (chunks === 'lines') pieces.push(...patch.split(/(?<=\n)/));
  else for (let i = 0, k = 0; i < patch.length; k++) pieces.push(patch.slice(i, (i += chunks[k % chunks.length])));
  for (const piece of pieces) {
    for (const e of parser.push(piece)) applier.place(e);
    if (pauseMs > 0) await sleep(pauseMs);
  }
  for (const e of parser.finish()) applier.place(e);
  applier.finish();
}

const BIG_OLD = Array.from({ length: 40 }, (_, i) => `  total += compute(${i}, 'old');`);
const BIG_NEW = Array.from({ length: 40 }, (_, i) => `  total += computeFast(${i}, "new", ${i * 2});`);
const BIG_FILE = `import x from 'x';\n\nexport function run() {\n  let total = 0;\n${BIG_OLD.join('\n')}\n  return total;\n}\n`;
const BIG_PATCH = `*** Begin Patch\n*** Update File: a.ts\n@@ export function run() {\n   let total = 0;\n${BIG_OLD.map((l) => `-${l}`).join('\n')}\n${BIG_NEW.map((l) => `+${l}`).join('\n')}\n   return total;\n*** End Patch\n`;
const BIG_RESULT = BIG_FILE.replace(BIG_OLD.join('\n'), BIG_NEW.join('\n'));

test('a 40-line replacement hunk is seen being typed: many states within the one hunk', async () => {
  const { watcher, applier, record } = setup({ 'a.ts': BIG_FILE });
  const states = watch(watcher, 'a.ts');
  await feed(applier, BIG_PATCH, 'lines', 20);
  assert.equal(filesOf(watcher).get('a.ts')!.toString(), BIG_RESULT);
  const intermediate = states.filter((s) => s !== BIG_FILE && s !== BIG_RESULT);
  assert.ok(intermediate.length >= 5, `intermediate states: ${intermediate.length}`);
  // Each intermediate state is a prefix of the new side followed by old lines: typed in order.
  const view = record.view();
  assert.deepEqual(view.hunks.map((h) => h.status), ['applied']);
  assert.equal(view.hunks[0].oldText, `  let total = 0;\n${BIG_OLD.join('\n')}\n  return total;\n`);
  console.log(`intermediate states within one 40-line hunk: ${intermediate.length}`);
});

test('chunk by chunk gives the same document as the whole input', async () => {
  const results = new Set<string>();
  for (const chunks of [[1], [3, 7], [13], [100000]]) {
    const { ai, applier } = setup({ 'a.ts': BIG_FILE });
    await feed(applier, BIG_PATCH, chunks, 0);
    results.add(filesOf(ai).get('a.ts')!.toString());
  }
  assert.deepEqual([...results], [BIG_RESULT]);
});

test('a hunk placed early in the wrong place is rolled back and applied where it belongs', async () => {
  const file = 'function a() {\n  foo();\n  bar();\n}\n\nfunction b() {\n    foo();\n    baz();\n}\n';
  // '-  foo();' alone matches a() exactly (b() only when trimmed), so the hunk starts there;
  // '-  baz();' then disagrees with a(), and the whole hunk belongs in b().
  const patch = '*** Begin Patch\n*** Update File: a.ts\n@@\n-  foo();\n+  FOO();\n-  baz();\n+  BAZ();\n*** End Patch\n';
  const { ai, watcher, applier, record } = setup({ 'a.ts': file });
  const states = watch(watcher, 'a.ts');
  await feed(applier, patch, 'lines', 25);
  const result = filesOf(ai).get('a.ts')!.toString();
  assert.equal(result, 'function a() {\n  foo();\n  bar();\n}\n\nfunction b() {\n  FOO();\n  BAZ();\n}\n');
  assert.ok(states.some((s) => s.startsWith('function a() {\n  FOO();')), 'the early placement was visible');
  const hunks = record.view().hunks;
  assert.deepEqual(hunks.map((h) => h.status), ['rolledBack', 'applied']);
  assert.match(hunks[0].reason!, /placed early at line 2/);
  // The restored text in a() was not written under the run's clientID.
  const text = filesOf(ai).get('a.ts')!;
  let item = text._start;
  const authors = new Set<number>();
  while (item) {
    if (!item.deleted && (item.content as Y.ContentString).str?.includes('foo')) authors.add(item.id.client);
    item = item.right;
  }
  assert.ok(!authors.has(ai.clientID), 'restored text is not the run\'s');
  assert.equal(applier.summary(), null);
});

test('a person typing inside the hunk while it streams keeps every character', async () => {
  const { ai, watcher, applier } = setup({ 'a.ts': BIG_FILE });
  const typed: string[] = [];
  const parser = new ApplyPatchParser();
  const lines = BIG_PATCH.split(/(?<=\n)/);
  let n = 0;
  for (const line of lines) {
    for (const e of parser.push(line)) applier.place(e);
    await sleep(18);
    // Once the hunk is placed (its context line arrived), type inside old lines still to be
    // replaced and inside the new text already written.
    const t = filesOf(watcher).get('a.ts')!;
    const s = t.toString();
    const oldAt = s.indexOf(`compute(${30 - (n % 20)}, 'old')`);
    if (oldAt >= 0 && n > 4 && n % 3 === 0) {
      const mark = `<${n}>`;
      watcher.transact(() => t.insert(oldAt + 3, mark), 'person');
      typed.push(mark);
    }
    const newAt = s.indexOf('computeFast(');
    if (newAt >= 0 && n % 4 === 1) {
      const mark = `[${n}]`;
      watcher.transact(() => t.insert(newAt + 2, mark), 'person');
      typed.push(mark);
    }
    n++;
  }
  for (const e of parser.finish()) applier.place(e);
  applier.finish();
  const result = filesOf(ai).get('a.ts')!.toString();
  assert.equal(result, filesOf(watcher).get('a.ts')!.toString());
  assert.ok(typed.length >= 8, `typed ${typed.length}`);
  for (const mark of typed) assert.ok(result.includes(mark), `${mark} survives`);
  let stripped = result;
  for (const mark of typed) stripped = stripped.replace(mark, '');
  for (const line of BIG_NEW) assert.ok(stripped.includes(line), `AI line present: ${line}`);
  assert.ok(!stripped.includes("'old'"), 'every old line replaced');
});
