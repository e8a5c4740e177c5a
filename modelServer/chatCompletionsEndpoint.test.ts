// Chat Completions SSE and /v1/models, driven by the openai package and raw fetch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { openaiClient, serverPerTest } from './modelServerTestKit.ts';

const setup = serverPerTest();

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;
async function collect(stream: AsyncIterable<Chunk>): Promise<Chunk[]> {
  const out: Chunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}
const text = (chunks: Chunk[]) => chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('');
const messages = [{ role: 'user' as const, content: 'Please edit src/app.ts' }];

describe('Chat Completions', () => {
  it('streams content deltas and a usage chunk when asked', async () => {
    const { s, client } = await setup({ chunkTokens: 2 });
    s.script({ text: '<<<<<<< SEARCH\nold\n=======\nnew\n>>>>>>> REPLACE\n' });
    const chunks = await collect(await client.chat.completions.create({ model: 'm', messages, stream: true, stream_options: { include_usage: true } }));
    assert.equal(text(chunks), '<<<<<<< SEARCH\nold\n=======\nnew\n>>>>>>> REPLACE\n');
    assert.equal(chunks[0]!.choices[0]!.delta.role, 'assistant');
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    assert.equal(finish?.choices[0]?.finish_reason, 'stop');
    const usage = chunks.at(-1)!;
    assert.deepEqual(usage.choices, []);
    assert.equal(usage.usage!.completion_tokens, s.stats.tokens.all().reduce((n, t) => n + t.count, 0));
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null));
    assert.equal(s.stats.httpCount('POST /v1/chat/completions'), 1);
  });

  it('ends the raw stream with data: [DONE] and sends no usage unless asked', async () => {
    const { s } = await setup();
    s.script({ text: 'hi there' });
    const res = await fetch(`${s.httpBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages, stream: true }),
    });
    const body = await res.text();
    const lines = body.split('\n\n').filter(Boolean);
    assert.ok(lines.every((l) => l.startsWith('data: ')));
    assert.equal(lines.at(-1), 'data: [DONE]');
    assert.ok(!body.includes('"usage"'));
  });

  it('streams tool calls by index, and answers non-streaming requests whole', async () => {
    const { s, client } = await setup();
    s.script({ toolCall: { name: 'edit', input: '{"path":"a.ts"}' } }, { text: 'whole answer' });
    const chunks = await collect(await client.chat.completions.create({ model: 'm', messages, stream: true }));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.equal(calls[0]!.function!.name, 'edit');
    assert.ok(calls.every((c) => c.index === 0));
    assert.equal(calls.map((c) => c.function?.arguments ?? '').join(''), '{"path":"a.ts"}');
    assert.equal(chunks.at(-1)!.choices[0]!.finish_reason, 'tool_calls');
    const whole = await client.chat.completions.create({ model: 'm', messages });
    assert.equal(whole.choices[0]!.message.content, 'whole answer');
  });

  it('lists the model', async () => {
    const { client } = await setup({ model: 'local-coder' });
    const models = await client.models.list();
    assert.deepEqual(models.data.map((m) => m.id), ['local-coder']);
  });

  it('injects 401, 429 with retry-after and 503', async () => {
    const { s, client } = await setup();
    s.setFailure({ kind: 'http', status: 503 });
    await assert.rejects(client.chat.completions.create({ model: 'm', messages, stream: true }), (e: unknown) => e instanceof OpenAI.APIError && e.status === 503);
    s.setFailure(null);
    s.script({ failure: { kind: 'http', status: 429, retryAfterSeconds: 2 } });
    await assert.rejects(client.chat.completions.create({ model: 'm', messages, stream: true }), (e: unknown) => e instanceof OpenAI.RateLimitError && e.headers?.get('retry-after') === '2');
    const bad = openaiClient(s, 'bad');
    await assert.rejects(bad.chat.completions.create({ model: 'm', messages, stream: true }), OpenAI.AuthenticationError);
    const ok = await collect(await client.chat.completions.create({ model: 'm', messages, stream: true }));
    assert.match(text(ok), /^Echo: /);
  });

  it('drops mid-stream, sends an error chunk, cuts with finish_reason length, and injects bad chunks', async () => {
    const { s, client } = await setup();
    s.script(
      { text: 'one two three four', failure: { kind: 'drop', afterTokens: 2 } },
      { text: 'one two three four', failure: { kind: 'error-event', afterTokens: 1, code: 'overloaded' } },
      { text: 'one two three four', failure: { kind: 'incomplete', afterTokens: 2 } },
      { text: 'one two', failure: { kind: 'malformed', variant: 'unknown-event', afterTokens: 1 } },
      { text: 'one two', failure: { kind: 'malformed', variant: 'invalid-json', afterTokens: 1 } },
    );
    const seen: Chunk[] = [];
    await assert.rejects(async () => {
      for await (const c of await client.chat.completions.create({ model: 'm', messages, stream: true })) seen.push(c);
    });
    assert.equal(text(seen), 'one two');
    await assert.rejects(collect(await client.chat.completions.create({ model: 'm', messages, stream: true })), (e: unknown) => e instanceof OpenAI.APIError && e.code === 'overloaded');
    const cut = await collect(await client.chat.completions.create({ model: 'm', messages, stream: true }));
    assert.equal(cut.at(-1)!.choices[0]!.finish_reason, 'length');
    const odd = await collect(await client.chat.completions.create({ model: 'm', messages, stream: true }));
    assert.ok(odd.some((c) => !Array.isArray(c.choices)), 'a chunk without choices reaches a lenient client');
    assert.equal(text(odd), 'one two');
    await assert.rejects(collect(await client.chat.completions.create({ model: 'm', messages, stream: true })), SyntaxError);
  });

  it('stalls without closing', async () => {
    const { s, client } = await setup();
    s.script({ text: 'a b', failure: { kind: 'stall', ms: 250, afterTokens: 1 } });
    const stream = await client.chat.completions.create({ model: 'm', messages, stream: true });
    const times: number[] = [];
    let got = '';
    for await (const c of stream) {
      const d = c.choices[0]?.delta?.content;
      if (d) {
        got += d;
        times.push(Date.now());
      }
    }
    assert.equal(got, 'a b');
    assert.ok(times[1]! - times[0]! >= 200);
  });
});
