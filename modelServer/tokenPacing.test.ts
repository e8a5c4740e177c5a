// Tokenising, pacing and the bounded recording of sent tokens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startModelServer } from './modelServer.ts';
import { BoundedLog } from './modelServerStats.ts';
import { openaiClient, openClient } from './modelServerTestKit.ts';
import { pace, tokenize } from './tokenPacing.ts';

const SAMPLE = 'export function add(a: number, b: number): number {\n    return a + b; // Σ ünïcødé 🙂\n}\n\n\t  trailing   ';

describe('tokenize', () => {
  it('splits into pieces that join back exactly, about four characters each', () => {
    const tokens = tokenize(SAMPLE);
    assert.equal(tokens.join(''), SAMPLE);
    assert.ok(tokens.every((t) => t.length > 0));
    const long = 'abcdefgh '.repeat(500);
    const n = tokenize(long).length;
    assert.ok(n >= long.length / 6 && n <= long.length / 2, `${n} tokens for ${long.length} chars`);
  });
});

describe('pace', () => {
  it('honours the rate roughly and cuts chunks at the requested sizes and boundaries', async () => {
    const tokens = tokenize('word '.repeat(200));
    const start = performance.now();
    const chunks = [];
    for await (const c of pace(tokens, { rate: 1000, chunkTokens: 5, cutAt: [12] })) chunks.push(c);
    const elapsed = performance.now() - start;
    assert.equal(chunks.map((c) => c.tokens.join('')).join(''), tokens.join(''));
    assert.ok(chunks.some((c) => c.index === 12), 'a chunk starts at the cut');
    assert.ok(chunks.every((c) => c.tokens.length <= 5));
    // 200 tokens at 1000 tok/s: about 200 ms. Loose bounds: it is paced, not dumped, and not crawling.
    assert.ok(elapsed >= 150 && elapsed < 3000, `took ${elapsed.toFixed(0)} ms`);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    const got: number[] = [];
    setTimeout(() => ac.abort(), 50);
    for await (const c of pace(tokenize('x '.repeat(1000)), { rate: 1000, chunkTokens: 1, signal: ac.signal })) got.push(c.index);
    assert.ok(got.length > 0 && got.length < 1000);
  });
});

describe('token rate end to end', () => {
  it('streams 4000 tokens at 20k tok/s over ResponsesWS, batching several tokens per timer tick', async () => {
    const s = await startModelServer({ rate: 20_000 });
    try {
      s.script({ toolCall: { name: 'apply_patch', input: 'abcd'.repeat(4000) } });
      const c = openClient(s);
      const start = performance.now();
      const events = await c.turn({ model: 'm', input: 'x' }, 20_000);
      const elapsed = performance.now() - start;
      c.rws.close();
      assert.equal(events.at(-1)!.type, 'response.completed');
      const records = s.stats.tokens.all();
      assert.equal(records.reduce((n, r) => n + r.count, 0), 4000);
      assert.ok(records.every((r, i) => i === 0 || r.at >= records[i - 1]!.at), 'timestamps are monotonic');
      // Expected ≈ 200 ms; bounds are loose on purpose (shared CI cores).
      assert.ok(elapsed >= 120 && elapsed < 5000, `took ${elapsed.toFixed(0)} ms`);
      const perMs = new Map<number, number>();
      for (const r of records) perMs.set(Math.floor(r.at), (perMs.get(Math.floor(r.at)) ?? 0) + 1);
      assert.ok(Math.max(...perMs.values()) > 1, 'several deltas leave within one millisecond');
    } finally {
      await s.close();
    }
  });

  it('paces Chat Completions at the per-turn rate with the per-turn chunk size', async () => {
    const s = await startModelServer({ rate: 0 });
    try {
      s.script({ text: 'tok '.repeat(300).trimEnd(), rate: 2000, chunkTokens: 3 });
      const client = openaiClient(s);
      const start = performance.now();
      let n = 0;
      for await (const chunk of await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true })) {
        if (chunk.choices[0]?.delta.content) n++;
      }
      const elapsed = performance.now() - start;
      assert.equal(n, 100);
      assert.ok(elapsed >= 100 && elapsed < 3000, `took ${elapsed.toFixed(0)} ms`);
    } finally {
      await s.close();
    }
  });
});

describe('stall', () => {
  it('resumes at the turn rate after a stall instead of bursting the backlog', async () => {
    const s = await startModelServer({ rate: 1000 });
    try {
      s.script({ text: 'word '.repeat(200).trimEnd(), failure: { kind: 'stall', ms: 200, afterTokens: 100 } });
      const c = openClient(s);
      await c.turn({ model: 'm', input: 'x' }, 10_000);
      c.rws.close();
      const records = s.stats.tokens.all();
      const before = records.filter((r) => r.index < 100);
      const after = records.filter((r) => r.index >= 100);
      assert.ok(after[0]!.at - before.at(-1)!.at >= 180, 'nothing left during the stall');
      // 100 tokens at 1000 tok/s after the stall: about 100 ms, far from one burst.
      assert.ok(after.at(-1)!.at - after[0]!.at >= 50, `resumed over ${(after.at(-1)!.at - after[0]!.at).toFixed(0)} ms`);
    } finally {
      await s.close();
    }
  });
});

describe('recording bounds', () => {
  it('keeps the newest entries and counts the dropped ones', () => {
    const log = new BoundedLog<number>(100);
    for (let i = 0; i < 1000; i++) log.push(i);
    const all = log.all();
    assert.equal(all.length, 100);
    assert.equal(all[0], 900);
    assert.equal(all.at(-1), 999);
    assert.ok(log.dropped >= 887);
  });

  it('bounds the server recording by maxRecords', async () => {
    const s = await startModelServer({ rate: 0, maxRecords: 50 });
    try {
      s.script({ text: 'a '.repeat(500) });
      const c = openClient(s);
      await c.turn({ model: 'm', input: 'x' });
      c.rws.close();
      assert.equal(s.stats.tokens.all().length, 50);
      assert.ok(s.stats.tokens.dropped > 0);
    } finally {
      await s.close();
    }
  });
});
