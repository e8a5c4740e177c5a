// A run whose process stopped mid-hunk is ended by the next node from what the document holds:
// the hunk's own characters removed, the ones it deleted put back where they were, a person's
// typing kept, and an error in the thread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { filesOf } from '../../lib/schema.ts';
import { aiRunsOf, readRun } from '../../lib/ai/aiRuns.ts';
import { aiOrigin } from '../../lib/origins.ts';
import { HunkWriter } from './HunkWriter.ts';
import { RunRecord } from './RunRecord.ts';
import { endInterruptedRun, INTERRUPTED, unfinishedRuns } from './orphanRuns.ts';

const OLD = 'function f() {\n  return 1;\n}\n';
const AFTER = '// end\n';

/** The AI's replica and a person's document, in step. */
function pair() {
  const ai = new Y.Doc();
  const person = new Y.Doc();
  filesOf(person).set('a.ts', new Y.Text(OLD + AFTER));
  Y.applyUpdate(ai, Y.encodeStateAsUpdate(person));
  ai.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(person, u, 'remote'));
  person.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(ai, u, 'remote'));
  return { ai, person };
}

test('a streaming hunk left by a stopped process is rolled back exactly from the document; typing stays', () => {
  const { ai, person } = pair();
  const record = RunRecord.create(ai, { id: 'r1', prompt: 'p', file: 'a.ts', selection: null, requestedBy: { name: 'Ada' }, createdAt: 1, queuePosition: 1 });
  record.set({ status: 'editing', aiClientId: ai.clientID, startedAt: 2 });
  const text = filesOf(ai).get('a.ts')!;
  const { map } = record.addHunk('a.ts', 'update', { status: 'streaming', oldText: OLD, aiFrom: Y.getState(ai.store, ai.clientID), removedSoFar: new Y.Array() });
  const writer = new HunkWriter(ai, text, 0, aiOrigin('r1', 'r1:1'));
  writer.onRemoved = (removed) => (map.get('removedSoFar') as Y.Array<unknown>).push(removed);
  // The model rewrites the body: `return 1;` becomes `return 2;\n  // more`, half written.
  writer.push([{ type: 'retain', count: 17 }, { type: 'delete', count: 9 }, { type: 'insert', text: 'return 2;\n  // mo' }]);
  writer.flush();
  // A person types below the hunk while it streams.
  const theirs = filesOf(person).get('a.ts')!;
  theirs.insert(theirs.length, 'typed\n');
  assert.equal(filesOf(person).get('a.ts')!.toString(), 'function f() {\n  return 2;\n  // mo\n}\n// end\ntyped\n');

  // The process stops: the writer is gone. A new peer, with a replica of its own, takes over.
  const next = new Y.Doc();
  Y.applyUpdate(next, Y.encodeStateAsUpdate(person));
  next.on('update', (u: Uint8Array) => Y.applyUpdate(person, u, 'remote'));
  const { running, queued } = unfinishedRuns(next);
  assert.deepEqual(running.map((r) => r.id), ['r1']);
  assert.equal(queued.length, 0);
  const restoreAs = 424242;
  endInterruptedRun(next, running[0], restoreAs, 99);

  assert.equal(filesOf(person).get('a.ts')!.toString(), OLD + AFTER + 'typed\n', 'the old body back, the typing kept');
  const run = readRun(aiRunsOf(person).get('r1')!);
  assert.equal(run.status, 'error');
  assert.deepEqual(run.error, { ...INTERRUPTED });
  assert.equal(run.finishedAt, 99);
  assert.equal(run.hunks[0].status, 'rolledBack');
  assert.equal(run.hunks[0].reason, INTERRUPTED.message);
  // The restored characters are not the AI's.
  const restored = new Set<number>();
  for (let item = filesOf(person).get('a.ts')!._start; item; item = item.right) if (!item.deleted) restored.add(item.id.client);
  assert.ok(restored.has(restoreAs) && !restored.has(ai.clientID), [...restored].join());
});

test('a created file the stopped hunk was writing goes away; a finished run is left alone', () => {
  const { ai, person } = pair();
  const done = RunRecord.create(ai, { id: 'r0', prompt: 'p', file: null, selection: null, requestedBy: { name: 'Ada' }, createdAt: 0, queuePosition: 1 });
  done.set({ status: 'done', aiClientId: ai.clientID });
  const record = RunRecord.create(ai, { id: 'r1', prompt: 'p', file: null, selection: null, requestedBy: { name: 'Ada' }, createdAt: 1, queuePosition: 1 });
  record.set({ status: 'editing', aiClientId: ai.clientID });
  const { map } = record.addHunk('new.ts', 'add', { status: 'streaming', aiFrom: Y.getState(ai.store, ai.clientID), created: true, removedSoFar: new Y.Array() });
  const text = new Y.Text();
  ai.transact(() => filesOf(ai).set('new.ts', text), aiOrigin('r1', 'r1:1'));
  const writer = new HunkWriter(ai, text, 0, aiOrigin('r1', 'r1:1'));
  writer.onRemoved = (removed) => (map.get('removedSoFar') as Y.Array<unknown>).push(removed);
  writer.push([{ type: 'insert', text: 'export const x = ' }]);
  writer.flush();
  assert.ok(filesOf(person).has('new.ts'));

  const next = new Y.Doc();
  Y.applyUpdate(next, Y.encodeStateAsUpdate(person));
  next.on('update', (u: Uint8Array) => Y.applyUpdate(person, u, 'remote'));
  const { running } = unfinishedRuns(next);
  assert.deepEqual(running.map((r) => r.id), ['r1']);
  endInterruptedRun(next, running[0], 7);
  assert.equal(filesOf(person).has('new.ts'), false);
  assert.equal(readRun(aiRunsOf(person).get('r0')!).status, 'done');
});

test('text an earlier run of the same AI wrote, deleted by the stopped hunk, comes back', () => {
  const { ai, person } = pair();
  const text = filesOf(ai).get('a.ts')!;
  const first = new HunkWriter(ai, text, OLD.length, aiOrigin('r0', 'r0:1'));
  first.push([{ type: 'insert', text: 'const kept = 1;\n' }]);
  first.finish();
  const record = RunRecord.create(ai, { id: 'r1', prompt: 'p', file: 'a.ts', selection: null, requestedBy: { name: 'Ada' }, createdAt: 1, queuePosition: 1 });
  record.set({ status: 'editing', aiClientId: ai.clientID });
  const { map } = record.addHunk('a.ts', 'update', { status: 'streaming', aiFrom: Y.getState(ai.store, ai.clientID), removedSoFar: new Y.Array() });
  const writer = new HunkWriter(ai, text, OLD.length, aiOrigin('r1', 'r1:1'));
  writer.onRemoved = (removed) => (map.get('removedSoFar') as Y.Array<unknown>).push(removed);
  writer.push([{ type: 'delete', count: 16 }, { type: 'insert', text: 'const ch' }]);
  writer.flush();
  assert.equal(filesOf(person).get('a.ts')!.toString(), OLD + 'const ch' + AFTER);

  const next = new Y.Doc();
  Y.applyUpdate(next, Y.encodeStateAsUpdate(person));
  next.on('update', (u: Uint8Array) => Y.applyUpdate(person, u, 'remote'));
  endInterruptedRun(next, unfinishedRuns(next).running[0], 5);
  assert.equal(filesOf(person).get('a.ts')!.toString(), OLD + 'const kept = 1;\n' + AFTER);
});
