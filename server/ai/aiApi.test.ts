// The AI control plane over HTTP: roles, validation, queueing with visible positions, rate
// limits, provider status, and the AI's presence in the room's awareness.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readThread } from '../../lib/ai/aiRuns.ts';
import { startTestServer } from '../../testing/harness.ts';
import { ask, cancelRun, createSession, fileText, getRun, joined, startAiStack, waitFinished, waitFor, type AiStack } from '../../testing/aiTestKit.ts';

const FILE = 'const a = 1;\nconst b = 2;\n';

let stack: AiStack;
before(async () => {
  stack = await startAiStack({ rate: 300, env: { TANDEM_AI_RATE_PER_PERSON: '3', TANDEM_AI_RATE_PER_ROOM: '5', TANDEM_AI_MAX_QUEUE: '3' } });
});
after(async () => {
  await stack.dispose();
});

test('viewers cannot ask or stop; bad bodies get 400; unknown runs 404', async () => {
  const session = await createSession(stack.server.url, { files: { 'a.ts': FILE } });
  const viewer = await ask(stack.server, session, { prompt: 'x' }, session.collab.viewParams.token);
  assert.equal(viewer.status, 403);
  assert.equal(viewer.body.error?.code, 'read_only');
  const noToken = await fetch(`${stack.server.url}/api/sessions/${session.id}/ai`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  assert.equal(noToken.status, 401);
  assert.equal((await ask(stack.server, session, { prompt: '' })).status, 400);
  assert.equal((await ask(stack.server, session, { prompt: 'x'.repeat(20_001) })).status, 400);
  const unknownFile = await ask(stack.server, session, { prompt: 'x', file: 'nope.ts' });
  assert.equal(unknownFile.status, 400);
  assert.equal(unknownFile.body.error?.code, 'unknown_file');
  const run = await fetch(`${stack.server.url}/api/sessions/${session.id}/ai/rnope`, { headers: { authorization: `Bearer ${session.collab.editParams.token}` } });
  assert.equal(run.status, 404);
  const stop = await cancelRun(stack.server, session, 'rnope', session.collab.viewParams.token);
  assert.equal(stop.status, 403);
});

test('runs queue one at a time with visible positions; a queued run can be cancelled', async () => {
  const session = await createSession(stack.server.url, { files: { 'a.ts': FILE } });
  const client = await joined(session);
  const slow = { text: 'Working on it, slowly and carefully, one token at a time.', rate: 60 };
  stack.model.script(slow, slow, slow);
  try {
    const ids: string[] = [];
    const positions: number[] = [];
    for (const name of ['p1', 'p2', 'p3']) {
      const res = await ask(stack.server, session, { prompt: `from ${name}`, requestedBy: { name } });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      ids.push(res.body.runId!);
      positions.push(res.body.queuePosition!);
    }
    assert.deepEqual(positions, [1, 1, 2]);
    const second = await getRun(stack.server, session, ids[1]);
    assert.equal(second.status, 'queued');
    assert.equal(second.queuePosition, 1);
    // Everyone sees the queue in the thread.
    await waitFor(() => readThread(client.doc).filter((r) => r.status === 'queued').length === 2, 'queued runs in the thread');
    assert.equal((await cancelRun(stack.server, session, ids[1])).status, 200);
    await waitFor(() => readThread(client.doc).find((r) => r.id === ids[2])?.queuePosition === 1, 'the third run moving up');
    const runs = await Promise.all(ids.map((id) => waitFinished(stack.server, session, id)));
    assert.deepEqual(runs.map((r) => r.status), ['done', 'cancelled', 'done']);
    // One at a time: the third started after the first finished.
    assert.ok(runs[2].startedAt! >= runs[0].finishedAt!);
  } finally {
    client.destroy();
    stack.model.clearScript();
  }
});

/** An editor connected to the session, present as `name` (what the server keys limits on). */
async function present(session: Awaited<ReturnType<typeof createSession>>, name: string) {
  const client = await joined(session);
  client.provider.awareness.setLocalState({ user: { name, color: '#888' } });
  const room = (await stack.server.rooms.peek(session.id))!;
  await waitFor(() => room.awareness.getStates().has(client.doc.clientID), `${name}'s presence on the server`);
  return client;
}

test('rate limits per person and per room answer 429 with a clear message and Retry-After', async () => {
  const session = await createSession(stack.server.url, { files: { 'a.ts': FILE } });
  const zed = await present(session, 'Zed');
  const others = [await present(session, 'Other 1'), await present(session, 'Other 2')];
  try {
    for (let i = 0; i < 3; i++) {
      stack.model.script({ text: 'ok' });
      const res = await ask(stack.server, session, { prompt: 'x', requestedBy: { name: 'Zed', clientId: zed.doc.clientID } });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      await waitFinished(stack.server, session, res.body.runId!);
    }
    const limited = await ask(stack.server, session, { prompt: 'x', requestedBy: { name: 'Zed', clientId: zed.doc.clientID } });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error?.code, 'rate_limited');
    assert.match(limited.body.error!.message, /you have asked the AI 3 times/);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    // Someone else in the room (their own connection) may still ask, until the room's limit.
    for (const other of others) {
      stack.model.script({ text: 'ok' });
      const res = await ask(stack.server, session, { prompt: 'x', requestedBy: { name: 'claimed name', clientId: other.doc.clientID } });
      assert.equal(res.status, 202);
      const run = await waitFinished(stack.server, session, res.body.runId!);
      assert.match(run.requestedBy.name, /^Other \d$/, 'the name is the one everyone sees in presence, not the body\'s');
    }
    const roomLimited = await ask(stack.server, session, { prompt: 'x', requestedBy: { name: 'Third', clientId: 20 } });
    assert.equal(roomLimited.status, 429);
    assert.match(roomLimited.body.error!.message, /this session has asked the AI 5 times/);
  } finally {
    zed.destroy();
    for (const o of others) o.destroy();
  }
});

test('varying the request body (clientId, name) does not raise a person\'s allowance', async () => {
  const session = await createSession(stack.server.url, { files: { 'a.ts': FILE } });
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    stack.model.script({ text: 'ok' });
    const res = await ask(stack.server, session, { prompt: 'x', requestedBy: { name: `Alias ${i}`, clientId: 1000 + i } });
    statuses.push(res.status);
    if (res.status === 202) await waitFinished(stack.server, session, res.body.runId!);
  }
  stack.model.clearScript();
  assert.deepEqual(statuses, [202, 202, 202, 429, 429], 'one allowance (3) for one address without a connection');
});

test('the AI is present in the room: name, kind, status and a cursor at its edit point', async () => {
  const session = await createSession(stack.server.url, { files: { 'a.ts': FILE } });
  const client = await joined(session);
  const replace = Array.from({ length: 30 }, (_, i) => `+const c${i} = ${i};\n`).join('');
  stack.model.script({ text: 'Adding constants.', toolCall: { name: 'apply_patch', input: `*** Begin Patch\n*** Add File: b.ts\n${replace}*** End Patch\n` } });
  try {
    const seen = new Set<string>();
    let cursorInFile = false;
    const onChange = () => {
      for (const state of client.provider.awareness.getStates().values()) {
        if (state.kind !== 'ai') continue;
        seen.add(String(state.status));
        assert.equal((state.user as { name: string }).name, 'tandem-test-model');
        if (state.status === 'editing' && state.file === 'b.ts' && (state.selection as { anchor?: unknown } | null)?.anchor) cursorInFile = true;
      }
    };
    client.provider.awareness.on('change', onChange);
    const res = await ask(stack.server, session, { prompt: 'add', file: 'a.ts' });
    const run = await waitFinished(stack.server, session, res.body.runId!);
    assert.equal(run.status, 'done');
    await waitFor(() => seen.has('idle') && fileText(client, 'b.ts') !== null, 'the AI back to idle');
    client.provider.awareness.off('change', onChange);
    assert.ok(seen.has('thinking') && seen.has('editing'), [...seen].join());
    assert.ok(cursorInFile, 'the AI cursor was in b.ts while it typed');
  } finally {
    client.destroy();
  }
});

test('GET /ai reports the provider; without a model Tandem explains how to connect one', async (t) => {
  const session = await createSession(stack.server.url);
  const ok = await fetch(`${stack.server.url}/api/sessions/${session.id}/ai`, { headers: { authorization: `Bearer ${session.collab.viewParams.token}` } });
  const status = await ok.json();
  assert.equal(status.configured, true);
  assert.equal(status.model, 'tandem-test-model');
  assert.equal(status.kind, 'responses');

  const bare = await startTestServer({ TANDEM_AI_PROVIDER: 'chat', OPENAI_BASE_URL: '', OPENAI_API_KEY: '' });
  try {
    const s = await createSession(bare.url, { files: { 'a.ts': FILE } });
    const res = await fetch(`${bare.url}/api/sessions/${s.id}/ai`, { headers: { authorization: `Bearer ${s.collab.editParams.token}` } });
    const body = await res.json();
    if (body.configured) {
      t.skip('a local model server runs on this machine');
      return;
    }
    assert.equal(body.configured, false);
    assert.match(body.help, /OPENAI_API_KEY/);
    // Asking still answers, and the run ends with the explanation in the thread.
    const asked = await ask(bare, s, { prompt: 'x' });
    assert.equal(asked.status, 202);
    const run = await waitFinished(bare, s, asked.body.runId!);
    assert.equal(run.status, 'error');
    assert.match(run.error!.message, /No AI model is connected/);
  } finally {
    await bare.dispose();
  }
});
