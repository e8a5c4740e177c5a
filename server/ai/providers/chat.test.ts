// Chat Completions against the model server, plus a tiny raw SSE endpoint reproducing the
// quirks of real servers (Ollama, vLLM, llama.cpp …) that the model server does not emit.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startModelServer } from '../../../modelServer/modelServer.ts';
import type { ModelServer } from '../../../modelServer/modelServer.ts';
import { ChatSession } from './chatSession.ts';
import { collect, targetFor, user } from '../../../testing/providerTestSupport.ts';

type Body = { stream?: boolean; stream_options?: { include_usage?: boolean }; messages: Array<Record<string, unknown>>; tools?: unknown[] };
const FN_TOOLS = [{ type: 'function', function: { name: 'edit', description: 'Edit a file', parameters: { type: 'object', properties: {} } } }];

describe('Chat Completions', () => {
  let s: ModelServer;
  before(async () => {
    s = await startModelServer({ rate: 0, chunkTokens: 2 });
  });
  after(() => s.close());

  it('sends the full history every turn with usage requested; tool calls accumulate by index', async () => {
    const session = new ChatSession(targetFor(s, 'chat'));
    await session.warmUp({ instructions: 'Edit code.', input: [user('File a.ts: const a = 1;')] });
    s.script({ text: 'Editing.', toolCall: { name: 'edit', input: '{"path":"a.ts","search":"1","replace":"2"}', kind: 'function' } }, { text: 'Done.' });
    const first = await collect(session, { instructions: 'Edit code.', input: [user('make it 2')], tools: FN_TOOLS });
    assert.equal(first.text, 'Editing.');
    const pieces = first.events.filter((e) => e.type === 'tool_input');
    assert.ok(pieces.length > 1, 'arguments streamed in pieces');
    const done = first.events.find((e) => e.type === 'tool_call_done');
    assert.ok(done && done.type === 'tool_call_done');
    assert.equal(done.input, '{"path":"a.ts","search":"1","replace":"2"}');
    assert.equal(done.name, 'edit');
    assert.ok(first.final.type === 'completed' && first.final.usage.outputTokens > 0 && first.final.usage.inputTokens > 0);
    const second = await collect(session, { instructions: 'Edit code.', input: [{ type: 'tool_result', callId: done.callId, output: 'ok' }, user('thanks')], tools: FN_TOOLS });
    assert.equal(second.text, 'Done.');
    const bodies = s.stats.bodies('chat-completions') as Body[];
    assert.equal(bodies.length, 2);
    assert.equal(bodies[0]!.stream, true);
    assert.equal(bodies[0]!.stream_options?.include_usage, true);
    assert.deepEqual(bodies[1]!.messages.map((m) => m.role), ['system', 'user', 'user', 'assistant', 'tool', 'user']);
    const assistant = bodies[1]!.messages[3] as { content: string; tool_calls: Array<{ id: string; function: { arguments: string } }> };
    assert.equal(assistant.content, 'Editing.');
    assert.equal(assistant.tool_calls[0]!.id, done.callId);
    assert.equal(bodies[1]!.messages[4]!.tool_call_id, done.callId);
    assert.equal(s.stats.wsHandshakes, 0);
  });
});

describe('Chat Completions leniency (raw SSE as real servers send it)', () => {
  let raw: Server;
  let base = '';
  let reply: string[] = [];
  before(async () => {
    raw = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const line of reply) res.write(line);
        res.end();
      });
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/v1`;
  });
  after(() => new Promise<void>((r) => raw.close(() => r())));
  const session = () => new ChatSession({ kind: 'chat', baseUrl: base, apiKey: null, model: 'local', transport: 'http', label: 'Ollama' });

  it('accepts data: without a space, choices []/null/missing, usage mid-stream, reasoning ignored, EOF without [DONE]', async () => {
    reply = [
      'data:{"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"let me think"}}]}\n\n',
      'data: {"id":"c1","choices":[{"index":0,"delta":{"reasoning":"still thinking","content":"Hel"}}]}\n\n',
      ': keep-alive comment\n\n',
      'data: {"id":"c1","choices":null}\n\n',
      'data: {"id":"c1","usage":{"prompt_tokens":11,"completion_tokens":3}}\n\n',
      'data: {"id":"c1","choices":[]}\n\n',
      'data:{"id":"c1","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}],"usage":null}\n\n',
    ];
    const r = await collect(session(), { instructions: 'x', input: [user('hi')] });
    assert.equal(r.final.type, 'completed', JSON.stringify(r.final));
    assert.equal(r.text, 'Hello');
    assert.ok(!JSON.stringify(r.events).includes('think'), 'reasoning never surfaced');
    assert.deepEqual(r.final.type === 'completed' && r.final.usage, { inputTokens: 11, outputTokens: 3, cachedTokens: 0 });
  });

  it('takes whole tool calls (Ollama style, arguments as an object)', async () => {
    reply = [
      'data: {"id":"c2","choices":[{"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"edit","arguments":{"path":"a.ts"}}}]}}]}\n\n',
      'data: {"id":"c2","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}\n\n',
      'data: [DONE]\n\n',
    ];
    const r = await collect(session(), { instructions: 'x', input: [user('hi')] });
    const done = r.events.find((e) => e.type === 'tool_call_done');
    assert.ok(done && done.type === 'tool_call_done', JSON.stringify(r.events));
    assert.equal(done.name, 'edit');
    assert.deepEqual(JSON.parse(done.input), { path: 'a.ts' });
  });

  it('EOF with neither [DONE] nor a finish_reason is a drop', async () => {
    reply = ['data: {"id":"c3","choices":[{"index":0,"delta":{"content":"partial"}}]}\n\n'];
    const r = await collect(session(), { instructions: 'x', input: [user('hi')] });
    assert.equal(r.error?.code, 'upstream_dropped');
    assert.equal(r.text, 'partial');
  });

  it('an error chunk in the stream ends the turn with its message', async () => {
    reply = ['data: {"error":{"message":"model \\"local\\" not found, try pulling it first","code":"not_found"}}\n\n'];
    const r = await collect(session(), { instructions: 'x', input: [user('hi')] });
    assert.equal(r.error?.code, 'bad_request', JSON.stringify(r.final));
    assert.match(r.error!.message, /not found, try pulling it first/);
  });
});
