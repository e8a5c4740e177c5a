// In-page recorder for the AI streaming benchmark (serialised into the session page by
// Playwright, after bench/lib/tandemHook.ts). It takes window.__tandem when the editor is
// created, watches every Monaco model, and records when each numbered marker (#L0001#) is first
// complete in a model, with performance.timeOrigin + performance.now() (the model server stamps
// tokens on the same clock).

export interface MarkerLog {
  /** path → marker number → first time seen (epoch ms). */
  seen: Record<string, Record<number, number>>;
  /** path → content changes seen (how many batches the stream arrived in). */
  changes: Record<string, number>;
  /** [start, duration] of the page's long tasks (main thread busy ≥ 50 ms), epoch ms. */
  longTasks: [number, number][];
}

declare global {
  interface Window {
    __aiBench?: MarkerLog;
  }
}

export function installMarkerProbe(): void {
  const now = () => performance.timeOrigin + performance.now();
  const log: MarkerLog = { seen: {}, changes: {}, longTasks: [] };
  window.__aiBench = log;
  // Whether the page's main thread kept up: a busy thread delays socket messages and model changes alike.
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) log.longTasks.push([performance.timeOrigin + e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // long tasks are not observable in this browser
  }
  type Hook = NonNullable<Window['__tandem']>;
  type Model = ReturnType<Hook['monaco']['editor']['createModel']>;
  const watched = new WeakSet<Model>();
  const watch = (model: Model) => {
    if (watched.has(model)) return;
    watched.add(model);
    const path = model.uri.path.replace(/^\//, '');
    model.onDidChangeContent((event) => {
      const at = now();
      const seen = (log.seen[path] ??= {});
      log.changes[path] = (log.changes[path] ?? 0) + 1;
      const lineCount = model.getLineCount();
      for (const change of event.changes) {
        // Changes are in the new text's coordinates once applied: re-read the lines they touched,
        // so a marker split across two changes counts when its last piece lands.
        const first = change.range.startLineNumber;
        let last = first;
        for (let i = change.text.indexOf('\n'); i >= 0; i = change.text.indexOf('\n', i + 1)) last++;
        for (let l = first; l <= Math.min(last, lineCount); l++) {
          const m = /#L(\d+)#/.exec(model.getLineContent(l));
          if (m && seen[Number(m[1])] === undefined) seen[Number(m[1])] = at;
        }
      }
    });
  };
  (window.__onTandem ??= []).push((hook) => {
    for (const model of hook.monaco.editor.getModels()) watch(model);
    hook.monaco.editor.onDidCreateModel(watch);
  });
}

/** The markers of one file, and the long-task time (ms) between `from` and `to`. */
export function readMarkers([path, from, to]: [string, number, number]): { seen: Record<number, number>; changes: number; longTaskMs: number } {
  const log = window.__aiBench!;
  let longTaskMs = 0;
  for (const [start, duration] of log.longTasks) longTaskMs += Math.max(0, Math.min(to, start + duration) - Math.max(from, start));
  return { seen: log.seen[path] ?? {}, changes: log.changes[path] ?? 0, longTaskMs };
}
