// A 100,000-line file opens to editable: a person opens the session (another small file opens
// first, as on any first visit), clicks the large file in the tree, then clicks into the editor
// and types one character. Timed in the page, from the click on the tree item to the model
// holding the file's full text, and to the typed character being in the model (the harness's
// round trips between the two steps included: a person cannot type sooner either). A fresh
// browser context each time, so nothing is cached in IndexedDB.
// Creating a session bounds a file to 2 MiB characters; a person can grow it further by editing,
// so the file is created with its first part and a Node collab client appends the rest.
import { loadavg } from 'node:os';
import type * as Y from 'yjs';
import { connectClient, waitUntil } from '../lib/clients.ts';
import type { Browser } from 'playwright-core';
import type { ServerChild } from '../lib/servers.ts';
import { median } from '../lib/stats.ts';
import { fillerLines } from './edit.ts';
import { launchChromium, openPage, sessionLink } from './stream.ts';
import { createSession } from './tandemApi.ts';

export const LARGE_LINES = 100_000;
const LARGE = 'large.ts';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface OpenRun {
  rep: number;
  loadAtStart: number[];
  lines: number;
  bytes: number;
  /** Tree click → the model holds the full text, ms. */
  fullMs: number;
  /** Tree click → a character typed into the editor is in the model, ms. */
  editableMs: number;
  /** Full text → the page receives the click into the editor (harness round trips and a busy page), ms. */
  toEditorClickMs: number;
  /** Of that, the typed key's keydown → the character in the model, ms. */
  keyMs: number;
}

interface OpenLog {
  expected: number;
  clickAt: number | null;
  fullAt: number | null;
  editorClickAt: number | null;
  keyAt: number | null;
  typedAt: number | null;
}

declare global {
  interface Window {
    __openBench?: OpenLog;
  }
}

/** Init script (after catchTandemHook): stamps the click, the full text, the key and the typed character. */
function installOpenProbe(path: string): void {
  const now = () => performance.timeOrigin + performance.now();
  const log: OpenLog = { expected: -1, clickAt: null, fullAt: null, editorClickAt: null, keyAt: null, typedAt: null };
  window.__openBench = log;
  // Capture phase on window: before any handler of the app's can start work on the event.
  window.addEventListener(
    'pointerdown',
    () => {
      if (log.clickAt === null) log.clickAt = log.expected >= 0 ? now() : null;
      else if (log.fullAt !== null) log.editorClickAt ??= now();
    },
    true,
  );
  window.addEventListener('keydown', () => (log.keyAt ??= log.fullAt !== null ? now() : null), true);
  type Model = ReturnType<NonNullable<Window['__tandem']>['monaco']['editor']['createModel']>;
  const check = (model: Model) => {
    if (log.expected < 0) return;
    const length = model.getValueLength();
    if (log.fullAt === null && length === log.expected) log.fullAt = now();
    else if (log.fullAt !== null && log.typedAt === null && length === log.expected + 1) log.typedAt = now();
  };
  const watch = (model: Model) => {
    if (model.uri.path !== `/${path}`) return;
    check(model);
    model.onDidChangeContent(() => check(model));
  };
  (window.__onTandem ??= []).push((hook) => {
    hook.monaco.editor.getModels().forEach(watch);
    hook.monaco.editor.onDidCreateModel(watch);
  });
}

function largeText(): string {
  return `// ${LARGE}: ${LARGE_LINES} lines of generated helpers\nconst offsets = Array.from({ length: 16 }, (_, i) => i * 3);\n${fillerLines(LARGE_LINES - 3).join('\n')}\n`;
}

async function openOnce(browser: Browser, link: string, rep: number): Promise<Omit<OpenRun, 'lines' | 'bytes'>> {
  const loadAtStart = loadavg();
  const { context, page, errors } = await openPage(browser, 'Person A', link, (c) => c.addInitScript(installOpenProbe, LARGE));
  try {
    await page.waitForFunction(() => (window.__tandem?.monaco.editor.getModels().length ?? 0) > 0, null, { timeout: 60_000 });
    // Let the first visit's own work (storing the synced document, the first file) settle.
    await sleep(1000);
    const armed = await page.evaluate((f) => {
      const text = window.__tandem!.doc.getMap('files').get(f) as { length: number } | undefined;
      if (!text) return 'no such file in the document';
      if (window.__tandem!.monaco.editor.getModels().some((m) => m.uri.path === `/${f}`)) return 'its model exists before the click';
      window.__openBench!.expected = text.length;
      return null;
    }, LARGE);
    if (armed) throw new Error(`${LARGE}: ${armed}`);
    await page.locator(`[data-testid="tree-item"][data-path="${LARGE}"]`).click();
    await page.waitForFunction(() => window.__openBench!.fullAt !== null, null, { timeout: 60_000, polling: 10 });
    await page.locator('[data-testid="code-editor"] .view-lines').click();
    await page.keyboard.type('x');
    await page.waitForFunction(() => window.__openBench!.typedAt !== null, null, { timeout: 60_000, polling: 10 });
    const log = await page.evaluate(() => window.__openBench!);
    if (errors.length) throw new Error(`page errors: ${errors.join(' | ')}`);
    if (log.clickAt === null || log.keyAt === null) throw new Error('the click or the key was not seen by the page');
    return { rep, loadAtStart, fullMs: log.fullAt! - log.clickAt, toEditorClickMs: (log.editorClickAt ?? Number.NaN) - log.fullAt!, editableMs: log.typedAt! - log.clickAt, keyMs: log.typedAt! - log.keyAt };
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** A session holding `text` in LARGE, and a small file that a first visit opens instead. */
async function largeSession(server: ServerChild, text: string) {
  const head = text.slice(0, text.lastIndexOf('\n', Math.min(text.length, 1_500_000)) + 1);
  const session = await createSession(server, 'Large file bench', { 'a.ts': '// opened first on a first visit\n', [LARGE]: head });
  const room = { name: session.collab.room, params: session.collab.editParams };
  const writer = connectClient(server, room, 'open-writer', LARGE);
  const reader = connectClient(server, room, 'open-reader', LARGE);
  const file = (c: typeof writer) => c.doc.getMap<Y.Text>('files').get(LARGE);
  try {
    await waitUntil(() => writer.provider.synced && file(writer) !== undefined, 'the writer to sync');
    const target = file(writer)!;
    target.insert(target.length, text.slice(head.length));
    // Through the server and into another client: the room has stored it.
    await waitUntil(() => reader.provider.synced && file(reader)?.length === text.length, 'the large file to reach another client');
  } finally {
    writer.destroy();
    reader.destroy();
  }
  return session;
}

export async function runOpenLarge(server: ServerChild, options: { log(line: string): void }): Promise<OpenRun[]> {
  const text = largeText();
  const session = await largeSession(server, text);
  const link = sessionLink(server, session);
  const browser = await launchChromium();
  const runs: OpenRun[] = [];
  try {
    for (let rep = 0; rep < 3; rep++) {
      const run = { ...(await openOnce(browser, link, rep)), lines: LARGE_LINES, bytes: text.length };
      runs.push(run);
      options.log(`  open #${rep + 1} (load ${run.loadAtStart.map((l) => l.toFixed(2)).join(' ')}): ${run.lines} lines, ${(run.bytes / 1e6).toFixed(1)} MB; click → full text ${run.fullMs.toFixed(0)} ms, click → typed character in the model ${run.editableMs.toFixed(0)} ms (full text → click into the editor ${run.toEditorClickMs.toFixed(0)} ms, keydown → model ${run.keyMs.toFixed(1)} ms)`);
    }
  } finally {
    await browser.close();
  }
  options.log(`  median: full text ${median(runs.map((r) => r.fullMs)).toFixed(0)} ms, editable ${median(runs.map((r) => r.editableMs)).toFixed(0)} ms`);
  return runs;
}
