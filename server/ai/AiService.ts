// The control plane of the AI: one AiPeer per room that has asked for something, rate limits
// per person and per room, and the provider status shown by the panel. A peer holds its room
// loaded while it has work, and lets go (leaving the room's presence) after it has been idle.
import type { RoomSource } from '../collab/roomHandle.ts';
import { readRun, aiRunsOf, type AiRunStatus, type AiRunView } from '../../lib/ai/aiRuns.ts';
import type { AiConfig } from './aiConfigTypes.ts';
import { HOW_TO_CONNECT } from './providers/detect.ts';
import { AiPeer } from './AiPeer.ts';
import { unfinishedRuns } from './orphanRuns.ts';
import { ModelConversation } from './ModelConversation.ts';
import type { AiRunObserver } from './AiTurn.ts';
import type { AiRequest } from './RunQueue.ts';
import { AiError } from './aiError.ts';
import { readFiles } from '../../lib/schema.ts';
import type { ModelConnector } from './connector.ts';
import { RunSlots } from './runSlots.ts';
import { RateLimiter } from '../access/rateLimit.ts';
import { log } from '../log.ts';
import type { AiProviderStatus } from '../../lib/api.ts';

export interface AiSettings {
  provider: AiConfig;
  /** Requests per person per window. */
  ratePerPerson: number;
  /** Requests per room per window. */
  ratePerRoom: number;
  rateWindowMs: number;
  /** Runs waiting per room (beyond the one running). */
  maxQueued: number;
  /** How long an idle AI peer stays in its room before leaving. */
  peerIdleMs: number;
  /** Runs executing at once across every session (TANDEM_AI_MAX_RUNNING); more wait in line. */
  maxRunning: number;
  /** The longest a hunk waits for someone typing in its lines (TANDEM_AI_TYPING_HOLD_MS). */
  typingHoldMs: number;
  /** Runs of one session executing at once, on different files (TANDEM_AI_RUNS_PER_SESSION). */
  runsPerSession: number;
}

export type ProviderStatus = AiProviderStatus;

interface PeerEntry {
  peer: AiPeer;
  release(): void;
  idleTimer: NodeJS.Timeout | null;
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export class AiService {
  private readonly rooms: RoomSource;
  private readonly connector: ModelConnector;
  private readonly settings: AiSettings;
  private readonly peers = new Map<string, Promise<PeerEntry>>();
  private readonly perPerson: RateLimiter;
  private readonly perRoom: RateLimiter;
  private closed = false;
  private readonly slots: RunSlots;
  /** Every AI peer in a room now. */
  private readonly live = new Set<AiPeer>();
  /** Sessions warmed up when a room opened, waiting for the room's first request. */
  private readonly warm = new Map<string, Promise<ModelConversation | null>>();

  private readonly observer: AiRunObserver | undefined;

  constructor(rooms: RoomSource, connector: ModelConnector, settings: AiSettings, observer?: AiRunObserver) {
    this.observer = observer;
    this.rooms = rooms;
    this.connector = connector;
    this.settings = settings;
    // Only editors can ask: a viewer joining costs nothing upstream (the warm-up sends the
    // workspace to the model on the operator's key).
    rooms.onJoined((id, role) => {
      if (role === 'edit') this.warmUp(id);
      this.adoptIfUnfinished(id).catch((err) => log.error('ai.adopt_failed', err, { room: id }));
    });
    this.perPerson = new RateLimiter(settings.ratePerPerson, settings.rateWindowMs);
    this.perRoom = new RateLimiter(settings.ratePerRoom, settings.rateWindowMs);
    this.slots = new RunSlots(settings.maxRunning);
  }

  /** Runs waiting for their turn, over every session. */
  get queuedRuns(): number {
    let n = 0;
    for (const peer of this.live) n += peer.queued;
    return n;
  }

  async status(): Promise<ProviderStatus> {
    const d = await this.connector.detect();
    if (d.status === 'ready') {
      return { configured: true, provider: d.target.label, model: d.target.model, models: this.offered(d.target.model), kind: d.target.kind, transport: d.target.transport, help: null };
    }
    return { configured: false, provider: null, model: null, kind: null, transport: null, help: d.status === 'error' ? `${d.message}\n\n${HOW_TO_CONNECT}` : d.message };
  }

  /** Throws AiError (with retry-after) when the person or the session has asked too often. */
  private checkLimits(sessionId: string, personKey: string): void {
    const person = this.perPerson.check(`${sessionId}:${personKey}`);
    if (!person.ok) {
      throw new AiError('rate_limited',
        `you have asked the AI ${this.settings.ratePerPerson} times in the last ${seconds(this.settings.rateWindowMs)} s; try again in ${seconds(person.retryAfterMs)} s`,
        person.retryAfterMs);
    }
    const room = this.perRoom.check(sessionId);
    if (!room.ok) {
      throw new AiError('rate_limited',
        `this session has asked the AI ${this.settings.ratePerRoom} times in the last ${seconds(this.settings.rateWindowMs)} s; try again in ${seconds(room.retryAfterMs)} s`,
        room.retryAfterMs);
    }
  }

  private recordAsk(sessionId: string, personKey: string): void {
    this.perPerson.record(`${sessionId}:${personKey}`);
    this.perRoom.record(sessionId);
  }

  /** Queues a request; throws AiError (with retry-after when a rate limit is hit). */
  /** The models people may ask for: the default first, then TANDEM_AI_MODELS. */
  private offered(defaultModel: string | null): string[] {
    return [...new Set([...(defaultModel ? [defaultModel] : []), ...this.settings.provider.models])];
  }

  /** The request with its model checked against those offered (the default one dropped). */
  private async withModel(request: AiRequest): Promise<AiRequest> {
    if (request.model === undefined) return request;
    const d = await this.connector.detect();
    const offered = this.offered(d.status === 'ready' ? d.target.model : null);
    if (!offered.includes(request.model)) {
      throw new AiError('unknown_model', `no model ${JSON.stringify(request.model.slice(0, 128))} here; this server offers ${offered.map((m) => JSON.stringify(m)).join(', ') || 'none'}`);
    }
    if (request.model !== offered[0]) return request;
    const { model: _default, ...rest } = request;
    return rest;
  }

  async request(sessionId: string, personKey: string, asked: AiRequest): Promise<{ runId: string; queuePosition: number; status: AiRunStatus }> {
    if (this.closed) throw new AiError('shutting_down', 'the server is shutting down');
    const request = await this.withModel(asked);
    this.checkLimits(sessionId, personKey);
    const entry = await this.peerFor(sessionId);
    if (entry.idleTimer) {
      clearTimeout(entry.idleTimer);
      entry.idleTimer = null;
    }
    let queued: { runId: string; queuePosition: number };
    try {
      queued = entry.peer.enqueue(request);
    } catch (err) {
      if (entry.peer.isIdle) this.scheduleIdle(sessionId, entry);
      throw err;
    }
    this.recordAsk(sessionId, personKey);
    // Position 1 means "next": the run starts at once when nothing else is running.
    const run = entry.peer.run(queued.runId);
    return { ...queued, status: run?.status ?? 'queued' };
  }

  /** A run as recorded in the document (the live peer's, or the stored document's). */
  async run(sessionId: string, runId: string): Promise<AiRunView | null> {
    const live = this.peers.get(sessionId);
    if (live) return (await live).peer.run(runId);
    return this.rooms.withDoc(sessionId, (doc) => {
      const map = aiRunsOf(doc).get(runId);
      return map ? readRun(map) : null;
    });
  }

  /**
   * A follow-up to run `runId`, which the caller found in the thread (AiPeer.steer): counts
   * against the same limits as asking. Null when the live peer has no such run; throws AiError
   * when it cannot be steered.
   */
  async redirect(sessionId: string, personKey: string, runId: string, request: AiRequest, mode: 'steer' | 'queue'): Promise<{ runId: string; queuePosition: number | null } | null> {
    const live = this.peers.get(sessionId);
    if (mode === 'queue') {
      const queued = await this.request(sessionId, personKey, request);
      (await this.peers.get(sessionId))?.peer.noteFollowUp(runId, request, queued.runId);
      return queued;
    }
    if (!live) throw new AiError('run_not_running', 'the run is not running: steering reaches a run while it works');
    this.checkLimits(sessionId, personKey);
    const outcome = (await live).peer.steer(runId, request);
    if (typeof outcome === 'string') throw new AiError('run_not_running', outcome);
    if (outcome) this.recordAsk(sessionId, personKey);
    return outcome;
  }

  async cancel(sessionId: string, runId: string, by: string): Promise<AiRunStatus | null> {
    const live = this.peers.get(sessionId);
    if (live) return (await live).peer.cancel(runId, by);
    const run = await this.run(sessionId, runId);
    return run?.status ?? null;
  }

  /**
   * Opens the model connection for a room someone just joined and sends the workspace as a
   * `generate: false` warm-up, so that the first request only adds itself and chains from it.
   * Unused, it is closed after peerIdleMs.
   */
  private warmUp(sessionId: string): void {
    if (this.closed || this.peers.has(sessionId) || this.warm.has(sessionId)) return;
    const warming = (async (): Promise<ModelConversation | null> => {
      const d = await this.connector.detect();
      if (d.status !== 'ready' || this.closed) return null;
      const files = await this.rooms.withDoc(sessionId, readFiles);
      const conversation = new ModelConversation(this.connector, this.settings.provider.contextTokens);
      const error = await conversation.warmUp(d.target, files);
      if (error) {
        log.warn('ai.warmup_failed', { room: sessionId, code: error.code });
        conversation.close();
        return null;
      }
      log.info('ai.warmed_up', { room: sessionId });
      return conversation;
    })().catch((err) => {
      log.error('ai.warmup_failed', err, { room: sessionId });
      return null;
    });
    this.warm.set(sessionId, warming);
    const timer = setTimeout(() => {
      if (this.warm.get(sessionId) !== warming) return;
      this.warm.delete(sessionId);
      void warming.then((w) => w?.close());
    }, this.settings.peerIdleMs);
    timer.unref();
  }

  private peerFor(sessionId: string): Promise<PeerEntry> {
    let entry = this.peers.get(sessionId);
    if (!entry) {
      entry = (async () => {
        const held = await this.rooms.hold(sessionId);
        const warming = this.warm.get(sessionId);
        this.warm.delete(sessionId);
        const warm = warming ? await warming : null;
        const peer = new AiPeer(held.room, this.connector, { contextTokens: this.settings.provider.contextTokens, maxQueued: this.settings.maxQueued, maxDocBytes: this.rooms.maxDocBytes, slots: this.slots, observer: this.observer, typingHoldMs: this.settings.typingHoldMs, runsAtOnce: this.settings.runsPerSession });
        this.live.add(peer);
        if (warm) peer.adopt(warm);
        const e: PeerEntry = { peer, release: held.release, idleTimer: null };
        peer.onIdle = () => this.scheduleIdle(sessionId, e);
        log.info('ai.peer_joined', { room: sessionId, client: peer.awarenessId });
        return e;
      })();
      this.peers.set(sessionId, entry);
      entry.catch(() => this.peers.delete(sessionId));
    }
    return entry;
  }

  /**
   * A room that loads holding runs a stopped process left unfinished (a node that died, a killed
   * server) gets its AI peer at once: it ends the one that was running and runs the queued ones.
   */
  private async adoptIfUnfinished(sessionId: string): Promise<void> {
    if (this.closed || this.peers.has(sessionId)) return;
    const unfinished = await this.rooms.withDoc(sessionId, (doc) => {
      const { running, queued } = unfinishedRuns(doc);
      return running.length + queued.length;
    });
    if (unfinished === 0 || this.closed || this.peers.has(sessionId)) return;
    const entry = await this.peerFor(sessionId);
    if (entry.peer.isIdle) this.scheduleIdle(sessionId, entry);
  }

  private scheduleIdle(sessionId: string, entry: PeerEntry): void {
    if (entry.idleTimer || this.closed) return;
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = null;
      if (!entry.peer.isIdle) return;
      this.peers.delete(sessionId);
      this.live.delete(entry.peer);
      void entry.peer.destroy().finally(() => entry.release());
      log.info('ai.peer_left', { room: sessionId });
    }, this.settings.peerIdleMs);
    entry.idleTimer.unref();
  }

  /** Stops every run (rolling back hunks in progress) and leaves every room. */
  async shutdown(): Promise<void> {
    this.closed = true;
    const warm = Array.from(this.warm.values());
    this.warm.clear();
    for (const w of await Promise.all(warm)) w?.close();
    const entries = await Promise.allSettled(Array.from(this.peers.values()));
    this.peers.clear();
    this.live.clear();
    await Promise.all(entries.map(async (r) => {
      if (r.status !== 'fulfilled') return;
      if (r.value.idleTimer) clearTimeout(r.value.idleTimer);
      await r.value.peer.destroy();
      r.value.release();
    }));
  }
}
