import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { filesOf, readFiles, seedDocument } from '../schema.ts';
import { RESTORE_ORIGIN } from '../origins.ts';
import { restoreFiles } from './restoreFiles.ts';

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

test('a restore changes only what differs: shared characters keep their items, and a concurrent edit survives', () => {
  const server = new Y.Doc();
  seedDocument(server, 'T', { 'a.ts': 'one\ntwo changed\nthree\n', 'b.ts': 'b\n', 'new.ts': 'added later\n' });
  const ada = new Y.Doc();
  const bob = new Y.Doc();
  sync(server, ada);
  sync(server, bob);
  const text = filesOf(ada).get('a.ts')!;
  const firstItem = Y.createRelativePositionFromTypeIndex(text, 0);
  const restored = restoreFiles(ada, { 'a.ts': 'one\ntwo\nthree\n', 'b.ts': 'b\n', 'gone.ts': 'back\n' }, null, RESTORE_ORIGIN);
  assert.deepEqual(restored, ['a.ts', 'gone.ts', 'new.ts']);
  // Bob types at the end of a.ts at the same time.
  const bobText = filesOf(bob).get('a.ts')!;
  bobText.insert(bobText.length, 'bob\n');
  sync(ada, bob);
  assert.deepEqual(readFiles(bob), { 'a.ts': 'one\ntwo\nthree\nbob\n', 'b.ts': 'b\n', 'gone.ts': 'back\n' });
  assert.deepEqual(readFiles(ada), readFiles(bob));
  // "one" is still the item it was: the restore deleted " changed" only.
  assert.equal(Y.createAbsolutePositionFromRelativePosition(firstItem, ada)?.index, 0);
  const undo = new Y.UndoManager(filesOf(ada), { trackedOrigins: new Set([RESTORE_ORIGIN]) });
  restoreFiles(ada, { 'a.ts': 'one\ntwo changed\nthree\nbob\n' }, ['a.ts'], RESTORE_ORIGIN);
  assert.equal(filesOf(ada).get('a.ts')!.toString(), 'one\ntwo changed\nthree\nbob\n');
  undo.undo();
  assert.equal(filesOf(ada).get('a.ts')!.toString(), 'one\ntwo\nthree\nbob\n', 'undo takes back exactly the restore');
});

test('restoring one file leaves the others, and a file already as it was is not touched', () => {
  const doc = new Y.Doc();
  seedDocument(doc, 'T', { 'a.ts': 'x\n', 'b.ts': 'y\n' });
  let transactions = 0;
  doc.on('update', () => transactions++);
  assert.deepEqual(restoreFiles(doc, { 'a.ts': 'x\n', 'b.ts': 'old\n' }, ['a.ts'], RESTORE_ORIGIN), []);
  assert.equal(transactions, 0, 'nothing written');
  assert.deepEqual(restoreFiles(doc, { 'b.ts': 'old\n' }, ['b.ts', '../evil'], RESTORE_ORIGIN), ['b.ts']);
  assert.deepEqual(readFiles(doc), { 'a.ts': 'x\n', 'b.ts': 'old\n' });
});
