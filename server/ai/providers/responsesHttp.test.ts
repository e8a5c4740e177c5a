// Responses over HTTP SSE (TANDEM_AI_TRANSPORT=http, or after a WebSocket failure): store:false
// keeps nothing upstream, so every turn sends the whole conversation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startModelServer } from '../../../modelServer/modelServer.ts';
import type { ModelServer } from '../../../modelServer/modelServer.ts';
import { ResponsesSession } from './responsesSession.ts';
import { collect, targetFor, user } from '../../../testing/providerTestSupport.ts';

type Body = { stream?: boolean; store?: boolean; previous_response_id?: string; instructions?: string; input: unknown[] };

describe('Responses over HTTP SSE', () => {
  let s: ModelServer;
  before(async () => {
    s = await startModelServer({ rate: 0 });
  });
  after(() => s.close());

  it('sends the full conversation every turn, streamed, store:false, no WebSocket', async () => {
    const session = new ResponsesSession(targetFor(s, 'responses', 'http'));
    assert.equal(await session.warmUp({ instructions: 'Edit code.', input: [user('File a.ts: const a = 1;')] }), null);
    assert.equal(s.stats.requests.length, 0, 'nothing to warm up upstream over HTTP');
    s.script({ text: 'Sure.', toolCall: { name: 'apply_patch', input: '*** Begin Patch\n*** End Patch\n' } }, { text: 'Again.' });
    const first = await collect(session, { instructions: 'Edit code.', input: [user('first ask')] });
    assert.equal(first.text, 'Sure.');
    assert.equal(first.final.type === 'completed' && first.final.transport, 'http');
    const second = await collect(session, { instructions: 'Edit code.', input: [user('second ask')] });
    assert.equal(second.text, 'Again.');
    const bodies = s.stats.bodies('responses-http') as Body[];
    assert.equal(bodies.length, 2);
    for (const b of bodies) {
      assert.equal(b.stream, true);
      assert.equal(b.store, false);
      assert.equal(b.previous_response_id, undefined);
      assert.equal(b.instructions, 'Edit code.');
    }
    const types = (bodies[1]!.input as Array<{ type: string }>).map((i) => i.type);
    assert.deepEqual(types, ['message', 'message', 'message', 'custom_tool_call', 'custom_tool_call_output', 'message']);
    assert.match(JSON.stringify(bodies[1]!.input), /const a = 1.*first ask.*Sure\..*second ask/s);
    assert.equal(s.stats.wsHandshakes, 0);
    session.close();
  });

  it('resetHistory starts a fresh conversation', async () => {
    s.stats.reset();
    const session = new ResponsesSession(targetFor(s, 'responses', 'http'));
    await collect(session, { instructions: 'x', input: [user('old topic')] });
    session.resetHistory();
    await collect(session, { instructions: 'x', input: [user('new topic')] });
    const last = (s.stats.bodies('responses-http') as Body[]).at(-1)!;
    assert.doesNotMatch(JSON.stringify(last.input), /old topic/);
  });

  it('an unreachable endpoint is reported as unreachable', async () => {
    const session = new ResponsesSession({ ...targetFor(s, 'responses', 'http'), baseUrl: 'http://127.0.0.1:9/v1' });
    const r = await collect(session, { instructions: 'x', input: [user('hi')] });
    assert.equal(r.error?.code, 'unreachable', JSON.stringify(r.final));
    assert.match(r.error!.message, /Could not reach the model server at http:\/\/127\.0\.0\.1:9\/v1/);
  });
});
