// Test support for the AI peer: a real Tandem server on port 0 whose provider is the local
// model server, sessions made through the HTTP API, and helpers to ask and wait for runs.
import * as Y from 'yjs';
import type { CreateSessionResponse } from '../lib/api.ts';
import { filesOf } from '../lib/schema.ts';
import type { AiRunView } from '../lib/ai/aiRuns.ts';
import { startModelServer, type ModelServer } from '../modelServer/modelServer.ts';
import { connect, createSession, startTestServer, synced, waitFor, type Client, type TestServer } from './harness.ts';

export interface AiStack {
  model: ModelServer;
  server: TestServer;
  dispose(): Promise<void>;
}

export async function startAiStack(opts: { provider?: 'responses' | 'chat'; transport?: 'websocket' | 'http'; rate?: number; env?: Record<string, string> } = {}): Promise<AiStack> {
  const model = await startModelServer({ rate: opts.rate ?? 2000 });
  const server = await startTestServer({
    OPENAI_BASE_URL: model.httpBaseUrl,
    OPENAI_API_KEY: model.apiKey ?? 'test-key',
    TANDEM_AI_MODEL: 'tandem-test-model',
    TANDEM_AI_PROVIDER: opts.provider ?? 'responses',
    TANDEM_AI_TRANSPORT: opts.transport ?? 'websocket',
    TANDEM_AI_STALL_MS: '1000',
    ...opts.env,
  });
  return {
    model,
    server,
    async dispose() {
      await server.dispose();
      await model.close();
    },
  };
}

export async function ask(
  server: TestServer,
  session: CreateSessionResponse,
  body: unknown,
  token = session.collab.editParams.token,
): Promise<{ status: number; body: { runId?: string; queuePosition?: number; error?: { code: string; message: string } }; headers: Headers }> {
  const res = await fetch(`${server.url}/api/sessions/${session.id}/ai`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

export async function getRun(server: TestServer, session: CreateSessionResponse, runId: string): Promise<AiRunView> {
  const res = await fetch(`${server.url}/api/sessions/${session.id}/ai/${runId}`, {
    headers: { authorization: `Bearer ${session.collab.viewParams.token}` },
  });
  if (res.status !== 200) throw new Error(`GET run → ${res.status} ${await res.text()}`);
  return (await res.json()) as AiRunView;
}

export async function cancelRun(server: TestServer, session: CreateSessionResponse, runId: string, token = session.collab.editParams.token): Promise<Response> {
  return fetch(`${server.url}/api/sessions/${session.id}/ai/${runId}/cancel`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Tester' }),
  });
}

export async function waitFinished(server: TestServer, session: CreateSessionResponse, runId: string, timeoutMs = 15_000): Promise<AiRunView> {
  let run: AiRunView | null = null;
  const start = Date.now();
  for (;;) {
    run = await getRun(server, session, runId);
    if (run.status === 'done' || run.status === 'error' || run.status === 'cancelled') return run;
    if (Date.now() - start > timeoutMs) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function joined(session: CreateSessionResponse, role: 'edit' | 'view' = 'edit'): Promise<Client> {
  const client = connect(session, role);
  await synced(client);
  return client;
}

export function fileText(client: Client, path: string): string | null {
  return filesOf(client.doc).get(path)?.toString() ?? null;
}

/** Records every distinct content of a file as a client sees it change. */
export function watchFile(client: Client, path: string): { states: string[]; stop(): void } {
  const states: string[] = [];
  const record = () => {
    const now = fileText(client, path);
    if (now !== null && states.at(-1) !== now) states.push(now);
  };
  record();
  const handler = () => record();
  client.doc.on('afterTransaction', handler);
  return { states, stop: () => client.doc.off('afterTransaction', handler) };
}

/** The clientIDs that wrote the visible characters of a text, per character. */
export function authorsOf(text: Y.Text): number[] {
  const out: number[] = [];
  let item = text._start;
  while (item) {
    if (!item.deleted && item.countable) for (let i = 0; i < item.length; i++) out.push(item.id.client);
    item = item.right;
  }
  return out;
}

export { createSession, waitFor };
