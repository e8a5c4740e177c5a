// Responses over a persistent WebSocket against the local model server: connection reuse,
// chaining with only new input, cache misses, rotation, and fallback to HTTP SSE.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startModelServer } from '../../../modelServer/modelServer.ts';
import type { ModelServer, ModelServerOptions } from '../../../modelServer/modelServer.ts';
import { ResponsesSession } from './responsesSession.ts';
import { collect, targetFor, user, waitMs } from '../../../testing/providerTestSupport.ts';
import type { SessionOptions, TurnRequest } from './types.ts';

type Body = { type?: string; generate?: boolean; previous_response_id?: string; input: Array<Record<string, unknown>>; instructions?: string; tools?: unknown[]; store?: boolean };

const PATCH = '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-const a = 1;\n+const a = 2;\n*** End Patch\n';
const TOOLS = [{ type: 'custom', name: 'apply_patch', description: 'Edit files with a patch.' }];
const FILE = Array.from({ length: 2000 }, (_, i) => `export const value${i} = ${i}; // line ${i}`).join('\n');

let server: ModelServer | null = null;
const sessions: ResponsesSession[] = [];
async function setup(options: ModelServerOptions = {}, sessionOptions: SessionOptions = {}, transport: 'websocket' | 'http' = 'websocket') {
  server = await startModelServer({ rate: 0, ...options });
  const session = new ResponsesSession(targetFor(server, 'responses', transport), sessionOptions);
  sessions.push(session);
  return { s: server, session };
}
afterEach(async () => {
  for (const x of sessions.splice(0)) x.close();
  await server?.close();
  server = null;
});

const req = (text: string, extra: Partial<TurnRequest> = {}): TurnRequest => ({ instructions: 'You edit code.', tools: TOOLS, input: [user(text)], ...extra });
const wsBodies = (s: ModelServer) => s.stats.bodies('responses-ws') as Body[];
const texts = (body: Body) => JSON.stringify(body.input);

describe('Responses over WebSocket', () => {
  it('warms up, then reuses ONE connection; follow-ups carry previous_response_id and only the new input', async () => {
    const { s, session } = await setup();
    assert.equal(await session.warmUp(req(`File src/a.ts:\n${FILE}`)), null);
    s.script({ text: 'Changing a.', toolCall: { name: 'apply_patch', input: PATCH } }, { text: 'Done again.' });
    const first = await collect(session, req('make a = 2'));
    const second = await collect(session, { ...req('thanks, now b'), input: [{ type: 'tool_result', callId: callIdOf(first.events), output: 'applied 1 hunk' }, user('thanks, now b')] });
    assert.equal(first.final.type, 'completed');
    assert.equal(second.final.type, 'completed');
    assert.equal(s.stats.wsHandshakes, 1, 'one connection for warm-up and both turns');
    const [warm, t1, t2] = wsBodies(s);
    assert.equal(warm!.generate, false);
    assert.match(texts(warm!), /value1999/);
    assert.equal(typeof t1!.previous_response_id, 'string', 'the first turn chains on the warm-up');
    assert.deepEqual(t1!.input.length, 1);
    assert.equal(first.final.type === 'completed' && first.final.chained, true);
    assert.equal(t2!.previous_response_id, first.final.type === 'completed' ? first.final.responseId : '');
    assert.deepEqual(t2!.input.map((i) => i.type), ['custom_tool_call_output', 'message']);
    assert.equal(t2!.input[0]!.output, 'applied 1 hunk');
    for (const b of [warm!, t1!, t2!]) {
      assert.equal(b.store, false);
      assert.equal(b.instructions, 'You edit code.', 'instructions every turn');
      assert.deepEqual(b.tools, TOOLS, 'tools every turn');
    }
    const bytes = s.stats.requests.all().map((r) => r.bytes);
    assert.ok(bytes[2]! < bytes[0]! * 0.05, `follow-up ${bytes[2]} bytes vs full ${bytes[0]}`);
    const handshake = s.stats.handshakes.all()[0]!;
    assert.equal(handshake.headers['openai-beta'], 'responses_websockets=2026-02-06');
    assert.equal(handshake.headers.authorization, 'Bearer <redacted>');
  });

  it('streams apply_patch input as tool_input deltas and reports the finished call', async () => {
    const { s, session } = await setup({ chunkTokens: 2 });
    s.script({ text: 'Editing.', toolCall: { name: 'apply_patch', input: PATCH } });
    const r = await collect(session, req('edit'));
    assert.equal(r.text, 'Editing.');
    const start = r.events.find((e) => e.type === 'tool_call_start');
    assert.deepEqual(start && { name: start.name, kind: start.kind }, { name: 'apply_patch', kind: 'custom' });
    const streamed = r.events.map((e) => (e.type === 'tool_input' ? e.delta : '')).join('');
    assert.equal(streamed, PATCH);
    assert.ok(r.events.filter((e) => e.type === 'tool_input').length > 5, 'streamed in pieces');
    const done = r.events.find((e) => e.type === 'tool_call_done');
    assert.equal(done?.type === 'tool_call_done' && done.input, PATCH);
    const completed = r.final.type === 'completed' ? r.final : null;
    assert.ok(completed && completed.usage.outputTokens > 0 && completed.usage.inputTokens > 0);
  });

  it('a cache miss (previous_response_not_found) resends the full input once', async () => {
    const { s, session } = await setup();
    s.script({ text: 'first answer' }, { failure: { kind: 'previous_response_not_found' } }, { text: 'second answer' });
    await collect(session, req('first question'));
    const r = await collect(session, req('second question'));
    assert.equal(r.text, 'second answer');
    assert.equal(r.final.type === 'completed' && r.final.chained, false);
    const [, miss, full] = wsBodies(s);
    assert.equal(typeof miss!.previous_response_id, 'string');
    assert.equal(full!.previous_response_id, undefined);
    assert.match(texts(full!), /first question.*first answer.*second question/s);
    assert.equal(s.stats.wsHandshakes, 1);
  });

  it('changed instructions send the full input without previous_response_id', async () => {
    const { s, session } = await setup();
    await collect(session, req('one'));
    await collect(session, req('two', { instructions: 'Different instructions.' }));
    const [, second] = wsBodies(s);
    assert.equal(second!.previous_response_id, undefined);
    assert.match(texts(second!), /one.*two/s);
  });

  it('rotates the connection at the lifetime limit and warms up again', async () => {
    const { s, session } = await setup({}, { rotateAfterMs: 150 });
    await collect(session, req('before rotation'));
    await waitMs(200);
    const r = await collect(session, req('after rotation'));
    assert.equal(r.final.type, 'completed');
    assert.equal(s.stats.wsHandshakes, 2);
    const onSecond = s.stats.requests.all().filter((x) => x.connectionId === 2).map((x) => x.body as Body);
    assert.equal(onSecond[0]!.generate, false, 're-warm-up on the new connection');
    assert.match(texts(onSecond[0]!), /before rotation/);
    assert.equal(typeof onSecond[1]!.previous_response_id, 'string');
    assert.equal(onSecond[1]!.input.length, 1);
    await waitMs(50);
    assert.equal(s.stats.wsOpen, 1, 'the old connection was closed');
  });

  it('websocket_connection_limit_reached mid-session: reconnects, warms up, retries the turn', async () => {
    const { s, session } = await setup();
    s.script({ text: 'first' }, { failure: { kind: 'connection_limit' } }, { text: 'after reconnect' });
    await collect(session, req('one'));
    const r = await collect(session, req('two'));
    assert.equal(r.text, 'after reconnect', JSON.stringify(r.final));
    assert.equal(s.stats.wsHandshakes, 2);
    assert.equal(session.transport, 'websocket');
    const onSecond = s.stats.requests.all().filter((x) => x.connectionId === 2).map((x) => x.body as Body);
    assert.equal(onSecond[0]!.generate, false);
  });

  it('a connection closed by the server while idle is replaced on the next turn', async () => {
    const { s, session } = await setup({ connectionLifetimeMs: 150 });
    await collect(session, req('one'));
    await waitMs(250);
    const r = await collect(session, req('two'));
    assert.equal(r.final.type, 'completed');
    assert.equal(s.stats.wsHandshakes, 2);
    assert.equal(session.transport, 'websocket');
  });

  it('falls back to HTTP SSE for the rest of the session when the handshake is refused', async () => {
    const { s, session } = await setup();
    s.failHandshakes({ status: 503, times: 1 });
    s.script({ text: 'over http' }, { text: 'still http' });
    const first = await collect(session, req('one'));
    const second = await collect(session, req('two'));
    assert.equal(first.text, 'over http');
    assert.equal(second.text, 'still http');
    assert.equal(session.transport, 'http');
    assert.equal(first.final.type === 'completed' && first.final.transport, 'http');
    assert.equal(s.stats.wsHandshakes, 0);
    assert.equal(s.stats.httpCount('POST /v1/responses'), 2);
    const bodies = s.stats.bodies('responses-http') as Body[];
    assert.equal(bodies[1]!.previous_response_id, undefined, 'store:false over HTTP: no chaining');
    assert.match(texts(bodies[1]!), /one.*over http.*two/s);
  });

  it('a refused handshake at warm-up falls back too, keeping the warm-up context for HTTP turns', async () => {
    const { s, session } = await setup();
    s.failHandshakes({ status: 502 });
    assert.equal(await session.warmUp(req('File b.ts: let b = 0;')), null);
    assert.equal(session.transport, 'http');
    const r = await collect(session, req('edit b'));
    assert.equal(r.final.type, 'completed');
    assert.match(JSON.stringify((s.stats.bodies('responses-http') as Body[])[0]!.input), /let b = 0.*edit b/s);
  });

  it('falls back to HTTP SSE when the socket drops before the first event', async () => {
    const { s, session } = await setup();
    await collect(session, req('warm path'));
    s.script(() => {
      s.dropConnections();
      return { text: 'never seen' };
    }, { text: 'answered over http' });
    const r = await collect(session, req('now drop'));
    assert.equal(r.text, 'answered over http', JSON.stringify(r.final));
    assert.equal(session.transport, 'http');
    assert.equal(s.stats.wsHandshakes, 1);
    const http = s.stats.bodies('responses-http') as Body[];
    assert.match(texts(http[0]!), /warm path.*now drop/s, 'full input over HTTP');
  });

  it('a frame without a type is malformed and closes the socket', async () => {
    const { s, session } = await setup();
    s.script({ text: 'one two three four five', failure: { kind: 'malformed', variant: 'no-type', afterTokens: 1 } });
    const r = await collect(session, req('x'));
    assert.equal(r.error?.code, 'malformed', JSON.stringify(r.final));
    await waitMs(50);
    assert.equal(s.stats.wsOpen, 0);
  });

  it('after an abort the next turn reconnects and sends the full input', async () => {
    const { s, session } = await setup();
    await collect(session, req('context turn'));
    s.script({ text: 'a slow answer that will be cut off by the user', rate: 30 });
    const controller = new AbortController();
    const r = await collect(session, req('slow'), { signal: controller.signal }, (e) => {
      if (e.type === 'text') controller.abort();
    });
    assert.equal(r.error?.code, 'cancelled');
    const next = await collect(session, req('after abort'));
    assert.equal(next.final.type, 'completed');
    assert.equal(s.stats.wsHandshakes, 2);
    const last = wsBodies(s).at(-1)!;
    assert.equal(last.previous_response_id, undefined);
    assert.match(texts(last), /context turn.*after abort/s);
    assert.doesNotMatch(texts(last), /"slow"/, 'the cancelled turn is not in the history');
  });
});

function callIdOf(events: Awaited<ReturnType<typeof collect>>['events']): string {
  const done = events.find((e) => e.type === 'tool_call_done');
  assert.ok(done && done.type === 'tool_call_done');
  return done.callId;
}
