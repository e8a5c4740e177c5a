// The local model server the suite runs as Tandem's AI provider (see playwright.config.ts), and
// its test-only control routes: script the next turns, reset between tests, read its stats.
import { expect, type APIRequestContext } from '@playwright/test';

const tandemPort = Number(process.env.E2E_PORT ?? 3100);
export const MODEL_URL = `http://127.0.0.1:${Number(process.env.E2E_MODEL_PORT ?? tandemPort + 1)}`;
export const MODEL_NAME = 'tandem-e2e-model';

export interface Turn {
  text?: string;
  toolCall?: { name: string; input: string };
  rate?: number;
  firstTokenDelayMs?: number;
}

export async function resetModel(request: APIRequestContext): Promise<void> {
  const res = await request.post(`${MODEL_URL}/__control/reset`);
  expect(res.status()).toBe(200);
}

export async function scriptModel(request: APIRequestContext, ...turns: Turn[]): Promise<void> {
  const res = await request.post(`${MODEL_URL}/__control/script`, { data: { turns } });
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
