// Helpers for the model server's own tests: a server per test with an openai client on it, and a
// ResponsesWS client that records what it got.
import { afterEach } from 'node:test';
import OpenAI from 'openai';
import { ResponsesWS } from 'openai/resources/responses/ws';
import { startModelServer } from './modelServer.ts';
import type { ModelServer, ModelServerOptions } from './modelServer.ts';

// Wire events are checked field by field in the tests, so loose typing is the honest type here.
export type Event = { type: string; [key: string]: any };

export interface RecordingClient {
  rws: ResponsesWS;
  events: Event[];
  raw: unknown[];
  errors: Error[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first event from `from` on that matches. */
  waitFor(pred: (e: Event) => boolean, from?: number, timeoutMs?: number): Promise<Event>;
  /** Sends a response.create and resolves with the events of that turn up to its terminal event. */
  turn(frame: Record<string, unknown>, timeoutMs?: number): Promise<Event[]>;
}

export const TERMINAL = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);

export function openaiClient(server: ModelServer, apiKey = 'test-key'): OpenAI {
  return new OpenAI({ apiKey, baseURL: server.httpBaseUrl, maxRetries: 0 });
}

/**
 * Registers an afterEach that closes the server, and returns the setup each test calls: a model
 * server (rate 0 unless told) and an openai client on it.
 */
export function serverPerTest(): (options?: ModelServerOptions) => Promise<{ s: ModelServer; client: OpenAI }> {
  let server: ModelServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });
  return async (options = {}) => {
    server = await startModelServer({ rate: 0, ...options });
    return { s: server, client: openaiClient(server) };
  };
}

/**
 * Registers an afterEach that closes every recording client and the server, and returns the two
 * calls each WebSocket test makes: `setup` starts a model server (rate 0 unless told), `client`
 * opens a recording ResponsesWS client on it.
 */
export function wsServerPerTest(): { setup(options?: ModelServerOptions): Promise<ModelServer>; client(apiKey?: string): RecordingClient } {
  let server: ModelServer | null = null;
  const clients: RecordingClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.rws.close();
    await server?.close();
    server = null;
  });
  return {
    setup: async (options = {}) => (server = await startModelServer({ rate: 0, ...options })),
    client: (apiKey) => {
      const c = openClient(server!, apiKey);
      clients.push(c);
      return c;
    },
  };
}

export function openClient(server: ModelServer, apiKey = 'test-key'): RecordingClient {
  const rws = new ResponsesWS(openaiClient(server, apiKey));
  const events: Event[] = [];
  const raw: unknown[] = [];
  const errors: Error[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };
  rws.on('event', (e) => {
    events.push(e as unknown as Event);
    wake();
  });
  rws.on('raw', (d) => {
    raw.push(d);
    wake();
  });
  rws.on('error', (e) => {
    errors.push(e);
    wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    rws.on('close', (code, reason) => {
      resolve({ code, reason });
      wake();
    });
  });
  const waitFor = (pred: (e: Event) => boolean, from = 0, timeoutMs = 5000) =>
    new Promise<Event>((resolve, reject) => {
      // Scan each event once: a 20k-token turn must not cost a quadratic rescan.
      let scanned = from;
      const check = () => {
        let hit: Event | undefined;
        while (!hit && scanned < events.length) {
          const e = events[scanned++]!;
          if (pred(e)) hit = e;
        }
        if (hit) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting; got ${events.slice(from).map((e) => e.type).join(', ')}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const turn = async (frame: Record<string, unknown>, timeoutMs = 5000) => {
    const from = events.length;
    rws.send({ type: 'response.create', ...frame } as never);
    await waitFor((e) => TERMINAL.has(e.type), from, timeoutMs);
    const slice = events.slice(from);
    return slice.slice(0, slice.findIndex((e) => TERMINAL.has(e.type)) + 1);
  };
  return { rws, events, raw, errors, closed, waitFor, turn };
}

/** Concatenates the `delta` of every event of one type. */
export function deltas(events: Event[], type: string): string {
  return events.filter((e) => e.type === type).map((e) => String(e.delta)).join('');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
