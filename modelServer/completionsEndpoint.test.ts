// Legacy Completions (fill-in-the-middle), driven by the openai package and raw fetch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { openaiClient, serverPerTest, sleep } from './modelServerTestKit.ts';
import { tokenize } from './tokenPacing.ts';
import type { ModelServer } from './modelServer.ts';
import type { ModelRequest } from './modelServerTypes.ts';

const setup = serverPerTest();

type Completion = OpenAI.Completions.Completion;
async function collect(stream: AsyncIterable<Completion>): Promise<Completion[]> {
  const out: Completion[] = [];
  for await (const c of stream) out.push(c);
  return out;
}
const text = (chunks: Completion[]) => chunks.map((c) => c.choices?.[0]?.text ?? '').join('');
const prompt = '// src/math.ts\nexport function sub(a: number, b: number) {\n  ';
const suffix = '\n}\n';

function post(s: ModelServer, body: unknown): Promise<Response> {
  return fetch(`${s.httpBaseUrl}/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function waitUntil(pred: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

describe('legacy Completions', () => {
  it('answers a non-streaming request whole, shaped as a text_completion', async () => {
    const { s, client } = await setup();
    s.script({ text: 'return a - b;' });
    const whole = await client.completions.create({ model: 'fim-model', prompt, suffix, max_tokens: 64, temperature: 0 });
    assert.match(whole.id, /^cmpl-[0-9a-f]{29}$/);
    assert.ok(Number.isInteger(whole.created) && Math.abs(whole.created - Date.now() / 1000) < 5);
    const completion = tokenize('return a - b;').length;
    const promptTokens = whole.usage!.prompt_tokens;
    assert.ok(promptTokens > 0);
    assert.deepEqual(whole, {
      id: whole.id,
      object: 'text_completion',
      created: whole.created,
      model: 'fim-model',
      choices: [{ text: 'return a - b;', index: 0, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion },
    });
    assert.equal(s.stats.httpCount('POST /v1/completions'), 1);
  });

  it('streams text chunks that join to the scripted text, then finish_reason "stop" and data: [DONE]', async () => {
    const { s, client } = await setup({ chunkTokens: 2 });
    const scripted = 'const d = a - b;\n  return d;';
    s.script({ text: scripted }, { text: scripted });
    const chunks = await collect(await client.completions.create({ model: 'm', prompt, suffix, stream: true }));
    assert.equal(text(chunks), scripted);
    assert.ok(chunks.length > 3, 'several chunks');
    const id = chunks[0]!.id;
    for (const c of chunks) {
      assert.equal(c.object, 'text_completion');
      assert.equal(c.id, id);
      assert.equal(c.choices.length, 1);
      assert.equal(c.choices[0]!.index, 0);
      assert.equal(c.choices[0]!.logprobs, null);
      assert.equal('usage' in c, false, 'no usage unless asked');
    }
    assert.ok(chunks.slice(0, -1).every((c) => c.choices[0]!.finish_reason === null));
    assert.deepEqual(chunks.at(-1)!.choices[0], { text: '', index: 0, logprobs: null, finish_reason: 'stop' });

    const res = await post(s, { model: 'm', prompt, suffix, stream: true });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = (await res.text()).split('\n\n').filter(Boolean);
    assert.ok(events.every((e) => e.startsWith('data: ')));
    assert.equal(events.at(-1), 'data: [DONE]');
    await sleep(20);
    assert.equal(s.stats.aborted.length, 0, 'a stream read to its end is not an abort');
  });

  it('records prompt and suffix as sent, and shows them to a scripted turn', async () => {
    const { s, client } = await setup();
    const seen: ModelRequest[] = [];
    s.script((request) => {
      seen.push(request);
      return { text: 'x' };
    });
    await collect(await client.completions.create({ model: 'm', prompt, suffix, max_tokens: 256, temperature: 0, stop: ['\n\n'], stream: true }));
    assert.deepEqual(s.stats.bodies('completions'), [{ model: 'm', prompt, suffix, max_tokens: 256, temperature: 0, stop: ['\n\n'], stream: true }]);
    assert.equal(s.stats.requests.all()[0]!.route, 'POST /v1/completions');
    assert.equal(seen[0]!.transport, 'completions');
    assert.equal(seen[0]!.inputText, `${prompt}\n${suffix}`);
  });

  it('cuts at max_tokens with finish_reason "length", and before a stop sequence with "stop"', async () => {
    const { s, client } = await setup();
    const scripted = 'one two three four';
    s.script({ text: scripted }, { text: scripted }, { text: scripted }, { text: 'first line\nsecond line' });
    const cut = await collect(await client.completions.create({ model: 'm', prompt, max_tokens: 2, stream: true, stream_options: { include_usage: true } }));
    assert.equal(text(cut), 'one two');
    assert.equal(cut.at(-2)!.choices[0]!.finish_reason, 'length');
    assert.equal(cut.at(-1)!.usage!.completion_tokens, 2);
    const whole = await client.completions.create({ model: 'm', prompt, max_tokens: 2 });
    assert.equal(whole.choices[0]!.text, 'one two');
    assert.equal(whole.choices[0]!.finish_reason, 'length');
    assert.equal(whole.usage!.completion_tokens, 2);
    const roomy = await client.completions.create({ model: 'm', prompt, max_tokens: 100 });
    assert.deepEqual([roomy.choices[0]!.text, roomy.choices[0]!.finish_reason], [scripted, 'stop']);
    const stopped = await collect(await client.completions.create({ model: 'm', prompt, stop: '\n', stream: true }));
    assert.equal(text(stopped), 'first line');
    assert.equal(stopped.at(-1)!.choices[0]!.finish_reason, 'stop');
  });

  it('refuses with the injected status, the provider error shape and retry-after', async () => {
    const { s, client } = await setup();
    s.script({ failure: { kind: 'http', status: 429, retryAfterSeconds: 2 } }, { failure: { kind: 'http', status: 503, code: 'server_overloaded', message: 'Slow down.' } });
    await assert.rejects(client.completions.create({ model: 'm', prompt, suffix, stream: true }), (e: unknown) => e instanceof OpenAI.RateLimitError && e.headers?.get('retry-after') === '2');
    const res = await post(s, { model: 'm', prompt, suffix, stream: true });
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { error: { message: 'Slow down.', type: 'server_error', param: null, code: 'server_overloaded' } });
    await assert.rejects(openaiClient(s, 'bad').completions.create({ model: 'm', prompt }), OpenAI.AuthenticationError);
    assert.equal(s.pending, 0);
  });

  it('drops mid-stream, sends an error chunk, cuts with "length", and injects a bad chunk', async () => {
    const { s, client } = await setup();
    s.script(
      { text: 'one two three four', failure: { kind: 'drop', afterTokens: 2 } },
      { text: 'one two three four', failure: { kind: 'error-event', afterTokens: 1, code: 'overloaded' } },
      { text: 'one two three four', failure: { kind: 'incomplete', afterTokens: 2 } },
      { text: 'one two', failure: { kind: 'malformed', variant: 'invalid-json', afterTokens: 1 } },
    );
    const seen: Completion[] = [];
    await assert.rejects(async () => {
      for await (const c of await client.completions.create({ model: 'm', prompt, stream: true })) seen.push(c);
    });
    assert.equal(text(seen), 'one two');
    await assert.rejects(collect(await client.completions.create({ model: 'm', prompt, stream: true })), (e: unknown) => e instanceof OpenAI.APIError && e.code === 'overloaded');
    const cut = await collect(await client.completions.create({ model: 'm', prompt, stream: true }));
    assert.equal(text(cut), 'one two');
    assert.equal(cut.at(-1)!.choices[0]!.finish_reason, 'length');
    await assert.rejects(collect(await client.completions.create({ model: 'm', prompt, stream: true })), SyntaxError);
    assert.equal(s.stats.aborted.length, 0, 'an injected drop is not the client going away');
  });

  it('waits the first-token delay, paces at the turn rate and stalls without closing', async () => {
    const { s, client } = await setup();
    s.script({ text: 'a b c d', firstTokenDelayMs: 150, rate: 20, failure: { kind: 'stall', ms: 200, afterTokens: 2 } });
    const began = Date.now();
    const times: number[] = [];
    let got = '';
    for await (const c of await client.completions.create({ model: 'm', prompt, stream: true })) {
      if (c.choices[0]?.text) {
        got += c.choices[0].text;
        times.push(Date.now());
      }
    }
    assert.equal(got, 'a b c d');
    assert.ok(times[0]! - began >= 140, `first token after ${times[0]! - began} ms`);
    assert.ok(times[1]! - times[0]! >= 30, 'paced at 20 tok/s');
    assert.ok(times[2]! - times[1]! >= 180, `stalled ${times[2]! - times[1]!} ms`);
  });

  it('records a stream the client aborts mid-way, in stats and in the control stats', async () => {
    const { s, client } = await setup({ control: true });
    s.script({ id: 'fim', text: 'one two six ten', pauseAfterTokens: 2 });
    const abort = new AbortController();
    const stream = await client.completions.create({ model: 'm', prompt, suffix, stream: true }, { signal: abort.signal });
    const seen: Completion[] = [];
    // The openai stream ends quietly when its signal aborts (as a superseded prediction's does).
    for await (const c of stream) {
      seen.push(c);
      if (seen.length === 2) abort.abort();
    }
    assert.equal(text(seen), 'one two');
    await waitUntil(() => s.stats.aborted.length > 0, 'the abort to be recorded');
    const [record] = s.stats.aborted.all();
    assert.deepEqual({ ...record, at: 0 }, { transport: 'completions', responseId: seen[0]!.id, afterTokens: 2, body: { model: 'm', prompt, suffix, stream: true }, at: 0 });
    assert.deepEqual(s.pauses.list(), [], 'the paused turn ended with the connection');
    const stats = (await (await fetch(`${s.url}/__control/stats`)).json()) as { aborted: unknown[] };
    assert.deepEqual(stats.aborted, [{ transport: 'completions', responseId: seen[0]!.id, afterTokens: 2, at: record!.at }]);
    s.stats.reset();
    assert.equal(s.stats.aborted.length, 0);
  });
});
