// What one incoming update costs a watching page (serialised into the session page by Playwright,
// after bench/lib/tandemHook.ts). Two views, because the page may defer work to animation frames
// and may even apply remote updates inside a frame callback:
// - per remote transaction (`!tr.local`): beforeTransaction → afterTransactionCleanup, i.e. the
//   document's observers (y-monaco, review and authorship state) but not `update` listeners,
//   which Yjs calls after the cleanup;
// - per animation frame that ran any callback: the summed wall time of its callbacks (Monaco's
//   render, the page's deferred work), through a wrapper installed before the app loads.
// A transaction applied inside a frame callback counts in both; `txInFrame` says how many did.
import type * as Y from 'yjs';
import { summarize, type Summary } from '../lib/stats.ts';

export interface UpdateCostLog {
  /** ms per remote transaction. */
  tx: number[];
  /** Remote transactions that ran inside an animation frame callback (also in `frames`). */
  txInFrame: number;
  /** ms of callback work per frame that ran at least one callback. */
  frames: number[];
}

export interface UpdateCost {
  tx: Summary;
  txInFrame: number;
  frames: Summary;
}

declare global {
  interface Window {
    __updateCost?: UpdateCostLog & { frameStamp: number };
  }
}

export function installUpdateCostProbe(): void {
  const log = { tx: [] as number[], txInFrame: 0, frames: [] as number[], frameStamp: -1 };
  window.__updateCost = log;
  let inFrame = 0;
  const native = window.requestAnimationFrame.bind(window);
  // Assigned before any app module runs, so code that captures requestAnimationFrame at load
  // time (Monaco, React's scheduler) captures the wrapper too. Callbacks of one frame all get
  // the frame's timestamp, which groups them.
  window.requestAnimationFrame = (callback: FrameRequestCallback) =>
    native((stamp) => {
      if (stamp !== log.frameStamp) {
        log.frameStamp = stamp;
        log.frames.push(0);
      }
      const slot = log.frames.length - 1;
      const start = performance.now();
      inFrame++;
      try {
        callback(stamp);
      } finally {
        inFrame--;
        log.frames[slot] += performance.now() - start;
      }
    });
  const watched = new WeakSet<Y.Doc>();
  (window.__onTandem ??= []).push(({ doc }) => {
    if (watched.has(doc)) return;
    watched.add(doc);
    const started = new Map<Y.Transaction, number>();
    doc.on('beforeTransaction', (tr: Y.Transaction) => {
      if (!tr.local) started.set(tr, performance.now());
    });
    doc.on('afterTransactionCleanup', (tr: Y.Transaction) => {
      const start = started.get(tr);
      if (start === undefined) return;
      started.delete(tr);
      log.tx.push(performance.now() - start);
      if (inFrame > 0) log.txInFrame++;
    });
  });
}

export function resetUpdateCost(): void {
  const log = window.__updateCost!;
  log.tx.length = 0;
  log.txInFrame = 0;
  log.frames.length = 0;
  // The next callback opens a new frame even if it shares this frame's timestamp.
  log.frameStamp = -1;
}

export function readUpdateCost(): UpdateCostLog {
  const { tx, txInFrame, frames } = window.__updateCost!;
  return { tx, txInFrame, frames };
}

export function summarizeUpdateCost(log: UpdateCostLog): UpdateCost {
  return { tx: summarize(log.tx), txInFrame: log.txInFrame, frames: summarize(log.frames) };
}
