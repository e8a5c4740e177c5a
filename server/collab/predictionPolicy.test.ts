import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { acceptedPredictionsOf } from '../../lib/schema.ts';
import { vetUpdate } from './docPolicy.ts';

test('the server refuses a prediction record that names another client’s text', () => {
  const server = new Y.Doc();
  const mallory = new Y.Doc();
  Y.applyUpdate(mallory, Y.encodeStateAsUpdate(server));
  const before = Y.encodeStateVector(mallory);
  acceptedPredictionsOf(mallory).set('12345:0', { client: 12345, clock: 0, length: 5, model: 'x' });
  assert.throws(() => vetUpdate(server, Y.encodeStateAsUpdate(mallory, before)), /accepted prediction/);

  const ada = new Y.Doc();
  const own = Y.encodeStateVector(ada);
  acceptedPredictionsOf(ada).set(`${ada.clientID}:0`, { client: ada.clientID, clock: 0, length: 5, model: 'x' });
  vetUpdate(server, Y.encodeStateAsUpdate(ada, own));
});
