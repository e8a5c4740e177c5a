// Lanes (`stream_id`) and `response.steer` on the Responses WebSocket, driven by the openai
// package's own ResponsesWS client, as the API documents them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelServer } from './modelServer.ts';
import { deltas, wsServerPerTest } from './modelServerTestKit.ts';
import type { Event, RecordingClient } from './modelServerTestKit.ts';

const { setup, client } = wsServerPerTest();

const idOf = (e: Event) => (e.response as { id: string }).id;
const send = (c: RecordingClient, frame: Record<string, unknown>) => c.rws.send(frame as never);

async function pausedResponse(s: ModelServer, c: RecordingClient, turnId: string, frame: Record<string, unknown> = {}): Promise<string> {
  const from = c.events.length;
  send(c, { type: 'response.create', model: 'm', input: 'go', store: false, ...frame });
  const created = await c.waitFor((e) => e.type === 'response.created', from);
  for (let i = 0; i < 200 && !s.pauses.list().some((p) => p.turn === turnId); i++) await new Promise((r) => setTimeout(r, 10));
  return idOf(created);
}

describe('Responses WebSocket lanes', () => {
  it('runs two lanes in parallel on one connection, each FIFO, every event echoing its lane', async () => {
    const s = await setup();
    s.script({ id: 'a1', text: 'lane a first', pauseAfterTokens: 1 }, { id: 'b1', text: 'lane b first' }, { id: 'a2', text: 'lane a second' });
    const c = client();
    send(c, { type: 'response.create', model: 'm', input: 'a1', stream_id: 'a', store: false });
    await c.waitFor((e) => e.type === 'response.output_text.delta' && e.stream_id === 'a');
    send(c, { type: 'response.create', model: 'm', input: 'b1', stream_id: 'b', store: false });
    send(c, { type: 'response.create', model: 'm', input: 'a2', stream_id: 'a', store: false });
    // Lane b completes while lane a is held mid-response; lane a's second waits for its first.
    const bDone = await c.waitFor((e) => e.type === 'response.completed' && e.stream_id === 'b');
    assert.equal((bDone.response as { output: Array<{ content: Array<{ text: string }> }> }).output[0]!.content[0]!.text, 'lane b first');
    assert.equal(c.events.filter((e) => e.type === 'response.completed' && e.stream_id === 'a').length, 0, 'lane a is still held');
    assert.equal(s.pauses.release('a1'), 1);
    await c.waitFor((e) => e.type === 'response.completed' && e.stream_id === 'a' && (e.response as { output: Array<{ content: Array<{ text: string }> }> }).output[0]!.content[0]!.text === 'lane a second');
    const aTexts = c.events.filter((e) => e.type === 'response.completed' && e.stream_id === 'a').map((e) => (e.response as { output: Array<{ content: Array<{ text: string }> }> }).output[0]!.content[0]!.text);
    assert.deepEqual(aTexts, ['lane a first', 'lane a second']);
    assert.ok(c.events.filter((e) => e.type !== 'error').every((e) => e.stream_id === 'a' || e.stream_id === 'b'));
    assert.equal(s.stats.wsHandshakes, 1);
  });

  it('a new lane forks from a response made on another lane', async () => {
    const s = await setup();
    const c = client();
    const first = await c.turn({ model: 'm', input: 'root', stream_id: 'a', store: false });
    const fork = await c.turn({ model: 'm', input: 'fork', stream_id: 'b', previous_response_id: idOf(first.at(-1)!), store: false });
    assert.equal(fork.at(-1)!.type, 'response.completed');
    assert.equal(fork.at(-1)!.stream_id, 'b');
    assert.equal(s.stats.wsHandshakes, 1);
  });
});

describe('response.steer', () => {
  it('accepted: the response ends incomplete (steered) at a boundary and a successor continues with the queued input', async () => {
    const s = await setup();
    s.script({ id: 'long', text: 'one two three four five six', pauseAfterTokens: 2 }, { id: 'next', text: 'steered answer' });
    const c = client();
    const id = await pausedResponse(s, c, 'long', { stream_id: 'edits' });
    const from = c.events.length;
    send(c, { type: 'response.steer', previous_response_id: id, input: 'no, keep the callback API' });
    const accepted = await c.waitFor((e) => e.type === 'response.steer.accepted', from);
    assert.equal(accepted.stream_id, 'edits', 'the target response determines the lane');
    assert.equal(accepted.steer.previous_response_id, id);
    assert.match(accepted.steer.id, /^steer_/);
    const incomplete = await c.waitFor((e) => e.type === 'response.incomplete', from);
    assert.equal(idOf(incomplete), id);
    assert.equal(incomplete.response.incomplete_details.reason, 'steered');
    const successor = await c.waitFor((e) => e.type === 'response.created' && idOf(e) !== id, from);
    assert.equal(successor.stream_id, 'edits');
    assert.equal(successor.response.previous_response_id, id);
    const done = await c.waitFor((e) => e.type === 'response.completed', from);
    assert.equal(idOf(done), idOf(successor));
    assert.equal(deltas(c.events.slice(c.events.indexOf(successor)), 'response.output_text.delta'), 'steered answer');
    // The successor's request carried the steering input (the scripted turn saw it).
    assert.ok(JSON.stringify(s.stats.steers.all()[0]!.input).includes('callback API'));
    const creates = (s.stats.bodies('responses-ws') as Array<{ type?: string }>).filter((b) => b.type === 'response.create');
    assert.equal(creates.length, 1, 'the client sent one response.create; the successor is the server\'s');
  });

  it('failed: unknown or finished responses, unsupported, invalid input, and a successor that cannot be created hand the input back', async () => {
    const s = await setup();
    const c = client();
    send(c, { type: 'response.steer', previous_response_id: 'resp_nope', input: 'x' });
    const unknown = await c.waitFor((e) => e.type === 'response.steer.failed');
    assert.equal(unknown.error.code, 'response_not_found');
    assert.equal(unknown.steer.input, 'x');
    assert.equal(unknown.steer.id, undefined, 'no id allocated before acceptance');

    const done = await c.turn({ model: 'm', input: 'hi', store: false });
    let from = c.events.length;
    send(c, { type: 'response.steer', previous_response_id: idOf(done.at(-1)!), input: 'late' });
    assert.equal((await c.waitFor((e) => e.type === 'response.steer.failed', from)).error.code, 'response_already_completed');

    s.script({ id: 'nosteer', text: 'a b c d', pauseAfterTokens: 1, steering: 'unsupported' });
    const held = await pausedResponse(s, c, 'nosteer');
    from = c.events.length;
    send(c, { type: 'response.steer', previous_response_id: held, input: [{ role: 'assistant', content: 'x' }] });
    assert.equal((await c.waitFor((e) => e.type === 'response.steer.failed', from)).error.code, 'invalid_input');
    send(c, { type: 'response.steer', previous_response_id: held, input: 'x', stream_id: 'a' });
    assert.equal((await c.waitFor((e) => e.type === 'response.steer.failed' && e.steer.input === 'x', from)).error.code, 'invalid_input');
    from = c.events.length;
    send(c, { type: 'response.steer', previous_response_id: held, input: 'please stop' });
    assert.equal((await c.waitFor((e) => e.type === 'response.steer.failed', from)).error.code, 'steering_not_supported');
    s.pauses.release('nosteer');
    await c.waitFor((e) => e.type === 'response.completed' && idOf(e) === held);

    s.script({ id: 'nosucc', text: 'a b c d', pauseAfterTokens: 1, steering: 'successor-fails' });
    const doomed = await pausedResponse(s, c, 'nosucc');
    from = c.events.length;
    send(c, { type: 'response.steer', previous_response_id: doomed, input: 'change course' });
    const accepted = await c.waitFor((e) => e.type === 'response.steer.accepted', from);
    const failed = await c.waitFor((e) => e.type === 'response.steer.failed', from);
    assert.equal(failed.error.code, 'successor_creation_failed');
    assert.equal(failed.steer.id, accepted.steer.id, 'the same steering id');
    assert.equal(failed.steer.input, 'change course');
    assert.equal((await c.waitFor((e) => e.type === 'response.incomplete', from)).response.incomplete_details.reason, 'steered');
  });

  it('pending: a response whose tool call is complete stops for the client\'s tool output; the input waits and the continuation gets it first', async () => {
    const s = await setup();
    const patch = '*** Begin Patch\n*** Update File: a.ts\n@@\n-a\n+b\n*** End Patch\n';
    s.script({ id: 'tool', toolCall: { name: 'apply_patch', input: patch }, pauseAt: '*** End Patch\n' }, { id: 'cont', text: 'continued', whenInputIncludes: 'also rename a' });
    const c = client();
    const id = await pausedResponse(s, c, 'tool', { tools: [{ type: 'custom', name: 'apply_patch' }], stream_id: 'edits' });
    const from = c.events.length;
    send(c, { type: 'response.steer', previous_response_id: id, input: 'also rename a' });
    const accepted = await c.waitFor((e) => e.type === 'response.steer.accepted', from);
    const completed = await c.waitFor((e) => e.type === 'response.completed', from);
    assert.equal(idOf(completed), id);
    const call = (completed.response.output as Array<{ type: string; call_id: string; input: string }>)[0]!;
    assert.equal(call.type, 'custom_tool_call');
    assert.equal(call.input, patch);
    const pending = await c.waitFor((e) => e.type === 'response.steer.pending', from);
    assert.ok(c.events.indexOf(pending) > c.events.indexOf(completed), 'after response.completed');
    assert.equal(pending.reason, 'waiting_for_required_input');
    assert.deepEqual(pending.required_input, [{ type: 'custom_tool_call_output', call_id: call.call_id }]);
    assert.equal(pending.steer.id, accepted.steer.id);
    assert.equal(pending.stream_id, 'edits');
    assert.equal(c.events.filter((e) => e.type === 'response.created').length, 1, 'no automatic successor');
    // The client's explicit continuation: the queued input goes first, then the tool output.
    const next = await c.turn({ model: 'm', previous_response_id: id, stream_id: 'edits', store: false, input: [{ type: 'custom_tool_call_output', call_id: call.call_id, output: 'applied' }] });
    // (the scripted answer goes only to a request whose input has the steering text)
    assert.equal(deltas(next, 'response.output_text.delta'), 'continued');
    assert.equal(s.pending, 0);
  });
});
