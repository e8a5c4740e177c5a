// Figures 1 and 2: the model server streams an apply_patch hunk at a fixed token rate into a file
// two people (separate browser contexts, production build) have open. Per run: tokens applied per
// second in each browser as a ratio of the upstream rate, and per added line the latency from
// the token carrying its marker leaving the model server to the marker being in the Monaco model.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { CreateSessionResponse } from '../../lib/api.ts';
import { lastIndexAtOrBefore } from '../../lib/textPosition.ts';
import type { TokenRecord } from '../../modelServer/modelServer.ts';
import type * as Y from 'yjs';
import { connectClient, waitUntil, type BenchClient } from '../lib/clients.ts';
import type { ServerChild } from '../lib/servers.ts';
import { streamedEdit, seedText, TOKENS_PER_LINE, type StreamedEdit } from './edit.ts';
import type { ModelHandle } from './modelHandle.ts';
import { installMarkerProbe, readMarkers } from './pageProbe.ts';
import { catchTandemHook } from '../lib/tandemHook.ts';
import { meterPage, type PageCpu } from './pageCpu.ts';
import { profilingRequested, startPageProfile, type PageProfiler } from './pageProfile.ts';
import { join } from 'node:path';
import { ROOT } from '../lib/servers.ts';
import { askAi, createSession, waitForRun } from './tandemApi.ts';
import { installUpdateCostProbe, readUpdateCost, resetUpdateCost, summarizeUpdateCost, type UpdateCost } from './updateCost.ts';
import { loadavg } from 'node:os';

// As playwright.config.ts launches Chromium (and bench/keystroke.ts).
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const PROFILE_STAMP = new Date().toISOString().replace(/[:.]/g, '-');

export interface StreamRun {
  rate: number;
  rep: number;
  /** os.loadavg() when the run started. */
  loadAtStart: number[];
  lines: number;
  tokens: number;
  /** Model server: first to last token sent, ms, and the rate it achieved. */
  upstreamMs: number;
  upstreamRate: number;
  /** Send times of the first and last token (epoch ms, the pages' clock). */
  firstAt: number;
  lastAt: number;
  /**
   * Per person (and a Node y-websocket client, the server's share): first token sent → last
   * marker in the Monaco model, ms; ratio = upstreamMs / that; busy = share of that time the
   * page's main thread spent in long tasks (null for Node).
   */
  people: Array<{ who: 'A' | 'B' | 'node'; appliedMs: number; appliedRate: number; ratio: number; changes: number; busy: number | null; latency: number[]; latencyEol: number[]; cpu?: PageCpu; cost?: UpdateCost }>;
}

export interface Person {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/**
 * A fresh browser context for a person named `name` (the test hook caught, then `probes`), with
 * `link` opened and synced. The context is closed again if the page does not get there.
 */
export async function openPage(browser: Browser, name: string, link: string, probes?: (context: BrowserContext) => Promise<unknown>): Promise<Person> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    await context.addInitScript((n) => window.localStorage.setItem('tandem:profile', JSON.stringify({ name: n, color: '#38bdf8' })), name);
    await context.addInitScript(catchTandemHook);
    await probes?.(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(link);
    await page.getByTestId('workspace').waitFor({ timeout: 60_000 });
    await page.waitForSelector('[data-testid="connection-status"][data-status="synced"]', { timeout: 60_000 });
    return { context, page, errors };
  } catch (err) {
    await context.close().catch(() => undefined);
    throw err;
  }
}

/** openPage with the streaming probes; `probes` adds init scripts of a case's own after them. */
export async function openPerson(browser: Browser, name: string, link: string, probes?: (context: BrowserContext) => Promise<unknown>): Promise<Person> {
  return openPage(browser, name, link, async (context) => {
    await context.addInitScript(installMarkerProbe);
    await context.addInitScript(installUpdateCostProbe);
    await probes?.(context);
  });
}

export async function openFile(p: Person, path: string): Promise<void> {
  // Clicking the tree moves the focus out of the editor, where a person may be typing.
  const shown = await p.page.evaluate((f) => window.__tandem?.monaco.editor.getEditors()[0]?.getModel()?.uri.path === `/${f}`, path);
  if (shown) return;
  await p.page.locator(`[data-testid="tree-item"][data-path="${path}"]`).click();
  await p.page.waitForFunction((f) => window.__tandem?.monaco.editor.getModels().some((m) => m.uri.path === `/${f}` && m.getValueLength() > 0), path, { timeout: 60_000 });
}

/** Token records of one response → the send time of the record holding each character. */
function charTimes(records: TokenRecord[]): { text: string; at(offset: number): number } {
  const starts: number[] = [];
  let text = '';
  for (const r of records) {
    starts.push(text.length);
    text += r.text;
  }
  return {
    text,
    at: (offset) => records[lastIndexAtOrBefore(starts, offset)].at,
  };
}

/** Where two texts part, for an error message. */
function difference(got: string, want: string): string {
  let i = 0;
  while (i < got.length && got[i] === want[i]) i++;
  const line = want.slice(0, i).split('\n').length;
  return `line ${line}: got ${JSON.stringify(got.slice(Math.max(0, i - 20), i + 40))}, expected ${JSON.stringify(want.slice(Math.max(0, i - 20), i + 40))}`;
}

/** Records when each marker is first complete in a Node client's copy of the file (markers arrive in order). */
function watchMarkers(client: BenchClient, path: string): { seen: Record<number, number>; changes: number; stop(): void } {
  const text = client.doc.getMap<Y.Text>('files').get(path);
  if (!text) throw new Error(`the Node client has no ${path}`);
  const out = { seen: {} as Record<number, number>, changes: 0, stop: () => text.unobserve(observer) };
  let next = 1;
  let from = 0;
  const observer = () => {
    const at = performance.timeOrigin + performance.now();
    out.changes++;
    const value = text.toString();
    for (;;) {
      const marker = `#L${String(next).padStart(4, '0')}#`;
      const i = value.indexOf(marker, from);
      if (i < 0) break;
      out.seen[next++] = at;
      from = i + marker.length;
    }
  };
  text.observe(observer);
  return out;
}

/** What a measured run streams into: the server, its session, the people watching and a Node peer. */
export interface RunSetup {
  model: ModelHandle;
  server: ServerChild;
  session: CreateSessionResponse;
  people: Person[];
  node: BenchClient;
  browser: Browser | null;
}

export interface RunPlan {
  path: string;
  edit: StreamedEdit;
  rate: number;
  rep: number;
  /** Runs alongside the stream (from the request to the last marker): a person typing. */
  during?: () => Promise<void>;
  /** The file's text after the run when more than the edit changed it (read after `during`). */
  expected?: () => string;
}

/** Streams `plan.edit` at `plan.rate` and measures it in every page and the Node peer. */
export async function measureRun(setup: RunSetup, plan: RunPlan): Promise<StreamRun> {
  const { model, server, session, people, node, browser } = setup;
  const { path, edit, rate, rep } = plan;
  const loadAtStart = loadavg();
  await Promise.all(people.map((p) => openFile(p, path)));
  // BENCH_AI_PROFILE: where person B's page spends its time during this run (see pageProfile.ts).
  const profiled = profilingRequested() && browser && people.length ? people[people.length - 1] : null;
  const profiler: PageProfiler | null = profiled ? await startPageProfile(browser!, profiled.page, join(ROOT, 'bench/results', `page-profiles-${PROFILE_STAMP}`)) : null;
  const nodeWatch = watchMarkers(node, path);
  await model.reset();
  // The pages' own work from the request to the run's end (CPU time: robust to a loaded machine).
  const meters = await Promise.all(people.map((p) => meterPage(p.page)));
  await Promise.all(people.map((p) => p.page.evaluate(resetUpdateCost)));
  await model.script({ toolCall: { name: 'apply_patch', input: edit.patch }, rate, firstTokenDelayMs: 0 });
  const runId = await askAi(server, session, `Fill the table in ${path}.`, path);
  const budget = (edit.tokens / rate) * 1000 * 10 + 60_000;
  await Promise.all([
    ...people.map((p) => p.page.waitForFunction(([f, n]) => Object.keys(window.__aiBench?.seen[f as string] ?? {}).length >= (n as number), [path, edit.lines], { timeout: budget, polling: 250 })),
    plan.during?.(),
  ]);
  await waitForRun(server, session, runId, budget);
  const cpu = await Promise.all(meters.map((stop) => stop()));
  const costs = await Promise.all(people.map((p) => p.page.evaluate(readUpdateCost)));
  nodeWatch.stop();
  await profiler?.stop(`B-${rate}-${rep + 1}`);
  const records = (await model.tokens()).filter((r) => r.count > 0);
  const byResponse = new Map<string, TokenRecord[]>();
  for (const r of records) byResponse.set(r.responseId, [...(byResponse.get(r.responseId) ?? []), r]);
  const stream = [...byResponse.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  if (stream.length === 0) throw new Error('the model server recorded no tokens');
  const times = charTimes(stream);
  const first = stream[0].at;
  const last = stream[stream.length - 1].at;
  const tokens = stream.reduce((n, r) => n + r.count, 0);
  const out: StreamRun = { rate, rep, loadAtStart, lines: edit.lines, tokens, upstreamMs: last - first, upstreamRate: (tokens * 1000) / Math.max(1e-9, last - first), firstAt: first, lastAt: last, people: [] };
  const expected = plan.expected?.() ?? edit.expected;
  const observed: Array<{ who: 'A' | 'B' | 'node'; got: { seen: Record<number, number>; changes: number; longTaskMs?: number }; cpu?: PageCpu; cost?: UpdateCost }> = [];
  for (const [i, p] of people.entries()) {
    const got = await p.page.evaluate(readMarkers, [path, first, Math.max(...Object.values(nodeWatch.seen), last) + 1000] as [string, number, number]);
    const text = await p.page.evaluate((f) => window.__tandem!.monaco.editor.getModels().find((m) => m.uri.path === `/${f}`)?.getValue() ?? null, path);
    const who = i === people.length - 1 ? 'B' : 'A';
    if (text !== expected) throw new Error(`person ${who}: the file is not the expected result after the run (${difference(text ?? '', expected)})`);
    observed.push({ who, got, cpu: cpu[i], cost: summarizeUpdateCost(costs[i]) });
  }
  if (node.doc.getMap<Y.Text>('files').get(path)?.toString() !== expected) throw new Error('the Node client: the file is not the expected result after the run');
  observed.push({ who: 'node', got: nodeWatch });
  for (const { who, got, cpu: work, cost } of observed) {
    const latency: number[] = [];
    const latencyEol: number[] = [];
    let lastSeen = 0;
    for (let n = 1; n <= edit.lines; n++) {
      const marker = `#L${String(n).padStart(4, '0')}#`;
      const end = times.text.indexOf(marker) + marker.length - 1;
      const seen = got.seen[n];
      if (end < marker.length - 1 || seen === undefined) throw new Error(`marker ${n} missing (stream ${end >= 0}, page ${seen !== undefined})`);
      lastSeen = Math.max(lastSeen, seen);
      latency.push(seen - times.at(end));
      latencyEol.push(seen - times.at(times.text.indexOf('\n', end)));
    }
    const appliedMs = lastSeen - first;
    out.people.push({ who, appliedMs, appliedRate: (tokens * 1000) / appliedMs, ratio: out.upstreamMs / appliedMs, changes: got.changes, busy: got.longTaskMs === undefined ? null : got.longTaskMs / appliedMs, latency, latencyEol, cpu: work, cost });
  }
  return out;
}

/** Lines of the streamed hunk at `rate`: a few seconds of stream, never fewer than a few hundred lines. */
export function streamLines(rate: number, quick: boolean): number {
  const seconds = quick ? 1.5 : 3;
  const minLines = quick ? 300 : 400;
  return Math.max(minLines, Math.round((rate * seconds) / TOKENS_PER_LINE));
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export const sessionLink = (server: ServerChild, session: CreateSessionResponse) => `${server.httpUrl}/s/${session.id}#token=${session.collab.editParams.token}`;

/** One line per run: its load average at the start, then what B and the Node peer saw. */
export function describeRun(label: string, run: StreamRun): string {
  const b = run.people.find((p) => p.who === 'B');
  const n = run.people.find((p) => p.who === 'node')!;
  const nl = [...n.latency].sort((x, y) => x - y);
  const cost = b?.cost ? `, per remote tx p50 ${b.cost.tx.p50.toFixed(2)} ms p99 ${b.cost.tx.p99.toFixed(2)} ms (${b.cost.tx.n} tx, ${b.cost.txInFrame} in frames), per frame p50 ${b.cost.frames.p50.toFixed(2)} ms p99 ${b.cost.frames.p99.toFixed(2)} ms (${b.cost.frames.n} frames)` : '';
  const browserPart = b
    ? `B applied ${b.appliedRate.toFixed(0)} tok/s (ratio ${b.ratio.toFixed(3)}) in ${b.changes} changes, main thread ${((b.busy ?? 0) * 100).toFixed(0)}% in long tasks, CPU ${b.cpu ? `${b.cpu.threadMs.toFixed(0)} ms (tasks ${b.cpu.taskMs.toFixed(0)}, script ${b.cpu.scriptMs.toFixed(0)}, style ${b.cpu.styleMs.toFixed(0)}, layout ${b.cpu.layoutMs.toFixed(0)})` : '?'}${cost}; `
    : '';
  return `  ${label} #${run.rep + 1} (load ${run.loadAtStart.map((l) => l.toFixed(2)).join(' ')}): ${run.tokens} tokens, ${run.lines} lines; upstream ${run.upstreamRate.toFixed(0)} tok/s over ${run.upstreamMs.toFixed(0)} ms; ${browserPart}Node peer ratio ${n.ratio.toFixed(3)}, ${n.changes} changes, line latency p50 ${nl[Math.floor(nl.length / 2)].toFixed(1)} ms`;
}

export async function runStream(model: ModelHandle, server: ServerChild, options: { quick: boolean; rates: number[]; log(line: string): void; browsers?: boolean }): Promise<StreamRun[]> {
  const reps = options.quick ? 1 : 3;
  const plan = options.rates.flatMap((rate) => Array.from({ length: reps }, (_, rep) => ({ rate, rep, path: `r${rate}-${rep + 1}.ts` })));
  const files = Object.fromEntries(plan.map((r) => [r.path, seedText(r.path)]));
  const session = await createSession(server, 'AI stream bench', files);
  const link = sessionLink(server, session);
  // Without browsers only the Node peer is measured: the server's share, quick to iterate on.
  const browsers = options.browsers ?? true;
  const browser = browsers ? await launchChromium() : null;
  const people: Person[] = [];
  const runs: StreamRun[] = [];
  const node = connectClient(server, { name: session.collab.room, params: session.collab.editParams }, 'stream-watcher');
  try {
    await waitUntil(() => node.provider.synced, 'the Node watcher to sync');
    if (browser) {
      // BENCH_AI_PAGES=1: person B's page alone on this machine (as on a person's own computer;
      // the default, two pages, has both browsers share the machine's cores).
      if (process.env.BENCH_AI_PAGES?.trim() !== '1') people.push(await openPerson(browser, 'Person A', link));
      people.push(await openPerson(browser, 'Person B', link));
    }
    const setup: RunSetup = { model, server, session, people, node, browser };
    for (const { rate, rep, path } of plan) {
      const run = await measureRun(setup, { path, edit: streamedEdit(path, path, streamLines(rate, options.quick)), rate, rep });
      runs.push(run);
      options.log(describeRun(`${String(rate).padStart(5)} tok/s`, run));
    }
    for (const p of people) if (p.errors.length) options.log(`  page errors: ${p.errors.join(' | ')}`);
  } finally {
    node.destroy();
    for (const p of people) await p.context.close().catch(() => undefined);
    await browser?.close();
  }
  return runs;
}
