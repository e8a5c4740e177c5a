// Opening a room warms the model connection up (`generate: false` with the workspace), and the
// room's first request chains from it on the same WebSocket, sending only what is new.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { aiRunsOf } from '../../lib/ai/aiRuns.ts';
import { ask, createSession, joined, startAiStack, waitFinished, waitFor, type AiStack } from '../../testing/aiTestKit.ts';

let stack: AiStack;
before(async () => {
  stack = await startAiStack({ rate: 0 });
});
after(async () => {
  await stack.dispose();
});

type Body = { generate?: boolean; previous_response_id?: string; input?: unknown };

test('a room\'s first connection warms up the model; the first turn chains from the warm-up', async () => {
  const content = `export const marker = 'WORKSPACE-CONTENT';\n${'// filler line\n'.repeat(200)}`;
  const session = await createSession(stack.server.url, { files: { 'a.ts': content } });
  const before = stack.model.stats.bodies('responses-ws').length;
  const client = await joined(session);
  try {
    await waitFor(() => stack.model.stats.bodies('responses-ws').length > before, 'the warm-up request');
    const warm = stack.model.stats.bodies('responses-ws')[before] as Body;
    assert.equal(warm.generate, false);
    assert.match(JSON.stringify(warm.input), /WORKSPACE-CONTENT/);
    const handshakes = stack.model.stats.wsHandshakes;

    stack.model.script({ text: 'Nothing to change.' });
    const res = await ask(stack.server, session, { prompt: 'look around' });
    assert.equal(res.status, 202);
    const run = await waitFinished(stack.server, session, res.body.runId!);
    assert.equal(run.status, 'done', JSON.stringify(run.error));
    const turn = stack.model.stats.bodies('responses-ws')[before + 1] as Body;
    assert.notEqual(turn.generate, false);
    assert.equal(typeof turn.previous_response_id, 'string', 'chained from the warm-up');
    assert.doesNotMatch(JSON.stringify(turn.input), /WORKSPACE-CONTENT/, 'the workspace is not sent again');
    assert.match(JSON.stringify(turn.input), /look around/);
    assert.equal(stack.model.stats.wsHandshakes, handshakes, 'same connection');
  } finally {
    client.destroy();
  }
});

test('a run that starts at once on the warm connection enters the thread already started, in one update', async () => {
  const session = await createSession(stack.server.url, { files: { 'a.ts': 'export const a = 1;\n' } });
  const before = stack.model.stats.bodies('responses-ws').length;
  const client = await joined(session);
  // Every state of every run the person's replica goes through, one entry per transaction.
  const seen: string[] = [];
  const handler = () => {
    for (const [id, run] of aiRunsOf(client.doc)) {
      const state = `${id}:${String(run.get('status'))}:${run.get('model') === null ? 'no model' : 'model'}`;
      if (!seen.includes(state)) seen.push(state);
    }
  };
  client.doc.on('afterTransaction', handler);
  try {
    await waitFor(() => stack.model.stats.bodies('responses-ws').length > before, 'the warm-up request');
    stack.model.script({ text: 'Nothing to change.' });
    const res = await ask(stack.server, session, { prompt: 'anything to do?' });
    assert.equal(res.status, 202);
    assert.equal(res.body.queuePosition, 1);
    assert.equal((res.body as { status?: string }).status, 'thinking', 'the request is upstream by the time the id is handed out');
    const run = await waitFinished(stack.server, session, res.body.runId!);
    assert.equal(run.status, 'done', JSON.stringify(run.error));
    const id = res.body.runId!;
    const states = seen.filter((s) => s.startsWith(`${id}:`));
    assert.equal(states[0], `${id}:thinking:model`, `first seen ${states[0]}: never queued, started with its model named`);
    assert.ok(!states.some((s) => s.includes(':queued:')), states.join(' → '));
  } finally {
    client.doc.off('afterTransaction', handler);
    client.destroy();
  }
});

test('viewers joining send nothing upstream: no warm-up, no connection to the model', async () => {
  const session = await createSession(stack.server.url, { files: { 'a.ts': 'export const v = 1;\n' } });
  const requests = stack.model.stats.requests.all().length;
  const handshakes = stack.model.stats.wsHandshakes;
  const viewers = await Promise.all(Array.from({ length: 5 }, () => joined(session, 'view')));
  try {
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(stack.model.stats.requests.all().length, requests, 'nothing upstream for viewers');
    assert.equal(stack.model.stats.wsHandshakes, handshakes, 'no model connection for viewers');
    // An editor joining afterwards warms up: the viewers' joins had their chance to do so first.
    const editor = await joined(session);
    try {
      await waitFor(() => stack.model.stats.requests.all().length > requests, 'the editor\'s warm-up');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(stack.model.stats.requests.all().length, requests + 1, 'one warm-up, the editor\'s');
      assert.ok(stack.model.stats.wsHandshakes <= handshakes + 1);
    } finally {
      editor.destroy();
    }
  } finally {
    for (const v of viewers) v.destroy();
  }
});
