import { defineConfig } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Debian's Chromium is used where it exists (Playwright cannot download its own browsers on
// machines without general network access); CHROMIUM_PATH overrides, and an empty value uses
// Playwright's own browser.
const chromiumPath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
const port = Number(process.env.E2E_PORT ?? 3100);
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'tandem-e2e-'));
// The local model server (modelServer/) is Tandem's AI provider in the suite; specs
// script its turns through its test-only control routes (--control). See e2e/ai.spec.ts.
// e2e/aiModel.ts derives the same port and key.
const modelPort = Number(process.env.E2E_MODEL_PORT ?? port + 1);
const E2E_MODEL = { port: modelPort, url: `http://127.0.0.1:${modelPort}`, key: 'e2e-key', model: 'tandem-e2e-model' } as const;
// Edit predictions have a model server of their own: every keystroke of every spec asks it, and
// its answers must not take the AI peer's scripted turns. Unscripted, it answers with no text,
// which Tandem reads as "no prediction".
// (port + 2 is e2e/ai-no-model.spec.ts's own server.)
const predictPort = Number(process.env.E2E_PREDICT_PORT ?? port + 3);
const E2E_PREDICT = { port: predictPort, url: `http://127.0.0.1:${predictPort}`, model: 'tandem-e2e-predict' } as const;

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  // Generous bounds: tests wait on conditions, and a shared CI machine may be loaded several times
  // over (two browsers, the server and the model server already share two cores).
  timeout: 240_000,
  expect: { timeout: 45_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // The JSON report is what `npm test` counts for its closing line.
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromiumPath || undefined,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    {
      command: `sh scripts/node24.sh node modelServer/cli.ts --port ${modelPort} --rate 200 --control --key ${E2E_MODEL.key} --model ${E2E_MODEL.model}`,
      url: `${E2E_MODEL.url}/__control/stats`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `sh scripts/node24.sh node modelServer/cli.ts --port ${predictPort} --rate 0 --silent --control --key ${E2E_MODEL.key} --model ${E2E_PREDICT.model}`,
      url: `${E2E_PREDICT.url}/__control/stats`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // The test build (.next-test, with the page's test hook) is made by `npm test` (or
      // `npm run build:test`) before this runs; TANDEM_TEST_BUILD makes the server serve it.
      command: 'sh scripts/node24.sh node server/main.ts',
      url: `http://127.0.0.1:${port}/api/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        NODE_ENV: 'production',
        TANDEM_TEST_BUILD: '1',
        OPENAI_BASE_URL: `${E2E_MODEL.url}/v1`,
        OPENAI_API_KEY: E2E_MODEL.key,
        TANDEM_AI_PROVIDER: 'responses',
        TANDEM_AI_MODEL: E2E_MODEL.model,
        // A second model to choose per request (the model server answers to any name).
        TANDEM_AI_MODELS: 'tandem-e2e-planner',
        // Specs hold the model at scripted pauses (e2e/aiModel.ts) for as long as a person's action
        // takes (up to its PAUSE_MAX_MS); a stall is only what outlasts that.
        TANDEM_AI_STALL_MS: '600000',
        // A loaded machine makes a spec's checks slow while a person keeps typing; the bound on a
        // hunk's wait is exercised by the server's own tests.
        TANDEM_AI_TYPING_HOLD_MS: '30000',
        TANDEM_PREDICT_PROVIDER: 'chat',
        TANDEM_PREDICT_MODEL: E2E_PREDICT.model,
        TANDEM_PREDICT_BASE_URL: `${E2E_PREDICT.url}/v1`,
        // Specs type fast; the limit is exercised by the server's own tests.
        TANDEM_PREDICT_RATE_PER_PERSON: '100000',
      },
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
