// Tandem's HTTP API as the benchmarks use it: create a session (keystroke and AI benches), ask the
// AI, wait for a run.
import type { CreateSessionResponse } from '../../lib/api.ts';
import type { AiRunView } from '../../lib/ai/aiRuns.ts';
import type { ServerChild } from '../lib/servers.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createSession(server: ServerChild, title: string, files: Record<string, string>): Promise<CreateSessionResponse> {
  const res = await fetch(`${server.httpUrl}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, files }),
  });
  if (res.status !== 201) throw new Error(`POST /api/sessions → ${res.status} ${await res.text()}`);
  return (await res.json()) as CreateSessionResponse;
}

export async function askAi(server: ServerChild, session: CreateSessionResponse, prompt: string, file?: string): Promise<string> {
  const res = await fetch(`${server.httpUrl}/api/sessions/${session.id}/ai`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.collab.editParams.token}` },
    body: JSON.stringify({ prompt, ...(file ? { file } : {}), requestedBy: { name: 'Bench' } }),
  });
  if (res.status !== 202) throw new Error(`POST /ai → ${res.status} ${await res.text()}`);
  return ((await res.json()) as { runId: string }).runId;
}

/** Polls the run until it has finished; throws when it did not end 'done'. */
export async function waitForRun(server: ServerChild, session: CreateSessionResponse, runId: string, timeoutMs = 120_000): Promise<AiRunView> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const res = await fetch(`${server.httpUrl}/api/sessions/${session.id}/ai/${runId}`, { headers: { authorization: `Bearer ${session.collab.editParams.token}` } });
    if (res.status === 200) {
      const run = (await res.json()) as AiRunView;
      if (run.status === 'done') return run;
      if (run.status === 'error' || run.status === 'cancelled') throw new Error(`AI run ${runId} ended ${run.status}: ${run.error?.code} ${run.error?.message}`);
    }
    await sleep(50);
  }
  throw new Error(`AI run ${runId} did not finish in ${timeoutMs} ms`);
}
