// Keystroke propagation: person A types in the session page of the production build, person B
// (another browser context) watches the same file; the interval runs from A's Monaco model
// change to B's Monaco model change, per character. Scenarios: the two alone, and with 20 idle
// Node clients with presence in the room. Reference in the same run: the same interval between
// two Node y-websocket clients through @y/websocket-server (the protocol floor), and through
// Tandem's server (the server's share without the browsers).
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { BENCH_FILE, benchText, joinRoom, openRoom, waitUntil } from './lib/clients.ts';
import { startHelper, startReference, startTandem, type ServerChild } from './lib/servers.ts';
import { snapshotBuild, TEST_BUILD_ENV } from './lib/buildSnapshot.ts';
import { createSession } from './ai/tandemApi.ts';
import { firstAtOrAfter, installProbe, lastAtOrBefore, perCharacter, readProbe, resetProbe } from './lib/browserProbe.ts';
import { catchTandemHook } from './lib/tandemHook.ts';
import { fmt, printTable, summarize, type Summary } from './lib/stats.ts';

const FILE = 'bench.ts';
// Typed inside a comment so Monaco's suggestions never pop up and swallow a key.
const SEED = '// keystrokes: \n';
const CROWD = 20;
export const WARMUP = 30;
/** Milliseconds between keystrokes: a fast typist (40 characters per second). */
export const KEY_INTERVAL = 25;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export interface KeystrokeRow {
  path: 'browser' | 'browser-paint' | 'browser-a-send' | 'browser-wire' | 'browser-b-apply' | 'node-tandem' | 'node-reference';
  scenario: 'idle' | 'crowd';
  latency: Summary;
}

export function keys(count: number): string {
  const words = ['const', 'value', 'yjs', 'tandem', 'room', 'edit', 'peer', 'sync'];
  let out = '';
  for (let i = 0; out.length < count; i++) out += words[i % words.length] + ' ';
  return out.slice(0, count);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openPerson(browser: Browser, name: string, link: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript((n) => window.localStorage.setItem('tandem:profile', JSON.stringify({ name: n, color: '#38bdf8' })), name);
  await context.addInitScript(catchTandemHook);
  await context.addInitScript(installProbe, FILE);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(link);
    await page.getByTestId('workspace').waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => Boolean(window.__tandem?.monaco), null, { timeout: 60_000 });
    await page.waitForSelector('[data-testid="connection-status"][data-status="synced"]', { timeout: 60_000 });
    const tree = page.locator(`[data-testid="tree-item"][data-path="${FILE}"]`);
    await tree.click();
    await page.waitForFunction((p) => window.__tandem?.monaco.editor.getModels().some((m) => m.uri.path === `/${p}` && m.getValue().length > 0), FILE);
  } catch (err) {
    const text = await page.locator('body').innerText().catch(() => '');
    throw new Error(`${name} could not open the session: ${(err as Error).message.split('\n')[0]}; page errors: ${errors.join(' | ') || 'none'}; page text: ${text.slice(0, 300)}`);
  }
  return { context, page };
}

/** Pairs A's per-character change times with B's; both pages share the machine clock. */
function pair(a: number[], b: number[], what: string): number[] {
  if (a.length !== b.length) throw new Error(`${what}: A changed ${a.length} characters, B received ${b.length}`);
  return a.map((t, i) => b[i] - t);
}

async function browserScenario(browser: Browser, server: ServerChild, scenario: KeystrokeRow['scenario'], count: number): Promise<KeystrokeRow[]> {
  const session = await createSession(server, 'Keystroke bench', { [FILE]: SEED });
  const crowd =
    scenario === 'crowd' ? await startHelper('bench/lib/crowd.ts', [session.collab.serverUrl, session.collab.room, JSON.stringify(session.collab.editParams), String(CROWD), FILE]) : null;
  const link = `${server.httpUrl}/s/${session.id}#token=${session.collab.editParams.token}`;
  let a: Awaited<ReturnType<typeof openPerson>> | undefined;
  let b: typeof a;
  try {
    a = await openPerson(browser, 'Person A', link);
    b = await openPerson(browser, 'Person B', link);
    await a.page.locator('[data-testid="code-editor"] .view-lines').click();
    await a.page.keyboard.press('ControlOrMeta+Home');
    await a.page.keyboard.press('End');
    const expected = SEED.length + WARMUP;
    await a.page.keyboard.type(keys(WARMUP), { delay: KEY_INTERVAL });
    await b.page.waitForFunction((n) => window.__tandem!.monaco.editor.getModels().some((m) => m.getValueLength() === n), expected);
    await sleep(300);
    await a.page.evaluate(resetProbe);
    await b.page.evaluate(resetProbe);

    await a.page.keyboard.type(keys(count), { delay: KEY_INTERVAL });
    await b.page.waitForFunction((n) => window.__tandem!.monaco.editor.getModels().some((m) => m.getValueLength() === n), expected + count, { timeout: 60_000 });
    await sleep(100);
    const logA = await a.page.evaluate(readProbe);
    const logB = await b.page.evaluate(readProbe);
    if (!logA.attachedEarly) console.warn('keystroke: the probe in A attached after y-monaco; A times are late by the encode and send');
    const sent = perCharacter(logA.changes);
    const received = perCharacter(logB.changes);
    const painted = perCharacter(logB.changes.map(([_, n], i) => [logB.frames[i] ?? Number.NaN, n]));
    // Where the time goes: A's model change → A's socket send → B's socket message → B's model change.
    const aSend = firstAtOrAfter(sent, logA.sends);
    const bMessage = lastAtOrBefore(received, logB.messages);
    const segment = (from: number[], to: number[]) => summarize(to.map((t, i) => t - from[i]).filter(Number.isFinite));
    return [
      { path: 'browser', scenario, latency: summarize(pair(sent, received, 'browser')) },
      { path: 'browser-paint', scenario, latency: summarize(pair(sent, painted, 'browser paint').filter(Number.isFinite)) },
      { path: 'browser-a-send', scenario, latency: segment(sent, aSend) },
      { path: 'browser-wire', scenario, latency: segment(aSend, bMessage) },
      { path: 'browser-b-apply', scenario, latency: segment(bMessage, received) },
    ];
  } finally {
    await a?.context.close();
    await b?.context.close();
    await crowd?.stop();
  }
}

/** The same interval between two Node clients: A inserts at the end, B records the arrival. */
async function nodeScenario(server: ServerChild, scenario: KeystrokeRow['scenario'], count: number): Promise<KeystrokeRow> {
  const room = await openRoom(server, 'keystroke');
  const [a, b] = await joinRoom(server, room, 2, 'node');
  const crowd = scenario === 'crowd' ? await startHelper('bench/lib/crowd.ts', [server.wsUrl, room.name, JSON.stringify(room.params), String(CROWD), BENCH_FILE]) : null;
  try {
    const textA = benchText(a)!;
    const textB = benchText(b)!;
    const sent: number[] = [];
    const received: number[] = [];
    let recording = false;
    textB.observe((event) => {
      if (!recording || event.transaction.origin !== b.provider) return;
      const at = performance.now();
      for (const op of event.delta) if (typeof op.insert === 'string') for (let i = 0; i < op.insert.length; i++) received.push(at);
    });
    const type = async (n: number) => {
      for (let i = 0; i < n; i++) {
        if (recording) sent.push(performance.now());
        a.doc.transact(() => textA.insert(textA.length, 'x'), 'bench-key');
        await sleep(KEY_INTERVAL);
      }
    };
    await type(WARMUP);
    await waitUntil(() => textB.length === WARMUP, 'warm-up to arrive');
    recording = true;
    await type(count);
    await waitUntil(() => received.length === count, 'every keystroke to arrive');
    return { path: server.kind === 'tandem' ? 'node-tandem' : 'node-reference', scenario, latency: summarize(pair(sent, received, 'node')) };
  } finally {
    a.destroy();
    b.destroy();
    await crowd?.stop();
  }
}

export async function runKeystroke(options: { quick: boolean }): Promise<KeystrokeRow[]> {
  const appDir = await snapshotBuild();
  const count = options.quick ? 300 : 400;
  const rows: KeystrokeRow[] = [];
  const tandem = await startTandem({ next: true, cwd: appDir, env: { ...TEST_BUILD_ENV } });
  const reference = await startReference();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    for (const scenario of ['idle', 'crowd'] as const) {
      console.log(`\nkeystroke: ${scenario === 'idle' ? 'idle room' : `room with ${CROWD} other clients`}, ${count} keystrokes every ${KEY_INTERVAL} ms`);
      for (const run of [() => nodeScenario(reference, scenario, count), () => nodeScenario(tandem, scenario, count), () => browserScenario(browser, tandem, scenario, count)]) {
        const got = await run();
        for (const row of Array.isArray(got) ? got : [got]) {
          rows.push(row);
          console.log(`  ${row.path.padEnd(16)} p50 ${fmt(row.latency.p50)} ms  p95 ${fmt(row.latency.p95)} ms  p99 ${fmt(row.latency.p99)} ms  (n ${row.latency.n})`);
        }
      }
    }
  } finally {
    await browser.close();
    await tandem.stop();
    await reference.stop();
  }
  printKeystroke(rows);
  return rows;
}

const LABEL: Record<KeystrokeRow['path'], string> = {
  browser: 'browser A→B, Tandem (model→model)',
  'browser-paint': 'browser A→B, Tandem (model→B frame)',
  'browser-a-send': '  of which A: model change → socket send',
  'browser-wire': '  of which socket send → B socket message',
  'browser-b-apply': '  of which B: socket message → model change',
  'node-tandem': 'Node→Node, Tandem server',
  'node-reference': 'Node→Node, reference (floor)',
};

function printKeystroke(rows: KeystrokeRow[]): void {
  const out: string[][] = [];
  for (const scenario of ['idle', 'crowd'] as const) {
    const floor = rows.find((r) => r.scenario === scenario && r.path === 'node-reference')?.latency;
    for (const r of rows.filter((x) => x.scenario === scenario)) {
      const l = r.latency;
      const part = r.path === 'browser-a-send' || r.path === 'browser-wire' || r.path === 'browser-b-apply';
      out.push([
        scenario === 'idle' ? 'idle' : `+${CROWD} clients`,
        LABEL[r.path],
        String(l.n),
        fmt(l.p50),
        fmt(l.p95),
        fmt(l.p99),
        fmt(l.max),
        floor && !part ? fmt(l.p50 / floor.p50) : '',
        floor && !part ? fmt(l.p99 / floor.p99) : '',
      ]);
    }
  }
  printTable(
    'Keystroke propagation, ms (targets for browser model→model: p50 ≤ 5, p99 ≤ 15; ratios against the Node→Node floor of the same scenario)',
    ['room', 'path', 'n', 'p50', 'p95', 'p99', 'max', 'p50/floor', 'p99/floor'],
    out,
  );
}
