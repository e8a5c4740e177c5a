// Edit predictions on the Responses WebSocket against the local model server (lanes as the API
// documents them): one connection kept for predictions, each request on a free lane, a
// superseded request's lane free again once its response has ended upstream, and HTTP when the
// connection cannot be had.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CreateSessionResponse, PredictResponse } from '../../../lib/api.ts';
import { createSession, waitFor } from '../../../testing/harness.ts';
import { startAiStack, type AiStack } from '../../../testing/aiTestKit.ts';

const FILE = ['export function add(a: number, b: number) {', '  return a + b;', '}', ''].join('\n');

async function predict(stack: AiStack, session: CreateSessionResponse, cursor: number) {
  const res = await fetch(`${stack.server.url}/api/sessions/${session.id}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.collab.editParams.token}` },
    body: JSON.stringify({ file: 'a.ts', cursor }),
  });
  return { status: res.status, body: (await res.json()) as PredictResponse & { error?: { code: string } } };
}

/** The prediction frames the model server took on WebSockets, and its prediction HTTP requests. */
function upstream(stack: AiStack) {
  const all = stack.model.stats.requests.all();
  return {
    frames: all.filter((r) => r.route === 'WS /v1/responses').map((r) => ({ connection: r.connectionId, lane: (r.body as { stream_id?: string }).stream_id })),
    http: all.filter((r) => r.route === 'POST /v1/responses').length,
  };
}

describe('predictions on lanes of one Responses WebSocket', () => {
  let stack: AiStack;
  before(async () => {
    // The AI peer on Chat Completions: every WebSocket the model server sees is the predictions'.
    stack = await startAiStack({ provider: 'chat', env: { TANDEM_PREDICT_MODEL: 'tandem-test-model', TANDEM_PREDICT_PROVIDER: 'responses' } });
  });
  after(() => stack.dispose());

  test('one connection for many predictions, each on a free lane; a superseded one’s lane is taken again once its response has ended', async () => {
    const session = await createSession(stack.server.url, { files: { 'a.ts': FILE } });
    stack.model.stats.reset();
    for (let i = 0; i < 3; i++) {
      stack.model.script({ text: `region ${i}` });
      const res = await predict(stack, session, i);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.source, 'model');
    }
    let seen = upstream(stack);
    assert.equal(stack.model.stats.handshakes.all().filter((h) => h.status === 101).length, 1, 'one handshake');
    assert.equal(seen.http, 0);
    assert.deepEqual(seen.frames.map((f) => f.lane), ['predict-1', 'predict-1', 'predict-1'], 'a lane whose response ended is used again');

    // A request that stalls upstream, superseded by a newer one of the same person: the newer one
    // is answered at once on another lane of the same connection.
    stack.model.script({ text: 'stalled', id: 'slow', pauseAfterTokens: 0, pauseMaxMs: 30_000 }, { text: 'quick' });
    const slow = predict(stack, session, 10);
    await waitFor(() => stack.model.pauses.list().length === 1, 'the first request waiting upstream');
    const quick = await predict(stack, session, 11);
    assert.equal(quick.body.source, 'model');
    const superseded = await slow;
    assert.equal(superseded.body.source, 'superseded');
    seen = upstream(stack);
    assert.deepEqual(seen.frames.slice(3).map((f) => f.lane), ['predict-1', 'predict-2']);
    assert.equal(new Set(seen.frames.map((f) => f.connection)).size, 1, 'still one connection');

    // Until the stalled response ends upstream its lane stays out; afterwards both are free.
    stack.model.script({ text: 'third' });
    await predict(stack, session, 12);
    assert.equal(upstream(stack).frames.at(-1)!.lane, 'predict-2', 'the lane of the response still upstream is not used');
    stack.model.pauses.release();
    await waitFor(() => stack.model.pauses.list().length === 0, 'the stalled response to end');
    stack.model.script({ text: 'fourth' }, { text: 'fifth' });
    await new Promise((r) => setTimeout(r, 100));
    await predict(stack, session, 13);
    await predict(stack, session, 14);
    const lanes = new Set(upstream(stack).frames.map((f) => f.lane));
    assert.deepEqual([...lanes].sort(), ['predict-1', 'predict-2'], 'no third lane was ever needed');
  });

  test('a connection dropped while idle is opened again; a refused one sends the prediction by HTTP', async () => {
    const session = await createSession(stack.server.url, { files: { 'a.ts': FILE } });
    stack.model.script({ text: 'before' });
    assert.equal((await predict(stack, session, 20)).body.source, 'model');
    const first = upstream(stack).frames.at(-1)!.connection;
    stack.model.dropConnections();
    await new Promise((r) => setTimeout(r, 100));
    stack.model.script({ text: 'after the drop' });
    assert.equal((await predict(stack, session, 21)).body.source, 'model');
    const second = upstream(stack).frames.at(-1)!.connection;
    assert.notEqual(second, first, 'a new connection');

    stack.model.dropConnections();
    await new Promise((r) => setTimeout(r, 100));
    stack.model.failHandshakes({ status: 503, times: 5 });
    const httpBefore = upstream(stack).http;
    stack.model.script({ text: 'by http' });
    const res = await predict(stack, session, 22);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.source, 'model');
    assert.equal(upstream(stack).http, httpBefore + 1, 'the prediction went by HTTP');
  });
});
