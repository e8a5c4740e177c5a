// One room's AI runs waiting their turn: at most maxQueued beyond those running. Runs execute in
// request order, up to maxRunning at once when their targets do not overlap (canStart: a run on
// a file another run is editing waits behind it, later runs on other files may go first), each
// once it holds one of the server-wide run slots (runSlots.ts). While the head waits for a slot,
// every waiting run's thread entry shows its place in the server's line (1 = next), the rest of
// the room after it.
import type { AiSelection } from '../../lib/ai/aiRuns.ts';
import { AiError } from './aiError.ts';
import type { RunRecord } from './RunRecord.ts';
import type { RunSlots, SlotWait } from './runSlots.ts';

export interface AiRequest {
  prompt: string;
  file: string | null;
  selection: AiSelection | null;
  requestedBy: { name: string; clientId?: number };
  /** A model other than the default, as the operator offers (TANDEM_AI_MODELS). */
  model?: string;
}

/** A run as queued: its request and its entry in the thread. */
export interface QueuedRun {
  id: string;
  request: AiRequest;
  record: RunRecord;
}

export interface RunQueueSettings {
  maxQueued: number;
  /** The server-wide cap on runs executing at once (none: unlimited). */
  slots?: RunSlots;
  /** Runs one queued run to its end. */
  execute: (run: QueuedRun) => Promise<void>;
  /** Runs of this room executing at once (default 1). */
  maxRunning?: number;
  /** Whether `request` may start beside the requests executing now (none running: always). */
  canStart?: (request: AiRequest, running: readonly AiRequest[]) => boolean;
  /** Whether the queue's owner is leaving: nothing more starts. */
  stopped: () => boolean;
  /** Called when the queue has nothing left to run. */
  onIdle: () => void;
}

export class RunQueue {
  private readonly settings: RunQueueSettings;
  private readonly runs: QueuedRun[] = [];
  /** Runs executing now. */
  private readonly running: QueuedRun[] = [];
  /** Workers: each takes a slot, then a run that may start, executes it, and looks again. */
  private readonly workers = new Set<Promise<void>>();
  /** The wait for a server-wide run slot, while the queue's head waits for one. */
  private slotWait: SlotWait | null = null;
  /** The queue head's place in the server's line for a slot (1 when it is next or not waiting). */
  private line = 1;

  constructor(settings: RunQueueSettings) {
    this.settings = settings;
  }

  get length(): number {
    return this.runs.length;
  }

  get head(): QueuedRun | undefined {
    return this.runs[0];
  }

  /** Whether runs are being executed (or about to be). */
  get pumpingNow(): boolean {
    return this.workers.size > 0;
  }

  private get maxRunning(): number {
    return this.settings.maxRunning ?? 1;
  }

  /** Whether `request` may start beside the runs executing now. */
  private mayStart(request: AiRequest): boolean {
    if (this.running.length === 0) return true;
    return this.settings.canStart?.(request, this.running.map((r) => r.request)) ?? false;
  }

  /** Whether `request` added now would start at once: room to run it beside the others, nothing queued, a slot free. */
  startsNow(request: AiRequest): boolean {
    return this.runs.length === 0 && this.workers.size < this.maxRunning && (this.settings.slots?.free ?? true) && this.mayStart(request);
  }

  /** Throws AiError 'queue_full' when no more runs may wait; else the next run's position. */
  nextPosition(): number {
    if (this.runs.length >= this.settings.maxQueued) {
      const limit = this.settings.maxQueued;
      throw new AiError('queue_full', `the AI already has ${limit} requests waiting in this session; wait for some to finish or stop one`);
    }
    return this.runs.length + 1;
  }

  /** Adds a run at the end of the queue (start() executes it). */
  add(run: QueuedRun): void {
    this.runs.push(run);
  }

  /** Starts executing the queue's runs (as many as may run at once). */
  start(): void {
    while (this.workers.size < this.maxRunning && this.runs.length > this.workers.size - this.running.length && !this.settings.stopped() && this.startable() !== -1) {
      const worker: Promise<void> = this.work().finally(() => {
        this.workers.delete(worker);
        if (this.settings.stopped()) return;
        if (this.runs.length > 0) this.start();
        if (this.workers.size === 0 && this.runs.length === 0) this.settings.onIdle();
      });
      this.workers.add(worker);
    }
  }

  /** The first queued run that may start beside those executing (-1: none). */
  private startable(): number {
    return this.runs.findIndex((r) => this.mayStart(r.request));
  }

  /** Takes a waiting run out of the queue and records it as cancelled (false: it is not waiting). */
  cancel(runId: string, message: string): boolean {
    const index = this.runs.findIndex((q) => q.id === runId);
    if (index < 0) return false;
    const [run] = this.runs.splice(index, 1);
    cancelled(run, message);
    // Nothing left to wait for: leave the server's line for a run slot.
    if (this.runs.length === 0) this.slotWait?.cancel();
    this.renumber();
    return true;
  }

  /** Empties the queue (leaving the line for a slot), recording every waiting run as cancelled. */
  cancelAll(message: string): void {
    this.slotWait?.cancel();
    for (const run of this.runs.splice(0)) cancelled(run, message);
  }

  /** Resolves once the runs executing (if any) have ended and nothing more is starting. */
  async settled(): Promise<void> {
    while (this.workers.size > 0) await Promise.all([...this.workers]);
  }

  private renumber(): void {
    this.runs.forEach((q, i) => q.record.set({ queuePosition: this.line + i }));
  }

  private async work(): Promise<void> {
    // A server-wide slot first: while other sessions' runs hold them all, this room's queue
    // shows its place in the server's line (1 = next), the rest of the room after it.
    const wait = this.settings.slots?.acquire((position) => {
      this.line = position;
      this.renumber();
    });
    this.slotWait = wait ?? null;
    const release = !wait ? () => {} : (wait.now ?? (await wait.granted));
    if (this.slotWait === wait) this.slotWait = null;
    this.line = 1;
    try {
      const at = this.settings.stopped() ? -1 : this.startable();
      if (at < 0) return;
      const [next] = this.runs.splice(at, 1);
      this.running.push(next);
      this.renumber();
      try {
        await this.settings.execute(next);
      } finally {
        this.running.splice(this.running.indexOf(next), 1);
      }
    } finally {
      release();
    }
  }
}

function cancelled(run: QueuedRun, message: string): void {
  run.record.set({ status: 'cancelled', queuePosition: null, finishedAt: Date.now(), error: { code: 'cancelled', message } });
}
