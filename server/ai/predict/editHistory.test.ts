// Recent edits for the prediction prompt: what two people's clients sent to the room's document,
// as merged line edits with their authors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { diffOf, recentEditsOf, type HistoryEdit } from './editHistory.ts';

const TEXT = ['function a() {', '  return 1;', '}', '', 'function b() {', '  ', '}', ''].join('\n');

/** A room document and two people's replicas of it, each change sent to the room with its socket as origin. */
function room() {
  const server = new Y.Doc();
  server.getText('f').insert(0, TEXT);
  const person = (clientID: number) => {
    const doc = new Y.Doc();
    doc.clientID = clientID;
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
    const socket = { clientID };
    doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'room' && Y.applyUpdate(server, u, socket));
    server.on('update', (u: Uint8Array, origin: unknown) => origin !== socket && Y.applyUpdate(doc, u, 'room'));
    const text = doc.getText('f');
    return {
      typeAt: (pos: number, s: string) => [...s].forEach((ch, i) => text.insert(pos + i, ch)),
      backspaceAt: (pos: number) => text.delete(pos - 1, 1),
      text,
    };
  };
  const file = server.getText('f');
  const clientOf = (origin: unknown) => (origin as { clientID?: number } | null)?.clientID ?? null;
  return { file, person, read: (): HistoryEdit[] => recentEditsOf(file, file.toString(), clientOf) };
}

test('keys typed on one line are one edit with its author; another person elsewhere is another edit', () => {
  const r = room();
  const ada = r.person(1);
  const ben = r.person(2);
  assert.deepEqual(r.read(), [], 'the first read starts observing');
  const at = TEXT.indexOf('  \n}') + 2;
  ada.typeAt(at, 'retu');
  assert.deepEqual(r.read(), [{ client: 1, line: 6, removed: ['  '], added: ['  retu'] }]);
  // Still typing there: the same edit grows (not one edit per read).
  ada.typeAt(at + 4, 'rn 2;');
  assert.deepEqual(r.read(), [{ client: 1, line: 6, removed: ['  '], added: ['  return 2;'] }]);
  // Ben changes line 2; Ada's edit is done, Ben's is the latest.
  ben.text.delete(TEXT.indexOf('1;'), 1);
  ben.typeAt(TEXT.indexOf('1;'), '42');
  const edits = r.read();
  assert.deepEqual(edits, [
    { client: 1, line: 6, removed: ['  '], added: ['  return 2;'] },
    { client: 2, line: 2, removed: ['  return 1;'], added: ['  return 42;'] },
  ]);
  assert.equal(diffOf(edits[1]), '@@ line 2 @@\n-  return 1;\n+  return 42;');
});

test('a new line and a backspace by the same person merge into their edit; the origin names who deleted', () => {
  const r = room();
  const ada = r.person(1);
  r.read();
  const end = TEXT.indexOf('  return 1;') + '  return 1;'.length;
  ada.typeAt(end, '\n  x');
  ada.backspaceAt(end + 4);
  ada.typeAt(end + 3, 'y();');
  assert.deepEqual(r.read(), [{ client: 1, line: 2, removed: ['  return 1;'], added: ['  return 1;', '  y();'] }]);
});

test('bounded: only the last edits are kept, and a flood of changes between two reads starts over', () => {
  const r = room();
  const people = [1, 2, 3, 4, 5, 6, 7, 8].map((c) => r.person(c));
  r.read();
  // Eight people, each on their own line in turn: eight edits, the last six kept.
  people.forEach((p, i) => p.typeAt(0, `${i}\n`));
  const kept = r.read();
  assert.equal(kept.length, 6);
  assert.deepEqual(kept.map((e) => e.client), [3, 4, 5, 6, 7, 8]);
  // More changes than it notes between two reads: nothing is made up.
  const ada = people[0];
  for (let i = 0; i < 450; i++) ada.typeAt(0, 'z');
  assert.deepEqual(r.read(), []);
  ada.typeAt(0, 'q');
  assert.deepEqual(r.read().map((e) => e.client), [1]);
});
