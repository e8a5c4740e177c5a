// The test-only control routes: off unless asked for, script turns as JSON, reset, stats.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import { startModelServer, type ModelServer } from './modelServer.ts';
import { openaiClient } from './modelServerTestKit.ts';

async function collect(client: OpenAI, input = 'hello'): Promise<{ text: string; patch: string }> {
  let text = '';
  let patch = '';
  for await (const e of await client.responses.create({ model: 'm', input, stream: true })) {
    if (e.type === 'response.output_text.delta') text += e.delta;
    if (e.type === 'response.custom_tool_call_input.delta') patch += e.delta;
  }
  return { text, patch };
}

describe('control routes', () => {
  let server: ModelServer;
  let client: OpenAI;
  before(async () => {
    server = await startModelServer({ rate: 0, control: true });
    client = openaiClient(server);
  });
  after(() => server.close());

  it('queues JSON turns that the next requests consume in order', async () => {
    const res = await fetch(`${server.url}/__control/script`, {
      method: 'POST',
      body: JSON.stringify({ turns: [{ text: 'first' }, { text: 'second', toolCall: { name: 'apply_patch', input: '*** Begin Patch\n*** End Patch\n' } }] }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { pending: 2 });
    assert.deepEqual(await collect(client), { text: 'first', patch: '' });
    assert.deepEqual(await collect(client), { text: 'second', patch: '*** Begin Patch\n*** End Patch\n' });
    const stats = (await (await fetch(`${server.url}/__control/stats`)).json()) as Record<string, unknown>;
    assert.equal(stats.pending, 0);
    assert.equal(stats.requests, 2);
    assert.deepEqual(stats.responses, { completed: 2 });
    assert.ok((stats.tokens as number) > 0);
  });

  it('a turn with whenInputIncludes waits for a request whose input contains it; others pass it by', async () => {
    await fetch(`${server.url}/__control/reset`, { method: 'POST' });
    const res = await fetch(`${server.url}/__control/script`, {
      method: 'POST',
      body: JSON.stringify({ turns: [{ text: 'for the slash', whenInputIncludes: 'line /|' }, { text: 'anyone' }] }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await collect(client, 'line c|'), { text: 'anyone', patch: '' });
    assert.equal((await collect(client, 'line c|')).text, 'Echo: line c|');
    assert.equal(server.pending, 1);
    assert.deepEqual(await collect(client, 'before\nline /|'), { text: 'for the slash', patch: '' });
    assert.equal(server.pending, 0);
  });

  it('refuses a malformed script with a 400 and queues nothing', async () => {
    const res = await fetch(`${server.url}/__control/script`, { method: 'POST', body: JSON.stringify({ turns: [{ rate: 'fast' }] }) });
    assert.equal(res.status, 400);
    const bad = await fetch(`${server.url}/__control/script`, { method: 'POST', body: '{' });
    assert.equal(bad.status, 400);
    assert.equal(server.pending, 0);
  });

  it('reset drops queued turns and clears the stats', async () => {
    server.script({ text: 'never' });
    const res = await fetch(`${server.url}/__control/reset`, { method: 'POST' });
    assert.equal(res.status, 200);
    assert.equal(server.pending, 0);
    assert.equal(server.stats.requests.length, 0);
  });
});

describe('control routes are off by default', () => {
  it('answers 404 without the option', async () => {
    const server = await startModelServer({ rate: 0 });
    try {
      const res = await fetch(`${server.url}/__control/stats`);
      assert.equal(res.status, 404);
      assert.equal(server.stats.httpCount('GET /__control/stats'), 1);
    } finally {
      await server.close();
    }
  });
});
