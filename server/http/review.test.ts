// The review endpoint against a real server: a stock y-websocket client acts as the AI (its own
// clientID, a hunk recorded through lib/review/record), a person types inside the hunk, and
// keep / reject / undo go through POST /api/sessions/<id>/review.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { diffText } from '../../lib/edits/sequenceDiff.ts';
import { filesOf, identitiesOf } from '../../lib/schema.ts';
import { aiRunOrderOf, aiRunsOf, readThread } from '../../lib/ai/aiRuns.ts';
import { pendingHunks } from '../../lib/review/index.ts';
import { writeAiHunk } from '../../testing/aiHunk.ts';
import { connect, createSession, startTestServer, waitFor, type TestServer } from '../../testing/harness.ts';
import type { CreateSessionResponse } from '../../lib/api.ts';

const OLD = 'function a() {\n  return 1;\n}\n';
const NEW = 'function a() {\n  return 2 + 3;\n}\n';
let server: TestServer;
before(async () => { server = await startTestServer(); });
after(async () => { await server.dispose(); });

function writeAsAi(doc: Y.Doc, file: string, oldText: string, newText: string): string {
  const text = filesOf(doc).get(file)!;
  const start = text.toString().indexOf(oldText);
  const origin = { kind: 'ai', runId: 'r1', hunkId: 'r1:1' };
  const written = writeAiHunk(doc, text, start, oldText.length, diffText(oldText, newText), origin);
  doc.transact(() => {
    const run = new Y.Map<unknown>();
    const hunk = new Y.Map<unknown>();
    for (const [k, v] of Object.entries({ id: 'r1:1', file, op: 'update', status: 'applied', review: 'pending', oldText, newText, items: written.items,
      start: written.start, end: written.end })) hunk.set(k, v);
    for (const [k, v] of Object.entries({ id: 'r1', status: 'done', aiClientId: doc.clientID, model: 'm' })) run.set(k, v);
    run.set('hunks', Y.Array.from([hunk]));
    aiRunsOf(doc).set('r1', run);
    aiRunOrderOf(doc).push(['r1']);
    identitiesOf(doc).set(String(doc.clientID), { kind: 'ai', name: 'm', color: '#80f', runId: 'r1', model: 'm' });
  }, origin);
  return 'r1:1';
}

async function post(session: CreateSessionResponse, body: unknown, token = session.collab.editParams.token) {
  const res = await fetch(`${server.url}/api/sessions/${session.id}/review`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

test('reject keeps a person\'s characters, keep is seen by others, undo restores, viewers are refused', async () => {
  const session = await createSession(server.url, { files: { 'a.ts': OLD } });
  const ai = connect(session, 'edit');
  const person = connect(session, 'edit');
  try {
    await waitFor(() => filesOf(ai.doc).get('a.ts')?.toString() === OLD && filesOf(person.doc).get('a.ts')?.toString() === OLD, 'sync');
    const hunkId = writeAsAi(ai.doc, 'a.ts', OLD, NEW);
    await waitFor(() => pendingHunks(person.doc).length === 1, 'hunk at the person');
    const t = filesOf(person.doc).get('a.ts')!;
    const at = t.toString().indexOf('+ 3');
    person.doc.transact(() => t.insert(at, 'Q'), 'person');
    await waitFor(() => pendingHunks(ai.doc)[0]?.mixed === true, 'mixed seen by the AI side');

    const viewer = await post(session, { action: 'reject', hunkIds: [hunkId] }, session.collab.viewParams.token);
    assert.equal(viewer.status, 403);
    assert.equal((await post(session, { action: 'reject', hunkIds: ['r1:9'] })).status, 404);

    const rejected = await post(session, { action: 'reject', hunkIds: [hunkId], by: { name: 'Ann' } });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    assert.deepEqual(rejected.body.hunks.map((h: { review: string }) => h.review), ['rejected']);
    await waitFor(() => filesOf(ai.doc).get('a.ts')!.toString() === OLD.replace('1;', '1Q;') || filesOf(ai.doc).get('a.ts')!.toString().replace('Q', '') === OLD, 'reject reaches the AI side');
    assert.equal(filesOf(person.doc).get('a.ts')!.toString().replace('Q', ''), OLD);
    assert.ok(filesOf(person.doc).get('a.ts')!.toString().includes('Q'), 'the person\'s character stays');
    assert.equal((await post(session, { action: 'reject', hunkIds: [hunkId] })).status, 409);

    const undone = await post(session, { action: 'undo' });
    assert.equal(undone.status, 200, JSON.stringify(undone.body));
    await waitFor(() => pendingHunks(person.doc).length === 1, 'pending again');
    assert.equal(filesOf(person.doc).get('a.ts')!.toString().replace('Q', ''), NEW);

    const kept = await post(session, { action: 'keep', runId: 'r1' });
    assert.equal(kept.status, 200);
    await waitFor(() => readThread(ai.doc)[0]?.hunks[0].review === 'kept', 'kept seen by the other client');
  } finally {
    ai.destroy();
    person.destroy();
  }
  // Survives a restart: the state is in the stored document.
  await server.stop();
  server = await startTestServer({}, server.dataDir);
  const again = connect(session, 'view', `${server.url.replace('http', 'ws')}/collab`);
  try {
    await waitFor(() => readThread(again.doc)[0]?.hunks[0].review === 'kept', 'kept after restart');
  } finally {
    again.destroy();
  }
});
