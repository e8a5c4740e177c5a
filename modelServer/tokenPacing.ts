// Rough tokenisation and rate pacing of scripted output.
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

// About four characters per token, leading whitespace glued to the next word as BPE
// tokenisers tend to do; joining the pieces always gives back the input exactly.
const TOKEN_RE = /\s*\S{1,4}|\s+/gsu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN_RE) ?? [];
}

export interface Chunk {
  /** Index of the first token in this chunk. */
  index: number;
  tokens: string[];
}

export interface PaceOptions {
  /** Tokens per second; 0, negative or Infinity = unpaced. */
  rate: number;
  /** Tokens per chunk (≥ 1). */
  chunkTokens: number;
  /** Token indices at which a chunk must end, so a failure can strike after exactly N tokens. */
  cutAt?: readonly number[];
  signal?: AbortSignal;
  /** Milliseconds the schedule is pushed back by (a stall), read on every step. */
  delay?: { ms: number };
}

/**
 * Yields chunks of `tokens` on schedule: token i is due `i / rate` seconds after the start
 * and a chunk leaves when its last token is due. When the rate outruns timer resolution
 * (a timer rarely fires sooner than ~1 ms), every chunk that became due meanwhile is
 * yielded in the same tick, so the average rate holds even at tens of thousands of tok/s.
 */
export async function* pace(tokens: readonly string[], options: PaceOptions): AsyncGenerator<Chunk> {
  const unpaced = !(options.rate > 0) || !Number.isFinite(options.rate);
  const perToken = unpaced ? 0 : 1000 / options.rate;
  const size = Math.max(1, Math.floor(options.chunkTokens));
  const cuts = [...(options.cutAt ?? [])].filter((c) => c > 0).sort((a, b) => a - b);
  const start = performance.now();
  let sent = 0;
  let sinceYield = 0;
  while (sent < tokens.length) {
    if (options.signal?.aborted) return;
    const nextCut = cuts.find((c) => c > sent) ?? Infinity;
    const end = Math.min(sent + size, tokens.length, nextCut);
    const dueAt = start + (options.delay?.ms ?? 0) + (end - 1) * perToken;
    const wait = dueAt - performance.now();
    if (wait > 0.5) {
      try {
        await sleep(Math.max(1, Math.floor(wait)), undefined, { signal: options.signal });
      } catch {
        return;
      }
      sinceYield = 0;
      continue;
    }
    // Let I/O run now and then, so an unpaced or catching-up stream cannot hog the loop.
    if (++sinceYield >= 256) {
      sinceYield = 0;
      await nextTurn();
    }
    const chunk: Chunk = { index: sent, tokens: tokens.slice(sent, end) };
    sent = end;
    yield chunk;
  }
}
