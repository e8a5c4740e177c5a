// Responses over WebSocket, driven by the openai package's own ResponsesWS client.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { ResponsesWS } from 'openai/resources/responses/ws';
import { deltas, wsServerPerTest } from './modelServerTestKit.ts';

const PATCH = '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-const a = 1;\n+const a = 2;\n*** End Patch\n';

const { setup, client } = wsServerPerTest();

describe('Responses over WebSocket', () => {
  it('streams a text turn with the documented event sequence, sequence numbers and usage', async () => {
    const s = await setup();
    s.script({ text: 'Hello from the model server.' });
    const c = client();
    const events = await c.turn({ model: 'm', input: 'hi', store: false });
    assert.deepEqual(
      [...new Set(events.map((e) => e.type))],
      ['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed'],
    );
    assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
    assert.equal(deltas(events, 'response.output_text.delta'), 'Hello from the model server.');
    const completed = events.at(-1) as unknown as { response: { id: string; status: string; usage: { output_tokens: number }; output: Array<{ content: Array<{ text: string }> }> } };
    assert.match(completed.response.id, /^resp_/);
    assert.equal(completed.response.status, 'completed');
    assert.equal(completed.response.output[0]!.content[0]!.text, 'Hello from the model server.');
    assert.equal(completed.response.usage.output_tokens, events.filter((e) => e.type === 'response.output_text.delta').length);
    const created = events[0] as unknown as { response: { id: string } };
    assert.equal(created.response.id, completed.response.id);
  });

  it('streams apply_patch as custom tool input deltas and function tools as argument deltas', async () => {
    const s = await setup({ chunkTokens: 3 });
    s.script({ text: 'Editing.', toolCalls: [{ name: 'apply_patch', input: PATCH }, { name: 'lookup', input: '{"q":"x"}' }] });
    const c = client();
    const tools = [{ type: 'custom', name: 'apply_patch' }, { type: 'function', name: 'lookup', parameters: {} }];
    const events = await c.turn({ model: 'm', input: 'edit', tools });
    assert.equal(deltas(events, 'response.custom_tool_call_input.delta'), PATCH);
    assert.equal(deltas(events, 'response.function_call_arguments.delta'), '{"q":"x"}');
    const done = events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item as { type: string; input?: string; call_id: string });
    assert.deepEqual(done.map((i) => i.type), ['message', 'custom_tool_call', 'function_call']);
    assert.equal(done[1]!.input, PATCH);
    assert.match(done[1]!.call_id, /^call_/);
    const inputDone = events.find((e) => e.type === 'response.custom_tool_call_input.done');
    assert.equal(inputDone?.input, PATCH);
  });

  it('reuses one connection across turns: warm-up, continuation with previous_response_id, cached tokens', async () => {
    const s = await setup();
    const c = client();
    const warm = await c.turn({ model: 'm', generate: false, instructions: 'be brief', input: [{ role: 'user', content: 'context '.repeat(200) }], store: false });
    assert.deepEqual(warm.map((e) => e.type), ['response.created', 'response.completed']);
    const warmResponse = warm[1]!.response as { id: string; output: unknown[] };
    assert.deepEqual(warmResponse.output, []);
    const second = await c.turn({ model: 'm', previous_response_id: warmResponse.id, input: [{ role: 'user', content: 'follow-up' }], store: false });
    const done = second.at(-1) as { type: string; response: { id: string; usage: { input_tokens_details: { cached_tokens: number } } } };
    assert.equal(done.type, 'response.completed');
    assert.ok(done.response.usage.input_tokens_details.cached_tokens > 300);
    const third = await c.turn({ model: 'm', previous_response_id: done.response.id, input: 'again', store: false });
    assert.equal(third.at(-1)!.type, 'response.completed');
    assert.equal(s.stats.wsHandshakes, 1);
    const bodies = s.stats.bodies('responses-ws') as Array<{ previous_response_id?: string }>;
    assert.equal(bodies.length, 3);
    assert.equal(bodies[2]!.previous_response_id, done.response.id);
    const records = s.stats.requests.all();
    assert.ok(records.every((r) => r.bytes > 0 && r.connectionId === 1));
  });

  it('answers an unknown previous_response_id with previous_response_not_found, and a failed turn evicts its id', async () => {
    const s = await setup();
    s.script({ text: 'scripted for the retry' });
    const c = client();
    const miss = await c.turn({ model: 'm', previous_response_id: 'resp_unknown', input: 'x', store: false });
    assert.equal(miss.length, 1);
    const err = miss[0] as { type: string; status: number; error: { code: string; param: string } };
    assert.equal(err.type, 'error');
    assert.equal(err.status, 400);
    assert.equal(err.error.code, 'previous_response_not_found');
    assert.equal(c.errors.length, 1, 'ResponsesWS reports it on its error channel');
    assert.equal(s.pending, 1, 'a genuine miss leaves the scripted turn for the full-input retry');
    const retry = await c.turn({ model: 'm', input: 'full context again', store: false });
    assert.equal(deltas(retry, 'response.output_text.delta'), 'scripted for the retry');

    const first = await c.turn({ model: 'm', input: 'a', store: false });
    const firstId = (first.at(-1)!.response as { id: string }).id;
    s.script({ text: 'partial output here', failure: { kind: 'failed', afterTokens: 2 } });
    const failed = await c.turn({ model: 'm', previous_response_id: firstId, input: 'b', store: false });
    assert.equal(failed.at(-1)!.type, 'response.failed');
    assert.equal((failed.at(-1)!.response as { error: { code: string } }).error.code, 'server_error');
    const after = await c.turn({ model: 'm', previous_response_id: firstId, input: 'c', store: false });
    assert.equal((after[0]!.error as { code: string }).code, 'previous_response_not_found');
  });

  it('forces previous_response_not_found on request even for a cached id', async () => {
    const s = await setup();
    const c = client();
    const first = await c.turn({ model: 'm', input: 'a', store: false });
    s.script({ failure: { kind: 'previous_response_not_found' } });
    const miss = await c.turn({ model: 'm', previous_response_id: (first.at(-1)!.response as { id: string }).id, input: 'b', store: false });
    assert.equal((miss[0]!.error as { code: string }).code, 'previous_response_not_found');
  });

  it('runs one response at a time per connection, in order, echoing stream_id', async () => {
    const s = await setup({ rate: 2000 });
    s.script({ text: 'first answer with several tokens in it' }, { text: 'second answer' });
    const c = client();
    c.rws.send({ type: 'response.create', model: 'm', input: 'one', stream_id: 'lane-a' } as never);
    c.rws.send({ type: 'response.create', model: 'm', input: 'two', stream_id: 'lane-a' } as never);
    await c.waitFor((e) => e.type === 'response.completed' && (e.response as { output: Array<{ content: Array<{ text: string }> }> }).output[0]!.content[0]!.text === 'second answer');
    const lifecycle = c.events.filter((e) => e.type === 'response.created' || e.type === 'response.completed').map((e) => e.type);
    assert.deepEqual(lifecycle, ['response.created', 'response.completed', 'response.created', 'response.completed']);
    assert.ok(c.events.every((e) => e.stream_id === 'lane-a'));
  });

  it('refuses the upgrade with 401 on a bad key, and injected handshake failures with their status', async () => {
    const s = await setup();
    const bad = client('wrong-key');
    const closed = await bad.closed;
    assert.equal(closed.code, 1006);
    assert.match(bad.errors[0]!.message, /401/);
    s.failHandshakes({ status: 503, times: 1 });
    const second = client();
    await second.closed;
    assert.match(second.errors[0]!.message, /503/);
    assert.equal(s.stats.wsHandshakes, 0);
    assert.equal(s.stats.wsRejected, 2);
    const third = client();
    const ok = await third.turn({ model: 'm', input: 'hi' });
    assert.equal(ok.at(-1)!.type, 'response.completed');
    assert.equal(s.stats.wsHandshakes, 1);
    assert.deepEqual(s.stats.handshakes.all().map((h) => h.status), [401, 503, 101]);
    assert.equal(s.stats.handshakes.all()[2]!.headers.authorization, 'Bearer <redacted>');
  });

  it('reports a scripted 429 as a nested error event carrying status and retry-after', async () => {
    const s = await setup();
    s.script({ text: 'never sent', failure: { kind: 'http', status: 429, retryAfterSeconds: 7 } });
    const c = client();
    const events = await c.turn({ model: 'm', input: 'x' });
    assert.equal(events.length, 1);
    const e = events[0] as unknown as { status: number; error: { code: string; type: string; headers: Record<string, string> } };
    assert.equal(e.status, 429);
    assert.equal(e.error.code, 'rate_limit_exceeded');
    assert.equal(e.error.headers['retry-after'], '7');
    const next = await c.turn({ model: 'm', input: 'y' });
    assert.equal(next.at(-1)!.type, 'response.completed', 'the connection keeps working');
  });

  it('sends a mid-stream error in the flat shape, and in the nested shape on request', async () => {
    const s = await setup();
    s.script({ text: 'one two three four five', failure: { kind: 'error-event', afterTokens: 2, code: 'server_error' } });
    s.script({ text: 'one two three four five', failure: { kind: 'error-event', afterTokens: 1, shape: 'nested', status: 500 } });
    const c = client();
    const flat = await c.turn({ model: 'm', input: 'x' });
    const f = flat.at(-1) as { type: string; code: string; message: string; sequence_number: number };
    assert.equal(f.type, 'error');
    assert.equal(f.code, 'server_error');
    assert.equal(typeof f.sequence_number, 'number');
    assert.equal(flat.filter((e) => e.type === 'response.output_text.delta').length, 2);
    const nested = await c.turn({ model: 'm', input: 'x' });
    const n = nested.at(-1) as unknown as { status: number; error: { code: string } };
    assert.equal(n.status, 500);
    assert.equal(n.error.code, 'server_error');
    assert.equal(c.errors.length, 2);
  });

  it('ends with response.incomplete when scripted', async () => {
    const s = await setup();
    s.script({ text: 'a long answer that gets cut', failure: { kind: 'incomplete', afterTokens: 3 } });
    const c = client();
    const events = await c.turn({ model: 'm', input: 'x' });
    const last = events.at(-1) as { type: string; response: { status: string; incomplete_details: { reason: string } } };
    assert.equal(last.type, 'response.incomplete');
    assert.equal(last.response.incomplete_details.reason, 'max_output_tokens');
    assert.equal(deltas(events, 'response.output_text.delta').length > 0, true);
  });

  it('drops the connection after N tokens without a final event', async () => {
    const s = await setup();
    s.script({ text: 'one two three four five six seven', failure: { kind: 'drop', afterTokens: 3 } });
    const c = client();
    c.rws.send({ type: 'response.create', model: 'm', input: 'x' } as never);
    const closed = await c.closed;
    assert.equal(closed.code, 1006);
    assert.equal(c.events.filter((e) => e.type === 'response.output_text.delta').length, 3);
    assert.ok(!c.events.some((e) => e.type === 'response.completed'));
    assert.equal(s.stats.wsOpen, 0);
  });

  it('injects malformed frames: unknown types reach the client as events, bad JSON as raw, untyped JSON as an error', async () => {
    const s = await setup();
    s.script(
      { text: 'alpha beta gamma', failure: { kind: 'malformed', variant: 'unknown-event', afterTokens: 1 } },
      { text: 'alpha beta gamma', failure: { kind: 'malformed', variant: 'invalid-json', afterTokens: 1 } },
      { text: 'alpha beta gamma', failure: { kind: 'malformed', variant: 'no-type', afterTokens: 1 } },
    );
    const c = client();
    const unknown = await c.turn({ model: 'm', input: 'x' });
    assert.ok(unknown.some((e) => e.type === 'response.tandem_test.unknown_event'));
    assert.equal(unknown.at(-1)!.type, 'response.completed', 'the stream carries on after an unknown event');
    const invalid = await c.turn({ model: 'm', input: 'x' });
    assert.equal(invalid.at(-1)!.type, 'response.completed');
    assert.equal(c.raw.length, 1);
    assert.match(String(c.raw[0]), /unterminated/);
    const untyped = await c.turn({ model: 'm', input: 'x' });
    assert.equal(untyped.at(-1)!.type, 'response.completed');
    assert.ok(c.errors.some((e) => /own string type/.test(e.message)));
  });

  it('stalls without closing, then resumes', async () => {
    const s = await setup();
    s.script({ text: 'before after', failure: { kind: 'stall', ms: 300, afterTokens: 1 } });
    const c = client();
    c.rws.send({ type: 'response.create', model: 'm', input: 'x' } as never);
    await c.waitFor((e) => e.type === 'response.output_text.delta');
    const t0 = Date.now();
    await c.waitFor((e) => e.type === 'response.completed', 0, 5000);
    assert.ok(Date.now() - t0 >= 250, 'nothing arrived during the stall');
    assert.equal(s.stats.wsOpen, 1);
  });

  it('closes with websocket_connection_limit_reached when the lifetime ends, and on a scripted turn', async () => {
    const s = await setup({ connectionLifetimeMs: 300 });
    const c = client();
    const first = await c.turn({ model: 'm', input: 'x' });
    assert.equal(first.at(-1)!.type, 'response.completed');
    const limit = await c.waitFor((e) => e.type === 'error', 0, 3000);
    assert.equal((limit.error as { code: string }).code, 'websocket_connection_limit_reached');
    assert.equal((await c.closed).code, 1000);

    s.script({ failure: { kind: 'connection_limit' } });
    const d = client();
    const events = await d.turn({ model: 'm', input: 'x' });
    assert.equal((events[0]!.error as { code: string }).code, 'websocket_connection_limit_reached');
    await d.closed;
    assert.equal(s.stats.wsHandshakes, 2);
  });

  it('answers with the echo default when nothing is scripted, and a scripted function sees the request', async () => {
    const s = await setup();
    const seen: string[] = [];
    s.script((req) => {
      seen.push(`${req.transport}:${req.connectionId}:${req.inputText}`);
      return { text: `you said ${req.inputText.length} chars` };
    });
    const c = client();
    const scripted = await c.turn({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: 'hello' }] }] });
    assert.equal(deltas(scripted, 'response.output_text.delta'), 'you said 5 chars');
    assert.deepEqual(seen, ['responses-ws:1:hello']);
    const echo = await c.turn({ model: 'm', input: 'ping' });
    assert.equal(deltas(echo, 'response.output_text.delta'), 'Echo: ping');
  });

  it('shows how ResponsesWS connects: /v1/responses with bearer auth, its user agent and caller headers', async () => {
    const s = await setup();
    const rws = new ResponsesWS(new OpenAI({ apiKey: 'test-key', baseURL: s.httpBaseUrl }), { headers: { 'OpenAI-Beta': 'responses_websockets=2026-02-06' } });
    rws.on('error', () => {});
    const done = new Promise((resolve) => rws.on('response.completed', resolve));
    // Sent before the socket opens: the client queues it and flushes on open.
    rws.send({ type: 'response.create', model: 'm', input: 'x' });
    await done;
    rws.close();
    const h = s.stats.handshakes.all()[0]!;
    assert.equal(h.url, '/v1/responses');
    assert.equal(h.headers.authorization, 'Bearer <redacted>');
    assert.match(h.headers['user-agent']!, /^OpenAI\/JS /);
    assert.equal(h.headers['openai-beta'], 'responses_websockets=2026-02-06');
    assert.equal(h.headers['sec-websocket-extensions'], undefined, 'no permessage-deflate');
  });

  it('refuses a warm-up when a global failure is set, without consuming scripted turns', async () => {
    const s = await setup();
    s.script({ text: 'kept for later' });
    s.setFailure({ kind: 'http', status: 429, retryAfterSeconds: 1 });
    const c = client();
    const warm = await c.turn({ model: 'm', input: 'x', generate: false });
    assert.equal(warm[0]!.status, 429);
    s.setFailure(null);
    assert.equal(s.pending, 1);
    const next = await c.turn({ model: 'm', input: 'x' });
    assert.equal(deltas(next, 'response.output_text.delta'), 'kept for later');
  });

  it('aborts the running turn when the client closes, and dropConnections kills sockets like a network failure', async () => {
    const s = await setup({ rate: 200 });
    s.script({ text: 'slow '.repeat(400) });
    const c = client();
    c.rws.send({ type: 'response.create', model: 'm', input: 'x' } as never);
    await c.waitFor((e) => e.type === 'response.output_text.delta');
    c.rws.close();
    await c.closed;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(s.stats.responses.get('aborted'), 1);
    const sent = s.stats.tokens.all().length;
    assert.ok(sent < 100, `${sent} deltas sent before the abort`);

    const d = client();
    d.rws.send({ type: 'response.create', model: 'm', input: 'x' } as never);
    await d.waitFor((e) => e.type === 'response.created');
    s.dropConnections();
    assert.equal((await d.closed).code, 1006);
    assert.equal(s.stats.wsOpen, 0);
  });
});
