import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { isSessionId } from '../../lib/protocol.ts';
import { newSessionId, signToken, verifyToken } from './tokens.ts';
import { authorize } from './authorize.ts';
import type { SessionRow, Storage } from '../storage/Storage.ts';

const secret = randomBytes(32);

test('session ids are 22-character base64url and do not repeat', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const id = newSessionId();
    assert.ok(isSessionId(id), id);
    ids.add(id);
  }
  assert.equal(ids.size, 1000);
});

test('a token verifies for its own session and role only', () => {
  const id = newSessionId();
  const other = newSessionId();
  const edit = signToken(secret, id, 'edit');
  const view = signToken(secret, id, 'view');
  assert.equal(verifyToken(secret, id, edit), 'edit');
  assert.equal(verifyToken(secret, id, view), 'view');
  assert.notEqual(edit.slice(2), view.slice(2));
  assert.equal(verifyToken(secret, other, edit), null, 'other session');
  assert.equal(verifyToken(randomBytes(32), id, edit), null, 'other secret');
  assert.equal(verifyToken(secret, id, 'e' + view.slice(1)), null, 'view relabelled as edit');
  assert.equal(verifyToken(secret, id, 'v' + edit.slice(1)), null, 'edit relabelled as view');
});

test('malformed tokens are refused without throwing', () => {
  const id = newSessionId();
  const good = signToken(secret, id, 'edit');
  for (const bad of ['', 'e.', 'x' + good.slice(1), good + 'A', good.slice(0, -1), good.replace('.', ':'), 'e.' + '!'.repeat(43)]) {
    assert.equal(verifyToken(secret, id, bad), null, JSON.stringify(bad));
  }
  // Changing any single character of the MAC breaks it, including the last one, whose low
  // bits are base64 padding.
  for (let i = 2; i < good.length; i++) {
    for (const c of ['A', 'B', 'C', 'D']) {
      if (c === good[i]) continue;
      const changed = good.slice(0, i) + c + good.slice(i + 1);
      assert.equal(verifyToken(secret, id, changed), null, `position ${i} → ${c}`);
    }
  }
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(good[good.length - 1]);
  for (let pad = 1; pad < 4; pad++) {
    const sameBytes = good.slice(0, -1) + alphabet[last + pad];
    assert.deepEqual(Buffer.from(sameBytes.slice(2), 'base64url'), Buffer.from(good.slice(2), 'base64url'));
    assert.equal(verifyToken(secret, id, sameBytes), null, 'non-canonical spelling of the same MAC');
  }
});

test('authorize orders its refusals: 400 id, 401 missing, 403 forged, 404 unknown', async () => {
  const known = newSessionId();
  const rows = new Map<string, SessionRow>([[known, { id: known, title: 't', createdAt: 0 }]]);
  let lookups = 0;
  // Fake at the storage boundary: only getSession is consulted.
  const storage = {
    async getSession(id: string) {
      lookups++;
      return rows.get(id) ?? null;
    },
  } as unknown as Storage;
  const unknown = newSessionId();
  assert.deepEqual(await authorize(storage, secret, 'nope', signToken(secret, 'nope', 'edit')).then((r) => !r.ok && r.status), 400);
  assert.deepEqual(await authorize(storage, secret, known, null).then((r) => !r.ok && r.status), 401);
  assert.deepEqual(await authorize(storage, secret, known, signToken(secret, unknown, 'edit')).then((r) => !r.ok && r.status), 403);
  assert.equal(lookups, 0, 'storage is not consulted before the token checks out');
  assert.deepEqual(await authorize(storage, secret, unknown, signToken(secret, unknown, 'view')).then((r) => !r.ok && r.status), 404);
  const ok = await authorize(storage, secret, known, signToken(secret, known, 'view'));
  assert.ok(ok.ok && ok.role === 'view' && ok.session.id === known);
});
