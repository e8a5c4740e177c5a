// Leading-edge batching for everything the AI writes while it streams (hunk text, explanation
// text). The first write after a quiet interval goes out at once, so a sparse token (the first
// token of a run, a slow model) never waits for a timer; writes that follow within the interval
// are coalesced and written when it ends, so a fast stream costs one transaction per interval,
// not one per token. Callers flush explicitly at the end of a stream.

/** Shortest time between two batched writes; a frame at 60 Hz. */
export const BATCH_MS = 16;

export class FrameBatcher {
  private readonly write: () => boolean;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private lastWrite = Number.NEGATIVE_INFINITY;

  /** `write` applies whatever is queued and says whether it wrote anything. */
  constructor(write: () => boolean, intervalMs: number = BATCH_MS) {
    this.write = write;
    this.intervalMs = intervalMs;
  }

  /** Something was queued: write now if the last write is an interval old, else at its end. */
  schedule(): void {
    if (this.timer) return;
    const wait = this.lastWrite + this.intervalMs - performance.now();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, wait);
  }

  /** Writes what is queued now (end of a stream, or before a write that must follow it). */
  flush(): void {
    this.cancel();
    this.run();
  }

  /** Forgets the pending timer (the caller drops its queue). */
  cancel(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = null;
  }

  private run(): void {
    if (this.write()) this.lastWrite = performance.now();
  }
}
