import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { acceptedPredictionsOf, filesOf, identitiesOf } from '../schema.ts';
import { authorship } from './authorship.ts';

function person(doc: Y.Doc, name: string) {
  identitiesOf(doc).set(String(doc.clientID), { kind: 'human', name, color: '#f472b6' });
}

test('text written by accepting a prediction is the person’s, predicted by the model; their own typing around it is plain theirs', () => {
  const doc = new Y.Doc();
  person(doc, 'Ada');
  const text = new Y.Text();
  filesOf(doc).set('a.ts', text);
  text.insert(0, 'co');
  const before = Y.getState(doc.store, doc.clientID);
  text.insert(2, 'nst d = 1;');
  acceptedPredictionsOf(doc).set(`${doc.clientID}:${before}`, { client: doc.clientID, clock: before, length: 10, model: 'zeta-1' });
  text.insert(12, ' // mine');
  const spans = authorship(doc, text).map((s) => ({ text: text.toString().slice(s.start, s.end), name: s.author.name, predictedBy: s.author.predictedBy }));
  assert.deepEqual(spans, [
    { text: 'co', name: 'Ada', predictedBy: undefined },
    { text: 'nst d = 1;', name: 'Ada', predictedBy: 'zeta-1' },
    { text: ' // mine', name: 'Ada', predictedBy: undefined },
  ]);
});
