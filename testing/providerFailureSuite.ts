// The same failure scenarios run against every provider transport (imported by
// server/ai/providers/*.failures.test.ts): each must end the turn with the right typed error and a
// clear message.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { startModelServer } from '../modelServer/modelServer.ts';
import type { ModelServer, Transport } from '../modelServer/modelServer.ts';
import { collect, targetFor, until, user, waitMs } from './providerTestSupport.ts';
import { createModelSession } from '../server/ai/providers/index.ts';
import type { ModelSession, ProviderTarget, SessionOptions, TurnRequest } from '../server/ai/providers/types.ts';

const LONG = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen';
const request = (text = 'please answer'): TurnRequest => ({ instructions: 'You are terse.', input: [user(text)] });

export function failureSuite(name: string, kind: 'responses' | 'chat', transport: 'websocket' | 'http', wire: Transport): void {
  describe(`${name}: failures end the turn with a typed error`, () => {
    let s: ModelServer;
    const sessions: ModelSession[] = [];
    const open = (options: SessionOptions = {}, patch: Partial<ProviderTarget> = {}) => {
      const session = createModelSession({ ...targetFor(s, kind, transport), ...patch }, { stallMs: 5000, ...options });
      sessions.push(session);
      return session;
    };
    const generating = () => s.stats.bodies(wire).filter((b) => (b as { generate?: unknown }).generate !== false).length;
    before(async () => {
      s = await startModelServer({ rate: 0 });
    });
    afterEach(() => {
      for (const x of sessions.splice(0)) x.close();
      s.clearScript();
      s.setFailure(null);
      s.stats.reset();
    });
    after(() => s.close());

    it('a drop mid-stream → upstream_dropped, partial output kept by the caller, no retry', async () => {
      s.script({ text: LONG, failure: { kind: 'drop', afterTokens: 4 } });
      const r = await collect(open(), request());
      assert.equal(r.error?.code, 'upstream_dropped', JSON.stringify(r.final));
      assert.match(r.error!.message, /dropped in the middle/);
      assert.ok(r.text.length > 0 && LONG.startsWith(r.text) && r.text.length < LONG.length);
      assert.equal(generating(), 1);
    });

    it('401 → unauthorized, not retryable, the key never in the message', async () => {
      const secret = 'sk-wrong-key-0123456789abcdef';
      const r = await collect(open({}, { apiKey: secret }), request());
      assert.equal(r.error?.code, 'unauthorized', JSON.stringify(r.final));
      assert.equal(r.error!.retryable, false);
      assert.equal(r.error!.status, 401);
      assert.match(r.error!.message, /refused the API key/);
      assert.ok(!JSON.stringify(r.events).includes(secret));
    });

    it('429 with a short retry-after is retried after waiting, before any output', async () => {
      s.script({ failure: { kind: 'http', status: 429, retryAfterSeconds: 1 } }, { text: 'after the wait' });
      const began = Date.now();
      const r = await collect(open(), request());
      assert.equal(r.final.type, 'completed', JSON.stringify(r.final));
      assert.equal(r.text, 'after the wait');
      assert.ok(Date.now() - began >= 900, 'retry-after honoured');
      assert.equal(generating(), 2);
    });

    it('429 with a long retry-after is reported with retryAfterMs', async () => {
      s.script({ failure: { kind: 'http', status: 429, retryAfterSeconds: 120 } });
      const r = await collect(open(), request());
      assert.equal(r.error?.code, 'rate_limited', JSON.stringify(r.final));
      assert.equal(r.error!.retryAfterMs, 120_000);
      assert.equal(r.error!.retryable, true);
      assert.match(r.error!.message, /rate limiting.*retry after 120 s/);
      assert.equal(generating(), 1);
    });

    it('5xx is retried once before output, then reported as server_error', async () => {
      s.script({ failure: { kind: 'http', status: 500 } }, { text: 'second try' });
      const ok = await collect(open(), request());
      assert.equal(ok.text, 'second try');
      s.script({ failure: { kind: 'http', status: 503 } }, { failure: { kind: 'http', status: 502 } });
      const r = await collect(open(), request());
      assert.equal(r.error?.code, 'server_error', JSON.stringify(r.final));
      assert.equal(r.error!.status, wire === 'responses-ws' ? 502 : 502);
      assert.match(r.error!.message, /server error \(HTTP 502\)/);
      assert.equal(generating(), 4);
    });

    it('an upstream error after output started is reported, never retried', async () => {
      s.script({ text: LONG, failure: { kind: 'failed', afterTokens: 3 } });
      const r = await collect(open(), request());
      assert.equal(r.error?.code, 'server_error', JSON.stringify(r.final));
      assert.ok(r.text.length > 0);
      assert.equal(generating(), 1);
    });

    it('a malformed event → malformed error, stream closed', async () => {
      s.script({ text: LONG, failure: { kind: 'malformed', variant: 'invalid-json', afterTokens: 2 } });
      const r = await collect(open(), request());
      assert.equal(r.error?.code, 'malformed', JSON.stringify(r.final));
      assert.match(r.error!.message, /malformed event/);
    });

    it('unknown events and chunks without a type or choices are ignored', async () => {
      s.script({ text: 'fine anyway', failure: { kind: 'malformed', variant: 'unknown-event', afterTokens: 1 } });
      const r = await collect(open(), request());
      assert.equal(r.final.type, 'completed', JSON.stringify(r.final));
      assert.equal(r.text, 'fine anyway');
    });

    it('no event for stallMs → stalled, and the upstream is closed', async () => {
      s.script({ text: LONG, failure: { kind: 'stall', ms: Infinity, afterTokens: 2 } });
      const began = Date.now();
      const r = await collect(open({ stallMs: 300 }), request());
      assert.equal(r.error?.code, 'stalled', JSON.stringify(r.final));
      assert.match(r.error!.message, /sent nothing for 300 ms/);
      assert.ok(Date.now() - began < 3000);
      await serverSawClose(s, wire);
    });

    it('abort closes the upstream at once → cancelled', async () => {
      s.script({ text: LONG.repeat(20), rate: 40 });
      const controller = new AbortController();
      let abortedAt = 0;
      const session = open();
      const r = await collect(session, request(), { signal: controller.signal }, (e) => {
        if (e.type === 'text' && !abortedAt) {
          abortedAt = performance.now();
          controller.abort();
        }
      });
      const took = performance.now() - abortedAt;
      assert.equal(r.error?.code, 'cancelled', JSON.stringify(r.final));
      assert.ok(took < 500, `ended ${took.toFixed(0)} ms after abort`);
      await serverSawClose(s, wire);
      // The session is usable afterwards (over WebSocket: a new connection with full input).
      s.script({ text: 'next' });
      const next = await collect(session, request('again'));
      assert.equal(next.text, 'next');
    });

    it('incomplete output → incomplete error', async () => {
      s.script({ text: LONG, failure: { kind: 'incomplete', afterTokens: 3 } });
      const r = await collect(open(), request());
      assert.equal(r.error?.code, 'incomplete', JSON.stringify(r.final));
      assert.match(r.error!.message, /stopped before finishing/);
    });

    it('a second turn while one runs gets busy', async () => {
      s.script({ text: LONG, rate: 200 });
      const session = open();
      const first = collect(session, request());
      await waitMs(20);
      const second = await collect(session, request());
      assert.equal(second.error?.code, 'busy');
      assert.equal((await first).final.type, 'completed');
    });
  });
}

/** The server noticed the client went away (socket closed / request aborted). */
export async function serverSawClose(s: ModelServer, wire: Transport): Promise<void> {
  if (wire === 'responses-ws') {
    await until(() => s.stats.wsOpen === 0);
  } else if (wire === 'responses-http') {
    await until(() => (s.stats.responses.get('aborted') ?? 0) >= 1);
  } else {
    // Chat Completions keeps no outcome count: the token stream must stop growing.
    await waitMs(50);
    const n = s.stats.tokens.length;
    await waitMs(200);
    assert.equal(s.stats.tokens.length, n, 'server kept streaming after the client left');
  }
}
