// Test helpers: a real server on port 0 with a temp DATA_DIR, sessions created through the
// HTTP API, stock y-websocket providers in Node, and polling waits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { CreateSessionResponse } from '../lib/api.ts';
import { configFromEnv, type Config } from '../server/config.ts';
import { startServer, type RunningServer } from '../server/app.ts';
import { setQuiet } from '../server/log.ts';
import { connectProvider, type Client } from './nodeProvider.ts';
import { pollUntil } from './poll.ts';

export type { Client } from './nodeProvider.ts';

setQuiet(process.env.TANDEM_TEST_LOGS !== '1');

export interface TestServer extends RunningServer {
  config: Config;
  dataDir: string;
  /** Stops the server (keeps DATA_DIR). */
  stop(): Promise<void>;
  /** Stops the server and deletes DATA_DIR. */
  dispose(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'tandem-test-'));
}

export async function startTestServer(env: Record<string, string> = {}, dataDir = tempDataDir()): Promise<TestServer> {
  const config = configFromEnv({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ROOM_IDLE_MS: '200', ...env });
  const running = await startServer(config, { next: false });
  return {
    ...running,
    config,
    dataDir,
    stop: () => running.close(),
    dispose: async () => {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createSession(baseUrl: string, body?: unknown): Promise<CreateSessionResponse> {
  const res = await fetch(`${baseUrl}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST /api/sessions → ${res.status} ${await res.text()}`);
  return (await res.json()) as CreateSessionResponse;
}

/** A stock WebsocketProvider in Node; the test server listens on 127.0.0.1. */
export function connect(session: CreateSessionResponse, role: 'edit' | 'view', serverUrl = session.collab.serverUrl): Client {
  const params = role === 'edit' ? session.collab.editParams : session.collab.viewParams;
  return connectProvider(serverUrl, session.collab.room, params, 200);
}

export function waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  return pollUntil(check, what, timeoutMs, 10);
}

export function synced(client: Client): Promise<void> {
  return waitFor(() => client.provider.synced, 'provider sync');
}

export function wsUrl(session: CreateSessionResponse, token: string | null, room = session.collab.room, serverUrl = session.collab.serverUrl): string {
  return `${serverUrl}/${room}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
}

/** Opens a raw ws client; resolves with the socket once open, or rejects with the HTTP status. */
export function rawSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** Resolves with the close code of a socket. */
export function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

/** Asks `url` until it answers `status` (a dependency coming back); resolves with the last status seen. */
export async function statusWithin(url: string, status: number, timeoutMs = 10_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const seen = (await fetch(url)).status;
    if (seen === status || Date.now() > until) return seen;
    await new Promise((r) => setTimeout(r, 100));
  }
}
