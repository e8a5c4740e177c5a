// Parallel turns on lanes (`stream_id`) of one Responses WebSocket, against the local model
// server: each lane forks from the warmed-up conversation, both stream at once on the one
// connection, and stopping one leaves the other streaming.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { startModelServer } from '../../../modelServer/modelServer.ts';
import type { ModelServer } from '../../../modelServer/modelServer.ts';
import { ResponsesSession } from './responsesSession.ts';
import { collect, targetFor, user } from '../../../testing/providerTestSupport.ts';
import type { TurnRequest } from './types.ts';

type Body = { type?: string; generate?: boolean; stream_id?: string; previous_response_id?: string; input: unknown[] };

const TOOLS = [{ type: 'custom', name: 'apply_patch', description: 'Edit files with a patch.' }];
const FILE = Array.from({ length: 500 }, (_, i) => `export const value${i} = ${i};`).join('\n');

let server: ModelServer | null = null;
const sessions: ResponsesSession[] = [];
afterEach(async () => {
  for (const x of sessions.splice(0).reverse()) x.close();
  await server?.close();
  server = null;
});

const req = (text: string): TurnRequest => ({ instructions: 'You edit code.', tools: TOOLS, input: [user(text)] });
const creates = (s: ModelServer) => (s.stats.bodies('responses-ws') as Body[]).filter((b) => b.type === 'response.create' && b.generate !== false);
async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; !check(); i++) {
    assert.ok(i < 1000, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Responses WebSocket lanes', () => {
  it('two lanes fork from the warm-up and stream at the same time on one connection', async () => {
    server = await startModelServer({ rate: 0 });
    const s = server;
    const primary = new ResponsesSession(targetFor(s, 'responses', 'websocket'));
    sessions.push(primary);
    assert.equal(await primary.warmUp(req(`File src/a.ts:\n${FILE}`)), null);
    const a = primary.lane('run-a');
    const b = primary.lane('run-b');
    sessions.push(a, b);
    s.script({ id: 'a', text: 'lane a writes a long answer', pauseAfterTokens: 2, whenInputIncludes: 'from a' }, { id: 'b', text: 'lane b answers', whenInputIncludes: 'from b' });
    const first = collect(a, req('from a'));
    await waitFor(() => s.pauses.list().some((p) => p.turn === 'a'), 'lane a to stream and pause');
    // Lane b's whole turn runs while lane a's response is held mid-stream.
    const second = await collect(b, req('from b'));
    assert.equal(second.final.type, 'completed');
    assert.equal(second.text, 'lane b answers');
    assert.equal(s.pauses.list().length, 1, 'lane a is still mid-response');
    s.pauses.release('a');
    const done = await first;
    assert.equal(done.final.type, 'completed');
    assert.equal(done.text, 'lane a writes a long answer');
    assert.equal(s.stats.wsHandshakes, 1, 'one connection for the warm-up and both lanes');
    const [ca, cb] = creates(s);
    const warmId = ca!.previous_response_id;
    assert.ok(warmId, 'lane a chains from the warm-up');
    assert.equal(cb!.previous_response_id, warmId, 'both lanes fork from the same response');
    assert.notEqual(ca!.stream_id, cb!.stream_id);
    assert.ok(JSON.stringify(ca!.input).length < 200, 'only the new input: the file was sent once, in the warm-up');
    for (const r of [done, second]) assert.equal(r.final.type === 'completed' && r.final.chained, true);
  });

  it('stopping one lane leaves the other streaming on the same connection', async () => {
    server = await startModelServer({ rate: 0 });
    const s = server;
    const primary = new ResponsesSession(targetFor(s, 'responses', 'websocket'));
    sessions.push(primary);
    assert.equal(await primary.warmUp(req('File src/a.ts:\nexport const a = 1;')), null);
    const a = primary.lane('run-a');
    const b = primary.lane('run-b');
    sessions.push(a, b);
    s.script({ id: 'a', text: 'one two three four', pauseAfterTokens: 1, whenInputIncludes: 'from a' }, { id: 'b', text: 'five six seven eight', pauseAfterTokens: 1, whenInputIncludes: 'from b' });
    const stop = new AbortController();
    const first = collect(a, req('from a'), { signal: stop.signal });
    const second = collect(b, req('from b'));
    await waitFor(() => s.pauses.list().length === 2, 'both lanes to stream and pause');
    stop.abort();
    const stopped = await first;
    assert.equal(stopped.final.type, 'error');
    assert.equal(stopped.error?.code, 'cancelled');
    s.pauses.release('b');
    const other = await second;
    assert.equal(other.final.type, 'completed', JSON.stringify(other.error));
    assert.equal(other.text, 'five six seven eight');
    assert.equal(s.stats.wsHandshakes, 1, 'the connection stayed open for lane b');
    s.pauses.release('a');
  });
});
