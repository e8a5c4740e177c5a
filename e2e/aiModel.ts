// The local model server the suite runs as Tandem's AI provider (see playwright.config.ts), and
// its test-only control routes: script the next turns, reset between tests, read its stats.
import { expect, type APIRequestContext } from '@playwright/test';
import type { CreateSessionResponse } from '../lib/api.ts';
import { ADA, BEN, createSession, joinSession, type OpenPerson, type Seat, type SessionPage } from './fixtures.ts';

const tandemPort = Number(process.env.E2E_PORT ?? 3100);
export const MODEL_URL = `http://127.0.0.1:${Number(process.env.E2E_MODEL_PORT ?? tandemPort + 1)}`;
export const MODEL_NAME = 'tandem-e2e-model';

export interface Turn {
  text?: string;
  toolCall?: { name: string; input: string };
  rate?: number;
  firstTokenDelayMs?: number;
  /** Names the turn, so its pauses can be awaited and released by name. */
  id?: string;
  /**
   * Where the model stops and waits, silent with the connection open, until `releaseModel`
   * (or PAUSE_MAX_MS): after N output tokens, or right after the first occurrence of a text. This is how
   * a spec acts "while the AI is still writing" without racing the token rate.
   */
  pauseAfterTokens?: number | number[];
  pauseAt?: string | string[];
  /** Only a request whose input contains this text takes the turn (runs asked at once). */
  whenInputIncludes?: string;
}

interface ModelStats {
  paused: { turn: string | null; responseId: string; afterTokens: number }[];
  pauses: { reached: number; released: number; timedOut: number };
}

export async function resetModel(request: APIRequestContext): Promise<void> {
  const res = await request.post(`${MODEL_URL}/__control/reset`);
  expect(res.status()).toBe(200);
}

/**
 * A paused turn waits for the spec, however slow a loaded machine makes the person's action
 * (the model server's own bound is 60 s); Tandem's stall bound is above this (playwright.config).
 */
const PAUSE_MAX_MS = 300_000;

export async function scriptModel(request: APIRequestContext, ...turns: Turn[]): Promise<void> {
  const data = { turns: turns.map((t) => ({ pauseMaxMs: PAUSE_MAX_MS, ...t })) };
  const res = await request.post(`${MODEL_URL}/__control/script`, { data });
  expect(res.status(), await res.text()).toBe(200);
}

/** One `@@` hunk of an apply_patch update: context lines kept, `remove` replaced by `add`. */
export interface PatchHunk {
  before: string[];
  remove: string[];
  add: string[];
  after: string[];
}

export function applyPatchText(path: string, hunks: PatchHunk[]): string {
  const body = hunks
    .map((h) => ['@@', ...h.before.map((l) => ` ${l}`), ...h.remove.map((l) => `-${l}`), ...h.add.map((l) => `+${l}`), ...h.after.map((l) => ` ${l}`)].join('\n'))
    .join('\n');
  return `*** Begin Patch\n*** Update File: ${path}\n${body}\n*** End Patch\n`;
}

/** The text with the given hunks applied (each hunk's context + removed lines must be unique). */
export function applyHunks(text: string, hunks: PatchHunk[]): string {
  let out = text;
  for (const h of hunks) {
    const from = [...h.before, ...h.remove, ...h.after].join('\n');
    const to = [...h.before, ...h.add, ...h.after].join('\n');
    expect(out.split(from).length, `hunk context must be unique: ${from}`).toBe(2);
    out = out.replace(from, () => to);
  }
  return out;
}

export async function modelStats(request: APIRequestContext): Promise<ModelStats> {
  const res = await request.get(`${MODEL_URL}/__control/stats`);
  expect(res.status()).toBe(200);
  return (await res.json()) as ModelStats;
}

/**
 * Waits until the model has stopped at the `nth` pause (1-based, counted since the last reset)
 * of the turn named `id`, and is still holding there.
 */
export async function waitPaused(request: APIRequestContext, id: string, nth = 1): Promise<void> {
  await expect
    .poll(
      async () => {
        const stats = await modelStats(request);
        return stats.pauses.reached >= nth && stats.paused.some((p) => p.turn === id);
      },
      { message: `the model paused (${id}, pause ${nth})`, intervals: [50] },
    )
    .toBe(true);
  // A pause that ran out its bound would have let the run go on by itself: the spec would no
  // longer know that it acted mid-run.
  expect((await modelStats(request)).pauses.timedOut, 'pauses that ran out').toBe(0);
}

/** True while the turn named `id` is held at a pause (the run cannot have moved on). */
export async function isPaused(request: APIRequestContext, id: string): Promise<boolean> {
  return (await modelStats(request)).paused.some((p) => p.turn === id);
}

/** Lets the paused turn named `id` go on. */
export async function releaseModel(request: APIRequestContext, id: string): Promise<void> {
  const res = await request.post(`${MODEL_URL}/__control/release`, { data: { id } });
  expect(res.status()).toBe(200);
  expect(await res.json(), `release ${id}`).toEqual({ released: 1 });
}

/**
 * A session made through the API whose next AI turn is scripted before anyone opens it, then
 * opened by `seats` (Ada and Ben, editors, unless given), all synced.
 */
export async function startSessionWithModel(
  request: APIRequestContext,
  person: OpenPerson,
  body: { title?: string; files?: Record<string, string> },
  turn: Turn,
  seats: Seat[] = [ADA, BEN],
): Promise<{ session: CreateSessionResponse; people: SessionPage[] }> {
  const session = await createSession(request, body);
  await scriptModel(request, turn);
  return { session, people: await joinSession(person, session, seats) };
}
