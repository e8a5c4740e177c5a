// Sliding-window request counters (AI asks per person and per room, session creation per
// address). Keys are bounded: entries whose window has passed are swept, and the number of keys
// tracked at once is capped.
export interface RateDecision {
  ok: boolean;
  /** When refused: milliseconds until one more request would be allowed. */
  retryAfterMs: number;
}

const MAX_KEYS = 100_000;

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** Checks without recording. */
  check(key: string, now = Date.now()): RateDecision {
    const times = this.recent(key, now);
    if (times.length < this.limit) return { ok: true, retryAfterMs: 0 };
    return { ok: false, retryAfterMs: Math.max(1, times[0] + this.windowMs - now) };
  }

  record(key: string, now = Date.now()): void {
    const times = this.recent(key, now);
    times.push(now);
    this.hits.set(key, times);
    if (this.hits.size > MAX_KEYS) this.sweep(now);
  }

  private recent(key: string, now: number): number[] {
    const times = this.hits.get(key) ?? [];
    while (times.length > 0 && times[0] <= now - this.windowMs) times.shift();
    if (times.length === 0) this.hits.delete(key);
    return times;
  }

  private sweep(now: number): void {
    for (const key of Array.from(this.hits.keys())) this.recent(key, now);
    // Still too many live keys: forget the oldest (a flood of distinct keys cannot grow memory).
    for (const key of this.hits.keys()) {
      if (this.hits.size <= MAX_KEYS) break;
      this.hits.delete(key);
    }
  }
}
