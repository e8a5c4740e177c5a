// Feeding helpers for tests of incremental parsers: the same input split every way must give the
// events of whole-input parsing.
import assert from 'node:assert/strict';
import { seededRandom } from './prng.ts';

export interface IncrementalParser<E> {
  push(chunk: string): E[];
  finish(): E[];
}

/** Feeds the chunks to a fresh parser and returns every event, the end of the stream included. */
export function feedChunks<E>(make: () => IncrementalParser<E>, chunks: string[]): E[] {
  const parser = make();
  const events: E[] = [];
  for (const c of chunks) events.push(...parser.push(c));
  events.push(...parser.finish());
  return events;
}

/** Splits `text` into random chunks of 1 to 12 characters. */
export function randomChunks(text: string, random: () => number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(random() * 12);
    chunks.push(text.slice(i, i + n));
    i += n;
  }
  return chunks;
}

/**
 * Asserts that feeding `text` one character at a time and in 25 seeded random chunkings gives
 * exactly `parseWhole(text)`; returns those events.
 */
export function assertChunkingInvariant<E>(
  make: () => IncrementalParser<E>,
  parseWhole: (text: string) => E[],
  text: string,
  seed: number,
): E[] {
  const whole = parseWhole(text);
  assert.deepEqual(feedChunks(make, [...text]), whole, 'one character at a time');
  const random = seededRandom(seed);
  for (let round = 0; round < 25; round++) assert.deepEqual(feedChunks(make, randomChunks(text, random)), whole, `chunking ${round}`);
  return whole;
}
