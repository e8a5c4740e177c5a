// One room's AI runs waiting their turn: at most maxQueued beyond the one running, executed one
// at a time in request order, each once it holds one of the server-wide run slots (runSlots.ts).
// While the head waits for a slot, every waiting run's thread entry shows its place in the
// server's line (1 = next), the rest of the room after it.
import type { AiSelection } from '../../lib/ai/aiRuns.ts';
import { AiError } from './aiError.ts';
import type { RunRecord } from './RunRecord.ts';
import type { RunSlots, SlotWait } from './runSlots.ts';

export interface AiRequest {
  prompt: string;
  file: string | null;
  selection: AiSelection | null;
  requestedBy: { name: string; clientId?: number };
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
  /** Whether the queue's owner is leaving: nothing more starts. */
  stopped: () => boolean;
  /** Called when the queue has nothing left to run. */
  onIdle: () => void;
}

export class RunQueue {
  private readonly settings: RunQueueSettings;
  private readonly runs: QueuedRun[] = [];
  private pumping: Promise<void> | null = null;
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
    return this.pumping !== null;
  }

  /** Whether a run added now would start at once: nothing queued or running, a slot free. */
  get startsNow(): boolean {
    return this.pumping === null && this.runs.length === 0 && (this.settings.slots?.free ?? true);
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

  /** Starts executing the queue's runs unless it already is. */
  start(): void {
    this.pumping ??= this.pump();
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

  /** Resolves once the run executing (if any) has ended and nothing more is starting. */
  settled(): Promise<void> {
    return this.pumping ?? Promise.resolve();
  }

  private renumber(): void {
    this.runs.forEach((q, i) => q.record.set({ queuePosition: this.line + i }));
  }

  private async pump(): Promise<void> {
    try {
      while (this.runs.length > 0 && !this.settings.stopped()) {
        // A server-wide slot first: while other sessions' runs hold them all, this room's
        // queue shows its place in the server's line (1 = next), the rest of the room after it.
        const wait = this.settings.slots?.acquire((position) => {
          this.line = position;
          this.renumber();
        });
        this.slotWait = wait ?? null;
        const release = !wait ? () => {} : (wait.now ?? (await wait.granted));
        this.slotWait = null;
        this.line = 1;
        try {
          if (this.runs.length === 0 || this.settings.stopped()) break;
          const next = this.runs.shift()!;
          this.renumber();
          await this.settings.execute(next);
        } finally {
          release();
        }
      }
    } finally {
      this.pumping = null;
      if (!this.settings.stopped()) {
        if (this.runs.length > 0) this.pumping = this.pump();
        else this.settings.onIdle();
      }
    }
  }
}

function cancelled(run: QueuedRun, message: string): void {
  run.record.set({ status: 'cancelled', queuePosition: null, finishedAt: Date.now(), error: { code: 'cancelled', message } });
}
