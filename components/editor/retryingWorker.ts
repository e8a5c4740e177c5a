'use client';
// A Monaco language worker that is started again when its script fails to load (a network blip,
// a proxy reset, a deploy swapping chunks). Monaco keeps the object MonacoEnvironment.getWorker
// returns for the life of the page and never asks again, so a worker that failed once would
// leave its language without diagnostics or completions until a reload. This stands in for the
// worker: until the worker first answers (proof that its script ran), what Monaco posts is kept,
// and an error in that time starts a fresh worker after a pause and posts it all again. After
// the first answer it is a plain pass-through.

/** Attempts after the first, and the pause before the first of them (doubling each time). */
const RETRIES = 5;
const FIRST_PAUSE_MS = 300;

type Posted = { message: unknown; transfer: Transferable[] };

export class RetryingWorker extends EventTarget {
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onmessageerror: ((ev: MessageEvent) => void) | null = null;
  onerror: ((ev: ErrorEvent | Event) => void) | null = null;
  private readonly create: () => Worker;
  private worker: Worker;
  /** What was posted before the worker first answered; null once it has. */
  private posted: Posted[] | null = [];
  private retriesLeft = RETRIES;
  private pause = FIRST_PAUSE_MS;
  private timer: number | null = null;
  private ended = false;

  constructor(create: () => Worker) {
    super();
    this.create = create;
    this.worker = this.start();
  }

  private start(): Worker {
    const worker = this.create();
    worker.onmessage = (ev) => {
      this.posted = null;
      this.forward(new MessageEvent('message', { data: ev.data }), this.onmessage);
    };
    worker.onmessageerror = (ev) => this.forward(new MessageEvent('messageerror', { data: ev.data }), this.onmessageerror);
    worker.onerror = (ev) => {
      if (this.posted !== null && this.retriesLeft > 0 && !this.ended) {
        ev.preventDefault();
        this.retry(worker);
        return;
      }
      this.forward(new ErrorEvent('error', { message: ev.message, filename: ev.filename, lineno: ev.lineno, colno: ev.colno, error: ev.error }), this.onerror);
    };
    return worker;
  }

  private retry(failed: Worker): void {
    failed.onmessage = failed.onmessageerror = failed.onerror = null;
    failed.terminate();
    this.retriesLeft--;
    const pause = this.pause;
    this.pause *= 2;
    this.timer = window.setTimeout(() => {
      this.timer = null;
      if (this.ended) return;
      this.worker = this.start();
      for (const { message, transfer } of this.posted ?? []) this.worker.postMessage(message, transfer);
    }, pause);
  }

  private forward<E extends Event>(ev: E, handler: ((ev: E) => void) | null): void {
    handler?.call(this, ev);
    this.dispatchEvent(ev);
  }

  postMessage(message: unknown, transfer: Transferable[] | StructuredSerializeOptions = []): void {
    const list = Array.isArray(transfer) ? transfer : (transfer.transfer ?? []);
    // Transferred objects cannot be posted twice: from then on a failed load is not retried.
    if (this.posted !== null) {
      if (list.length === 0) this.posted.push({ message, transfer: list });
      else this.retriesLeft = 0;
    }
    // While a fresh worker is being started, the message waits in `posted`.
    if (this.timer === null) this.worker.postMessage(message, list);
  }

  terminate(): void {
    this.ended = true;
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.posted = null;
    this.worker.terminate();
  }
}

/** What MonacoEnvironment.getWorker returns: Monaco only uses a Worker's messaging surface. */
export function retryingWorker(create: () => Worker): Worker {
  return new RetryingWorker(create) as unknown as Worker;
}
