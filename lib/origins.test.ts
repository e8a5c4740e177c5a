import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aiOrigin, FILE_TREE_ORIGIN, IDENTITY_ORIGIN, isTandemOrigin, LOAD_ORIGIN, PRUNE_ORIGIN, RESTORE_ORIGIN, HISTORY_ORIGIN, FOLDER_ORIGIN, reviewOrigin } from './origins.ts';

test("Tandem's own origins are recognised; a connection, a provider or a look-alike is not", () => {
  for (const origin of [aiOrigin('r1'), aiOrigin('r1', 'r1:2'), reviewOrigin('reject', 'Ada'), FILE_TREE_ORIGIN, IDENTITY_ORIGIN, PRUNE_ORIGIN, LOAD_ORIGIN, RESTORE_ORIGIN, HISTORY_ORIGIN, FOLDER_ORIGIN]) {
    assert.equal(isTandemOrigin(origin), true, JSON.stringify(origin));
  }
  for (const origin of [null, undefined, 'ai', 42, {}, { kind: 'person' }, { kind: ['ai'] }, new (class Connection {})()]) {
    assert.equal(isTandemOrigin(origin), false, String(origin));
  }
});
