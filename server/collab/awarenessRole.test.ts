import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { decodeAwarenessUpdate, encodeAwarenessUpdate, forceRole } from './awarenessRole.ts';

test('the role and kind a browser claims are replaced by the server\'s; removals stay null', () => {
  const doc = new Y.Doc();
  const source = new awarenessProtocol.Awareness(doc);
  source.setLocalState({ user: { name: 'Vic', color: '#f00' }, role: 'edit', kind: 'ai', cursor: { anchor: 1 } });
  const update = awarenessProtocol.encodeAwarenessUpdate(source, [doc.clientID]);

  const rewritten = encodeAwarenessUpdate(forceRole(decodeAwarenessUpdate(update), 'view'));
  const target = new awarenessProtocol.Awareness(new Y.Doc());
  awarenessProtocol.applyAwarenessUpdate(target, rewritten, 'test');
  assert.deepEqual(target.getStates().get(doc.clientID), {
    user: { name: 'Vic', color: '#f00' },
    role: 'view',
    kind: 'human',
    cursor: { anchor: 1 },
  });

  source.setLocalState(null);
  const removal = awarenessProtocol.encodeAwarenessUpdate(source, [doc.clientID]);
  const entries = forceRole(decodeAwarenessUpdate(removal), 'view');
  assert.equal(entries[0].state, null);
  awarenessProtocol.applyAwarenessUpdate(target, encodeAwarenessUpdate(entries), 'test');
  assert.equal(target.getStates().has(doc.clientID), false);
  source.destroy();
  target.destroy();
});

test('a state without a role gets one', () => {
  const entries = forceRole([{ clientId: 7, clock: 3, state: { name: 'x' }, bytes: 10 }], 'edit');
  const json = JSON.stringify({ name: 'x', role: 'edit', kind: 'human' });
  assert.deepEqual(decodeAwarenessUpdate(encodeAwarenessUpdate(entries)), [{ clientId: 7, clock: 3, state: { name: 'x', role: 'edit', kind: 'human' }, bytes: json.length }]);
});

test('malformed awareness updates throw', () => {
  const good = encodeAwarenessUpdate([{ clientId: 1, clock: 1, state: { a: 1 }, bytes: 7 }]);
  assert.throws(() => decodeAwarenessUpdate(good.subarray(0, good.length - 2)));
  assert.throws(() => decodeAwarenessUpdate(Uint8Array.of(...good, 0)), /trailing/);
  const notObject = new TextEncoder().encode('[1]');
  assert.throws(() => decodeAwarenessUpdate(Uint8Array.of(1, 1, 1, notObject.length, ...notObject)), /not an object/);
  const badJson = new TextEncoder().encode('{x');
  assert.throws(() => decodeAwarenessUpdate(Uint8Array.of(1, 1, 1, badJson.length, ...badJson)));
});
