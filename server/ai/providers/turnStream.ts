// Plumbing shared by every transport: a push→pull event pipe (callbacks in, async iteration
// out), a stall watchdog, and abort-aware sleeping.

/** Unbounded only in principle: a turn's events are produced by one upstream response. */
export class Pipe<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #ended = false;
  #wake: (() => void) | null = null;

  push(item: T): void {
    if (this.#ended) return;
    this.#items.push(item);
    this.#wake?.();
  }

  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.#items.length > 0) {
        const batch = this.#items;
        this.#items = [];
        for (const item of batch) yield item;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = null;
    }
  }
}

/** Calls `onStall` when `kick()` has not been called for `ms`. */
export class Watchdog {
  #timer: NodeJS.Timeout | null = null;
  readonly ms: number;
  readonly #onStall: () => void;

  constructor(ms: number, onStall: () => void) {
    this.ms = ms;
    this.#onStall = onStall;
  }

  kick(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#onStall();
    }, this.ms);
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

/** Resolves true after `ms`, false as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Why an attempt's internal controller was aborted. */
export type StopReason = 'cancelled' | 'stalled';

/** An AbortController that remembers why it stopped, linked to the caller's signal. */
export class AttemptControl {
  readonly controller = new AbortController();
  reason: StopReason | null = null;
  readonly #unlink: () => void;

  constructor(outer: AbortSignal | undefined) {
    const onAbort = () => this.stop('cancelled');
    if (outer?.aborted) this.stop('cancelled');
    outer?.addEventListener('abort', onAbort, { once: true });
    this.#unlink = () => outer?.removeEventListener('abort', onAbort);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(reason: StopReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort();
  }

  dispose(): void {
    this.#unlink();
  }
}
