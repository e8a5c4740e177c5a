// How much work a page did over an interval, from Chromium's own counters (CDP
// Performance.getMetrics): the renderer main thread's CPU time (ThreadTime) and the time its
// tasks, scripts, style recalculations and layouts took. CPU time is what the page's own code
// costs, and it is far less disturbed than wall-clock latency when the shared machine is loaded.
import type { Page } from 'playwright-core';

export interface PageCpu {
  /** Renderer main thread CPU time, ms. */
  threadMs: number;
  /** Wall time of its tasks / scripts / style recalcs / layouts, ms. */
  taskMs: number;
  scriptMs: number;
  styleMs: number;
  layoutMs: number;
}

const FIELDS: Record<keyof PageCpu, string> = {
  threadMs: 'ThreadTime',
  taskMs: 'TaskDuration',
  scriptMs: 'ScriptDuration',
  styleMs: 'RecalcStyleDuration',
  layoutMs: 'LayoutDuration',
};

/** Starts counting on `page`; the returned function gives the work done since. */
export async function meterPage(page: Page): Promise<() => Promise<PageCpu>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const byName = new Map(metrics.map((m) => [m.name, m.value]));
    return Object.fromEntries(Object.entries(FIELDS).map(([k, name]) => [k, (byName.get(name) ?? Number.NaN) * 1000])) as unknown as PageCpu;
  };
  const start = await read();
  return async () => {
    const end = await read();
    await cdp.detach();
    return Object.fromEntries(Object.keys(FIELDS).map((k) => [k, end[k as keyof PageCpu] - start[k as keyof PageCpu]])) as unknown as PageCpu;
  };
}
