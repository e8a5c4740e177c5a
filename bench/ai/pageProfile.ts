// Opt-in attribution of a page's main-thread time during a streamed run (BENCH_AI_PROFILE=1):
// a V8 CPU profile of person B's page through CDP's Profiler, and a Chromium trace of the same
// interval summed by top-level task kind (script, style, layout, paint …). The production bundle
// is minified, so JS self time is keyed by chunk, line and column and shown with a snippet of the
// chunk's source there, enough to find the function. Profiling slows the page: read a profiled
// run's attribution, not its figures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { fmt, printTable } from '../lib/stats.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  pid: number;
  args?: { name?: string };
}

export interface PageProfiler {
  stop(label: string): Promise<void>;
}

export const profilingRequested = (): string | null => process.env.BENCH_AI_PROFILE?.trim() || null;

const sources = new Map<string, Promise<string>>();
async function snippet(url: string, line: number, column: number): Promise<string> {
  if (!/^https?:/.test(url)) return '';
  if (!sources.has(url)) sources.set(url, fetch(url).then((r) => r.text(), () => ''));
  const text = await sources.get(url)!;
  const lines = text.split('\n');
  const l = lines[line] ?? '';
  return l.slice(Math.max(0, column - 10), column + 70).replace(/\s+/g, ' ');
}

function shortUrl(url: string): string {
  const m = /\/_next\/static\/chunks\/(.*)$/.exec(url);
  return m ? m[1] : url.slice(-40);
}

/** Self time per function (keyed by source position), and inclusive time of frames whose snippet matches a pattern. */
async function summarizeCpu(profile: CpuProfile, title: string): Promise<void> {
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byKey = new Map<string, { us: number; node: ProfileNode }>();
  const byChunk = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (!us || node.callFrame.functionName === '(idle)') continue;
    busy += us;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const key = `${functionName || '(anon)'}@${shortUrl(url)}:${lineNumber + 1}:${columnNumber + 1}`;
    const entry = byKey.get(key) ?? { us: 0, node };
    entry.us += us;
    byKey.set(key, entry);
    const chunk = url ? shortUrl(url) : functionName;
    byChunk.set(chunk, (byChunk.get(chunk) ?? 0) + us);
  }
  // Inclusive time per function: the samples whose stack contains it (each counted once per sample).
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const inclusive = new Map<string, { us: number; node: ProfileNode }>();
  for (let i = 0; i < profile.samples.length; i++) {
    const seen = new Set<string>();
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      const { functionName, url, lineNumber, columnNumber } = n.callFrame;
      if (!url || functionName === '(idle)') continue;
      const key = `${functionName || '(anon)'}@${shortUrl(url)}:${lineNumber + 1}:${columnNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const e = inclusive.get(key) ?? { us: 0, node: n };
      e.us += profile.timeDeltas[i] ?? 0;
      inclusive.set(key, e);
    }
  }
  console.log(`\n${title}: ${fmt(busy / 1000, 0)} ms of JS/native busy time sampled`);
  printTable('  self time by chunk', ['chunk', 'ms', '%'], [...byChunk].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, us]) => [k, fmt(us / 1000, 0), fmt((100 * us) / busy, 1)]));
  const rows = async (m: Map<string, { us: number; node: ProfileNode }>, top: number) =>
    Promise.all(
      [...m]
        .sort((a, b) => b[1].us - a[1].us)
        .slice(0, top)
        .map(async ([k, { us, node }]) => [k, fmt(us / 1000, 0), fmt((100 * us) / busy, 1), await snippet(node.callFrame.url, node.callFrame.lineNumber, node.callFrame.columnNumber)]),
    );
  printTable('  self time by function', ['function', 'ms', '%', 'source'], await rows(byKey, 25));
  printTable('  inclusive time by function', ['function', 'ms', '%', 'source'], await rows(inclusive, 40));
}

/** Top-level main-thread tasks of the page's renderer, by kind. */
function summarizeTrace(events: TraceEvent[], title: string): void {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return;
  const byName = new Map<string, number>();
  for (const e of events) {
    if (e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || !e.dur) continue;
    byName.set(e.name, (byName.get(e.name) ?? 0) + e.dur);
  }
  // The long tasks themselves (outermost events of 50 ms or more): what the main thread did in each.
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const outer: TraceEvent[] = [];
  let end = -1;
  for (const e of mine) {
    if (e.ts < end) continue;
    outer.push(e);
    end = e.ts + e.dur!;
  }
  const long = outer.filter((t) => t.dur! >= 50_000);
  const busy = outer.reduce((n, e) => n + e.dur!, 0);
  console.log(`\n${title}: main thread busy ${fmt(busy / 1000, 0)} ms in ${outer.length} tasks, ${long.length} of them ≥ 50 ms (${fmt(long.reduce((n, e) => n + e.dur!, 0) / 1000, 0)} ms)`);
  for (const t of long.sort((a, b) => b.dur! - a.dur!).slice(0, 6)) {
    const parts = new Map<string, number>();
    for (const e of mine) {
      if (e === t || e.ts < t.ts || e.ts + e.dur! > t.ts + t.dur! || /v8\.|Blink\.|UpdateTime|AsyncTask|FunctionCall/.test(e.name)) continue;
      parts.set(e.name, (parts.get(e.name) ?? 0) + e.dur!);
    }
    const top = [...parts].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([n, us]) => `${n} ${fmt(us / 1000, 0)}`).join(', ');
    console.log(`  ${t.name} ${fmt(t.dur! / 1000, 0)} ms: ${top}`);
  }
  printTable(`\n${title}: renderer main thread, complete events by name (nested events counted in their own row too)`, ['event', 'ms'], [...byName].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, us]) => [k, fmt(us / 1000, 1)]));
}

export async function startPageProfile(browser: Browser, page: Page, dir: string): Promise<PageProfiler> {
  mkdirSync(dir, { recursive: true });
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  // BENCH_AI_PROFILE=cpu: the CPU profile alone (tracing adds its own cost to every timer and task).
  const tracing = profilingRequested() !== 'cpu';
  if (tracing) await browser.startTracing(page, { categories: ['devtools.timeline', 'blink', 'v8'] });
  return {
    async stop(label) {
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
      const trace = tracing ? await browser.stopTracing() : null;
      await cdp.detach();
      writeFileSync(join(dir, `${label}.cpuprofile`), JSON.stringify(profile));
      await summarizeCpu(profile, `${label} (profile in ${dir})`);
      if (!trace) return;
      writeFileSync(join(dir, `${label}.trace.json`), trace);
      const parsed = JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] };
      summarizeTrace(parsed.traceEvents, label);
    },
  };
}
