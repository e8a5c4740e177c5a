// Responses over HTTP (SSE and plain JSON), driven by the openai package and raw fetch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { openaiClient, serverPerTest } from './modelServerTestKit.ts';
import type { Event } from './modelServerTestKit.ts';

const setup = serverPerTest();

async function collect(stream: AsyncIterable<unknown>): Promise<Event[]> {
  const out: Event[] = [];
  for await (const e of stream) out.push(e as Event);
  return out;
}

describe('Responses over HTTP', () => {
  it('streams SSE events through the openai client, apply_patch included', async () => {
    const { s, client } = await setup();
    s.script({ text: 'Plan.', toolCall: { name: 'apply_patch', input: '*** Begin Patch\n*** Delete File: old.txt\n*** End Patch\n' } });
    const events = await collect(await client.responses.create({ model: 'm', input: 'go', stream: true, store: false }));
    assert.equal(events[0]!.type, 'response.created');
    assert.equal(events.at(-1)!.type, 'response.completed');
    const patch = events.filter((e) => e.type === 'response.custom_tool_call_input.delta').map((e) => e.delta).join('');
    assert.equal(patch, '*** Begin Patch\n*** Delete File: old.txt\n*** End Patch\n');
    assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
    assert.equal(s.stats.httpCount('POST /v1/responses'), 1);
    const recorded = s.stats.requests.all()[0]!;
    assert.equal(recorded.transport, 'responses-http');
    assert.equal((recorded.body as { stream: boolean }).stream, true);
  });

  it('frames SSE as event:/data: pairs and ends after the terminal event with no [DONE]', async () => {
    const { s } = await setup();
    s.script({ text: 'abc def' });
    const res = await fetch(`${s.httpBaseUrl}/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: 'x', stream: true }),
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const text = await res.text();
    const blocks = text.trim().split('\n\n');
    for (const block of blocks) {
      const [eventLine, dataLine] = block.split('\n');
      const type = eventLine!.replace(/^event: /, '');
      assert.equal(JSON.parse(dataLine!.replace(/^data: /, '')).type, type);
    }
    assert.match(blocks.at(-1)!, /^event: response.completed\n/);
    assert.ok(!text.includes('[DONE]'));
  });

  it('returns the final response as JSON when not streaming, and chains previous_response_id for stored responses', async () => {
    const { s, client } = await setup();
    s.script({ text: 'stored answer' });
    const first = await client.responses.create({ model: 'm', input: 'x' });
    assert.equal(first.status, 'completed');
    assert.equal(first.output_text, 'stored answer');
    const second = await client.responses.create({ model: 'm', input: 'y', previous_response_id: first.id });
    assert.ok((second.usage?.input_tokens_details.cached_tokens ?? 0) > 0);
    const unstored = await client.responses.create({ model: 'm', input: 'z', store: false });
    await assert.rejects(
      client.responses.create({ model: 'm', input: 'w', previous_response_id: unstored.id }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && err.code === 'previous_response_not_found',
    );
  });

  it('answers a warm-up (generate: false) with an id and no output', async () => {
    const { s } = await setup();
    const res = await fetch(`${s.httpBaseUrl}/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: 'ctx', generate: false }),
    });
    const body = (await res.json()) as { id: string; output: unknown[]; status: string };
    assert.match(body.id, /^resp_/);
    assert.deepEqual(body.output, []);
    assert.equal(s.pending, 0);
  });

  it('maps injected statuses to the openai error classes, with retry-after on 429', async () => {
    const { s, client } = await setup();
    s.script(
      { failure: { kind: 'http', status: 429, retryAfterSeconds: 3 } },
      { failure: { kind: 'http', status: 500 } },
      { failure: { kind: 'http', status: 503 } },
    );
    await assert.rejects(client.responses.create({ model: 'm', input: 'x', stream: true }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.RateLimitError);
      assert.equal(err.headers?.get('retry-after'), '3');
      return true;
    });
    await assert.rejects(client.responses.create({ model: 'm', input: 'x', stream: true }), OpenAI.InternalServerError);
    await assert.rejects(client.responses.create({ model: 'm', input: 'x', stream: true }), (err: unknown) => err instanceof OpenAI.APIError && err.status === 503);
    const badKey = openaiClient(s, 'nope');
    await assert.rejects(badKey.responses.create({ model: 'm', input: 'x', stream: true }), OpenAI.AuthenticationError);
  });

  it('drops the stream mid-way, and a malformed event breaks the openai SSE parser', async () => {
    const { s, client } = await setup();
    s.script(
      { text: 'one two three four five', failure: { kind: 'drop', afterTokens: 2 } },
      { text: 'one two three', failure: { kind: 'malformed', variant: 'invalid-json', afterTokens: 1 } },
    );
    const seen: Event[] = [];
    await assert.rejects(async () => {
      for await (const e of await client.responses.create({ model: 'm', input: 'x', stream: true })) seen.push(e as Event);
    });
    assert.equal(seen.filter((e) => e.type === 'response.output_text.delta').length, 2);
    assert.ok(!seen.some((e) => e.type === 'response.completed'));
    await assert.rejects(collect(await client.responses.create({ model: 'm', input: 'x', stream: true })), SyntaxError);
  });

  it('passes unknown event types through and ends failed or incomplete turns with their events', async () => {
    const { s, client } = await setup();
    s.script(
      { text: 'a b c', failure: { kind: 'malformed', variant: 'unknown-event', afterTokens: 1 } },
      { text: 'a b c d', failure: { kind: 'failed', afterTokens: 2, code: 'server_error' } },
      { text: 'a b c d', failure: { kind: 'incomplete', afterTokens: 2 } },
      { text: 'a b c d', failure: { kind: 'error-event', afterTokens: 1 } },
    );
    const unknown = await collect(await client.responses.create({ model: 'm', input: 'x', stream: true }));
    assert.ok(unknown.some((e) => e.type === 'response.tandem_test.unknown_event'));
    assert.equal(unknown.at(-1)!.type, 'response.completed');
    const failed = await collect(await client.responses.create({ model: 'm', input: 'x', stream: true }));
    assert.equal(failed.at(-1)!.type, 'response.failed');
    const incomplete = await collect(await client.responses.create({ model: 'm', input: 'x', stream: true }));
    assert.equal(incomplete.at(-1)!.type, 'response.incomplete');
    // An SSE `error` event surfaces from the openai client as an APIError.
    await assert.rejects(collect(await client.responses.create({ model: 'm', input: 'x', stream: true })), OpenAI.APIError);
  });
});
