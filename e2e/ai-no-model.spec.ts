// With no model configured: Tandem starts, people edit together, and the AI panel says the host
// has not connected a model, with the recipe for the host folded away. The same server (its
// secret known here) shows that a genuine link to a missing session reads "Session not found". The suite's own server has the model server as its provider, so
// this spec starts a second Tandem (same test build) without any AI settings.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures.ts';
import type { CreateSessionResponse } from '../lib/api.ts';
import { signToken } from '../server/access/tokens.ts';

const PORT = Number(process.env.E2E_PORT ?? 3100) + 2;
const BASE = `http://127.0.0.1:${PORT}`;

/** This server's token secret, so a test can sign a genuine link for a session that does not exist. */
const SECRET = randomBytes(32).toString('hex');

let server: ChildProcess | null = null;
let dataDir = '';

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tandem-e2e-nomodel-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, NODE_ENV: 'production', TANDEM_TEST_BUILD: '1', TANDEM_SECRET: SECRET };
  for (const name of Object.keys(env)) if (name.startsWith('OPENAI_') || name.startsWith('TANDEM_AI_') || name.startsWith('TANDEM_PREDICT_')) delete env[name];
  server = spawn('sh', ['scripts/node24.sh', 'node', 'server/main.ts'], { env, stdio: 'ignore', detached: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${BASE}/api/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline || server.exitCode !== null) throw new Error('the model-less Tandem server did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
});

test.afterAll(async () => {
  // The launcher is a shell around node: signal the whole process group it leads.
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    process.kill(-server.pid, 'SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('without a model, editing works and the AI panel explains how to connect one', async ({ person }) => {
  const created = await fetch(`${BASE}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'No model', files: { 'main.py': 'print("hi")\n' } }),
  });
  expect(created.status).toBe(201);
  const session = (await created.json()) as CreateSessionResponse;

  // The API says no model, and why.
  const status = await fetch(`${BASE}/api/sessions/${session.id}/ai`, { headers: { authorization: `Bearer ${session.collab.editParams.token}` } });
  const body = (await status.json()) as { configured: boolean; help: string };
  expect(body.configured).toBe(false);
  expect(body.help).toContain('OPENAI_BASE_URL');

  const ada = await person('Ada');
  const alan = await person('Alan');
  // Absolute links: this session lives on the second server, not the suite's baseURL.
  for (const p of [ada, alan]) {
    await p.page.goto(session.editUrl);
    await p.waitForEditorReady();
  }
  await ada.waitSynced();
  await alan.waitSynced();
  await ada.openFile('main.py');
  await alan.openFile('main.py');
  await ada.typeAtEnd('print("together")\n');
  await expect.poll(() => alan.modelText('main.py')).toBe('print("hi")\nprint("together")\n');

  // Participants are told plainly; the setup recipe is folded away under "for the host".
  const help = ada.page.getByTestId('ai-connect-help');
  await expect(help).toContainText('The host has not connected a model');
  const recipe = help.getByText('ollama serve', { exact: false });
  await expect(recipe).toBeHidden();
  await ada.screenshot('ai-no-model');
  await help.getByText('For the host: how to connect a model').click();
  await expect(recipe).toBeVisible();
  await expect(help).toContainText('No AI model is connected');
  await expect(help).toContainText('OPENAI_API_KEY');
  await expect(help).toContainText('then restart Tandem');
  await expect(ada.page.getByTestId('ai-prompt')).toBeDisabled();
  await ada.screenshot('ai-no-model-host-setup');
  expect(ada.errors).toEqual([]);
  expect(alan.errors).toEqual([]);
});

test('a genuine link to a session that does not exist (or no longer does) says "Session not found", as the API’s 404 does', async ({ page }) => {
  const id = randomBytes(16).toString('base64url');
  const token = signToken(Buffer.from(SECRET, 'utf8'), id, 'edit');
  const api = await fetch(`${BASE}/api/sessions/${id}`, { headers: { authorization: `Bearer ${token}` } });
  expect(api.status).toBe(404);
  await page.goto(`${BASE}/s/${id}#token=${token}`);
  const error = page.getByTestId('session-error');
  await expect(error).toContainText('Session not found');
  await expect(error).not.toContainText('not valid');
  await page.screenshot({ path: 'test-results/screenshots/session-not-found.png' });
});
