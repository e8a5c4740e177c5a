// The AI as a participant of one room. It keeps its own replica of the room's document (like
// Hocuspocus' DirectConnection, but with a Y.Doc of its own), so every character it writes
// carries the AI's clientID; updates flow both ways synchronously, and the room persists and
// fans out the AI's updates exactly as it does a person's. Its presence is AiPeerPresence, its
// conversation with the model ModelConversation; its runs wait in a RunQueue and execute one
// at a time, in request order, each as an AiTurn.
import * as Y from 'yjs';
import { uint32 } from 'lib0/random';
import { aiRunsOf, readRun, type AiRunStatus, type AiRunView } from '../../lib/ai/aiRuns.ts';
import type { RoomHandle } from '../collab/roomHandle.ts';
import type { ModelConnector } from './connector.ts';
import type { RunSlots } from './runSlots.ts';
import { AiPeerPresence } from './AiPeerPresence.ts';
import { AiTurn, type AiRunObserver } from './AiTurn.ts';
import { ModelConversation } from './ModelConversation.ts';
import { RunQueue, type AiRequest, type QueuedRun } from './RunQueue.ts';
import { RunRecord } from './RunRecord.ts';
import { endInterruptedRun, unfinishedRuns } from './orphanRuns.ts';
import { TypingWatch } from './typingWatch.ts';
import { aiOrigin } from '../../lib/origins.ts';
import { log } from '../log.ts';

export interface AiPeerSettings {
  contextTokens: number;
  maxQueued: number;
  /** The server-wide cap on runs executing at once (none: unlimited). */
  slots?: RunSlots;
  /** The room's document size limit: the AI's writes stop before it (default: none). */
  maxDocBytes?: number;
  observer?: AiRunObserver;
  /** The longest a hunk waits for someone typing in its lines (default MAX_HOLD_MS). */
  typingHoldMs?: number;
}

/** Origin of updates coming from the room into the replica (never relayed back). */
const FROM_ROOM = { kind: 'room-relay' } as const;

export class AiPeer {
  readonly doc = new Y.Doc();
  private readonly room: RoomHandle;
  private readonly connector: ModelConnector;
  private readonly settings: AiPeerSettings;
  private readonly presence: AiPeerPresence;
  private readonly typing: TypingWatch;
  private readonly queue: RunQueue;
  private conversation: ModelConversation;
  private active: AiTurn | null = null;
  private relaying = false;
  private destroyed = false;
  private destroying: Promise<void> | null = null;
  /** Called when the peer has nothing queued or running. */
  onIdle: () => void = () => {};

  constructor(room: RoomHandle, connector: ModelConnector, settings: AiPeerSettings) {
    this.room = room;
    this.connector = connector;
    this.settings = settings;
    this.conversation = new ModelConversation(connector, settings.contextTokens);
    this.queue = new RunQueue({
      maxQueued: settings.maxQueued,
      slots: settings.slots,
      execute: (run) => this.execute(run),
      stopped: () => this.destroyed || this.destroying !== null,
      onIdle: () => this.onIdle(),
    });
    Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(room.doc), FROM_ROOM);
    room.doc.on('update', this.onRoomUpdate);
    this.doc.on('update', this.onOwnUpdate);
    this.typing = new TypingWatch(this.doc, room.awareness, FROM_ROOM);
    this.presence = new AiPeerPresence(this.doc, room.awareness, () => ({ name: this.conversation.modelName, runId: this.active?.id ?? null }));
    this.presence.set('idle', null);
    this.adoptUnfinished();
  }

  /**
   * Runs a stopped process left in the thread (this room had no AI peer here): the running one
   * ends with its half-written hunk rolled back, the queued ones run here, in their order.
   */
  private adoptUnfinished(): void {
    const { running, queued } = unfinishedRuns(this.doc);
    for (const run of running) {
      endInterruptedRun(this.doc, run, uint32());
      log.warn('ai.run_interrupted', { room: this.room.id, run: run.id });
    }
    for (const run of queued) {
      const record = RunRecord.existing(this.doc, run.id);
      if (!record) continue;
      const { prompt, file, selection, requestedBy } = run;
      this.queue.add({ id: run.id, request: { prompt, file, selection, requestedBy }, record });
      log.info('ai.run_adopted', { room: this.room.id, run: run.id });
    }
    if (queued.length > 0) {
      this.presence.set('queued', queued[0].file);
      this.queue.start();
    }
  }

  private onRoomUpdate = (update: Uint8Array): void => {
    if (this.relaying || this.destroyed) return;
    Y.applyUpdate(this.doc, update, FROM_ROOM);
  };

  private onOwnUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === FROM_ROOM || this.destroyed) return;
    this.relaying = true;
    try {
      // The AI's own origin travels along, so room-side observers can tell AI writes apart.
      Y.applyUpdate(this.room.doc, update, origin);
    } finally {
      this.relaying = false;
    }
  };

  get awarenessId(): number {
    return this.presence.clientId;
  }

  /** Takes over a conversation warmed up before the peer existed (unless it has one). */
  adopt(warm: ModelConversation): void {
    if (this.conversation.isOpen || this.destroying) {
      warm.close();
      return;
    }
    this.conversation = warm;
  }

  /** Queued and running runs. */
  get load(): number {
    return this.queue.length + (this.active ? 1 : 0);
  }

  /** Runs waiting behind the one running. */
  get queued(): number {
    return this.queue.length;
  }

  get isIdle(): boolean {
    return this.load === 0 && !this.queue.pumpingNow;
  }

  enqueue(request: AiRequest): { runId: string; queuePosition: number } {
    if (this.destroying) throw new Error('the AI peer has left this room');
    const queuePosition = this.queue.nextPosition();
    const id = `r${Date.now().toString(36)}${uint32().toString(36)}`;
    const run = {
      id, prompt: request.prompt, file: request.file, selection: request.selection,
      requestedBy: request.requestedBy, createdAt: Date.now(), queuePosition,
    };
    // A run that starts at once is written into the thread together with its start, right
    // after its request has gone upstream (AiTurn); one that waits is written now.
    const startsNow = this.active === null && this.queue.startsNow;
    const record = startsNow ? RunRecord.prepare(this.doc, run) : RunRecord.create(this.doc, run);
    this.queue.add({ id, request, record });
    if (this.active) this.presence.set(this.active.hunkCount > 0 ? 'editing' : 'thinking', this.active.request.file);
    else if (!startsNow) this.presence.set('queued', request.file);
    this.queue.start();
    if (startsNow) {
      // The request could not leave at once (no live connection yet, HTTP): until it has, the
      // run is in the thread as queued, as every run is by the time its id is handed out.
      if (!record.written) record.write({});
      if (this.active?.id === id && !this.active.announced) this.presence.set('queued', request.file);
    }
    log.info('ai.queued', { room: this.room.id, run: id, position: queuePosition });
    return { runId: id, queuePosition };
  }

  /** Stops a run: a queued one leaves the queue, a running one is aborted at once. */
  cancel(runId: string, by: string): AiRunStatus | null {
    if (this.queue.cancel(runId, `cancelled by ${by} before it started`)) return 'cancelled';
    if (this.active?.id === runId) {
      this.active.cancel(by);
      return 'cancelled';
    }
    const run = aiRunsOf(this.doc).get(runId);
    return run ? (run.get('status') as AiRunStatus) : null;
  }

  /**
   * Steers the running run with a follow-up (redirect.ts). Null when there is no such run; a
   * string says why it cannot be steered.
   */
  steer(runId: string, request: AiRequest): { runId: string; queuePosition: null } | string | null {
    if (!aiRunsOf(this.doc).has(runId)) return null;
    if (this.active?.id !== runId) return 'the run is not running: steering reaches a run while it works (queue a follow-up, or ask again)';
    if (!this.active.redirect(request.prompt, request.requestedBy.name)) return 'the run is finishing or has taken its share of redirects';
    log.info('ai.redirected', { room: this.room.id, run: runId });
    return { runId, queuePosition: null };
  }

  /** Records in a run's thread entry the follow-up queued after it as run `queuedRunId`. */
  noteFollowUp(runId: string, request: AiRequest, queuedRunId: string): void {
    const record = aiRunsOf(this.doc).get(runId);
    if (!record) return;
    const entry = { prompt: request.prompt, by: request.requestedBy.name, at: Date.now(), mode: 'queue', runId: queuedRunId };
    this.doc.transact(() => record.set('redirects', [...readRun(record).redirects, entry]), aiOrigin(runId));
  }

  run(runId: string): AiRunView | null {
    const map = aiRunsOf(this.doc).get(runId);
    return map ? readRun(map) : null;
  }

  private async execute(run: QueuedRun): Promise<void> {
    const maxDocBytes = this.settings.maxDocBytes ?? Number.POSITIVE_INFINITY;
    const turn = new AiTurn(run, {
      doc: this.doc, roomId: this.room.id, connector: this.connector, conversation: this.conversation, presence: this.presence,
      canGrow: (bytes) => this.room.storedBytes + bytes <= maxDocBytes,
      observer: this.settings.observer,
      typing: { check: this.typing.typistIn, maxHoldMs: this.settings.typingHoldMs },
    });
    this.active = turn;
    const status = await turn.execute();
    this.active = null;
    const next = this.queue.head;
    if (next) this.presence.set('queued', next.request.file);
    else this.presence.set(status === 'error' ? 'error' : 'idle', null);
  }

  /** Aborts everything, removes the AI's presence and detaches from the room. Idempotent. */
  destroy(): Promise<void> {
    this.destroying ??= this.teardown();
    return this.destroying;
  }

  private async teardown(): Promise<void> {
    this.queue.cancelAll('the server stopped');
    if (this.active) this.cancel(this.active.id, 'the server');
    await this.queue.settled();
    this.destroyed = true;
    this.presence.leave();
    this.typing.destroy();
    this.room.doc.off('update', this.onRoomUpdate);
    this.doc.off('update', this.onOwnUpdate);
    this.conversation.close();
    this.doc.destroy();
  }
}
