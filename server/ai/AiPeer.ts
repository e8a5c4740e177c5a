// The AI as a participant of one room. Each of its peers (aiLane.ts) keeps its own replica of the
// room's document (like Hocuspocus' DirectConnection, but with a Y.Doc of its own), so every
// character it writes carries that run's clientID; updates flow both ways synchronously, and the
// room persists and fans out the AI's updates exactly as it does a person's. Its runs wait in a
// RunQueue and execute in request order, each as an AiTurn: runs on different files at once, up
// to runsAtOnce, each on a peer of its own (own presence, cursor, colour; its conversation a lane
// of the session's model connection where the provider has lanes); runs on one file one after
// the other.
import * as Y from 'yjs';
import { uint32 } from 'lib0/random';
import { aiRunsOf, readRun, type AiRunStatus, type AiRunView } from '../../lib/ai/aiRuns.ts';
import type { RoomHandle } from '../collab/roomHandle.ts';
import type { ModelConnector } from './connector.ts';
import type { RunSlots } from './runSlots.ts';
import type { AiPeerPresence } from './AiPeerPresence.ts';
import { AiLane } from './aiLane.ts';
import { AiTurn, type AiRunObserver } from './AiTurn.ts';
import { ModelConversation } from './ModelConversation.ts';
import { RunQueue, type AiRequest, type QueuedRun } from './RunQueue.ts';
import { RunRecord } from './RunRecord.ts';
import { endInterruptedRun, unfinishedRuns } from './orphanRuns.ts';
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
  /** Runs of this room executing at once, on different files (default 1). */
  runsAtOnce?: number;
}

/** Origin of updates coming from the room into the replica (never relayed back). */
const FROM_ROOM = { kind: 'room-relay' } as const;

export class AiPeer {
  private readonly room: RoomHandle;
  private readonly connector: ModelConnector;
  private readonly settings: AiPeerSettings;
  private readonly queue: RunQueue;
  /** The AI's peers: lane 0 always, more while runs on other files execute beside it. */
  private readonly lanes: AiLane[];
  /** The replica whose update the room is applying now (not applied back to it). */
  private relayingFrom: Y.Doc | null = null;
  private destroyed = false;
  private destroying: Promise<void> | null = null;
  /** Called when the peer has nothing queued or running. */
  onIdle: () => void = () => {};

  constructor(room: RoomHandle, connector: ModelConnector, settings: AiPeerSettings) {
    this.room = room;
    this.connector = connector;
    this.settings = settings;
    this.queue = new RunQueue({
      maxQueued: settings.maxQueued,
      slots: settings.slots,
      execute: (run) => this.execute(run),
      stopped: () => this.destroyed || this.destroying !== null,
      onIdle: () => this.onIdle(),
      maxRunning: settings.runsAtOnce ?? 1,
      // A run waits behind any run on its file (or without one: its targets are unknown).
      canStart: (request, running) => request.file !== null && running.every((r) => r.file !== null && r.file !== request.file),
    });
    this.lanes = [this.newLane(0, new ModelConversation(connector, settings.contextTokens))];
    room.doc.on('update', this.onRoomUpdate);
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
      const { prompt, file, selection, requestedBy, model } = run;
      this.queue.add({ id: run.id, request: { prompt, file, selection, requestedBy, ...(model ? { model } : {}) }, record });
      log.info('ai.run_adopted', { room: this.room.id, run: run.id });
    }
    if (queued.length > 0) {
      this.presence.set('queued', queued[0].file);
      this.queue.start();
    }
  }

  /** Lane 0's replica: the thread's records are written through it. */
  get doc(): Y.Doc {
    return this.lanes[0]!.doc;
  }

  private get presence(): AiPeerPresence {
    return this.lanes[0]!.presence;
  }

  private get conversation(): ModelConversation {
    return this.lanes[0]!.conversation;
  }

  private newLane(index: number, conversation: ModelConversation): AiLane {
    return new AiLane(index, this.room, FROM_ROOM, conversation, () => this.conversation.modelName, this.onOwnUpdate);
  }

  private onRoomUpdate = (update: Uint8Array): void => {
    if (this.destroyed) return;
    for (const lane of this.lanes) if (lane.doc !== this.relayingFrom) Y.applyUpdate(lane.doc, update, FROM_ROOM);
  };

  private onOwnUpdate = (update: Uint8Array, origin: unknown, doc: Y.Doc): void => {
    if (origin === FROM_ROOM || this.destroyed) return;
    this.relayingFrom = doc;
    try {
      // The AI's own origin travels along, so room-side observers can tell AI writes apart.
      Y.applyUpdate(this.room.doc, update, origin);
    } finally {
      this.relayingFrom = null;
    }
  };

  /** The runs executing now. */
  private get actives(): AiTurn[] {
    return this.lanes.flatMap((l) => (l.active ? [l.active] : []));
  }

  private activeRun(runId: string): AiTurn | null {
    return this.actives.find((t) => t.id === runId) ?? null;
  }

  get awarenessId(): number {
    return this.presence.clientId;
  }

  /** Takes over a conversation warmed up before the peer existed (unless it has one). */
  adopt(warm: ModelConversation): void {
    if (this.conversation.isOpen || this.destroying) {
      warm.close();
      return;
    }
    this.lanes[0]!.conversation = warm;
  }

  /** Queued and running runs. */
  get load(): number {
    return this.queue.length + this.actives.length;
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
      requestedBy: request.requestedBy, createdAt: Date.now(), queuePosition, ...(request.model ? { model: request.model } : {}),
    };
    // A run that starts at once is written into the thread together with its start, right
    // after its request has gone upstream (AiTurn); one that waits is written now.
    const startsNow = this.queue.startsNow(request);
    const record = startsNow ? RunRecord.prepare(this.doc, run) : RunRecord.create(this.doc, run);
    this.queue.add({ id, request, record });
    // A peer at work keeps its presence (and its cursor); an idle AI says it has work queued.
    if (!this.lanes[0]!.active && !startsNow) this.presence.set('queued', request.file);
    this.queue.start();
    if (startsNow) {
      // The request could not leave at once (no live connection yet, HTTP): until it has, the
      // run is in the thread as queued, as every run is by the time its id is handed out.
      if (!record.written) record.write({});
      const lane = this.lanes.find((l) => l.active?.id === id);
      if (lane && !lane.active!.announced) lane.presence.set('queued', request.file);
    }
    log.info('ai.queued', { room: this.room.id, run: id, position: queuePosition });
    return { runId: id, queuePosition };
  }

  /** Stops a run: a queued one leaves the queue, a running one is aborted at once. */
  cancel(runId: string, by: string): AiRunStatus | null {
    if (this.queue.cancel(runId, `cancelled by ${by} before it started`)) return 'cancelled';
    const active = this.activeRun(runId);
    if (active) {
      active.cancel(by);
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
    const active = this.activeRun(runId);
    if (!active) return 'the run is not running: steering reaches a run while it works (queue a follow-up, or ask again)';
    if (!active.redirect(request.prompt, request.requestedBy.name)) return 'the run is finishing or has taken its share of redirects';
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

  /** A free peer for a run: lane 0 when free, else a new one beside the runs executing. */
  private freeLane(): AiLane {
    const free = this.lanes.find((l) => !l.active);
    if (free) return free;
    const index = Math.max(...this.lanes.map((l) => l.index)) + 1;
    const lane = this.newLane(index, this.conversation.fork(`lane${index}`));
    this.lanes.push(lane);
    return lane;
  }

  private async execute(run: QueuedRun): Promise<void> {
    const maxDocBytes = this.settings.maxDocBytes ?? Number.POSITIVE_INFINITY;
    const lane = this.freeLane();
    const turn = new AiTurn(run, {
      doc: lane.doc, roomId: this.room.id, connector: this.connector, conversation: lane.conversation, presence: lane.presence,
      canGrow: (bytes) => this.room.storedBytes + bytes <= maxDocBytes,
      observer: this.settings.observer,
      typing: { check: lane.typing.typistIn, maxHoldMs: this.settings.typingHoldMs },
      color: lane.color,
    });
    lane.active = turn;
    const status = await turn.execute();
    lane.active = null;
    if (lane.index > 0) {
      // A peer beside lane 0 leaves with its run.
      this.lanes.splice(this.lanes.indexOf(lane), 1);
      lane.destroy();
      return;
    }
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
    for (const turn of this.actives) this.cancel(turn.id, 'the server');
    await this.queue.settled();
    this.destroyed = true;
    this.room.doc.off('update', this.onRoomUpdate);
    for (const lane of this.lanes.splice(0)) lane.destroy();
  }
}
