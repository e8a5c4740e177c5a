// The AI as a participant of one room. It keeps its own replica of the room's document (like
// Hocuspocus' DirectConnection, but with a Y.Doc of its own), so every character it writes
// carries the AI's clientID; updates flow both ways synchronously, and the room persists and
// fans out the AI's updates exactly as it does a person's. It also has its own awareness entry
// (name, colour, status, cursor at its edit point), renewed by y-protocols every 15 s so it
// never times out. Runs execute one at a time, in request order.
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { uint32 } from 'lib0/random';
import { ApplyPatchParser } from '../../lib/edits/applyPatchParser.ts';
import { SearchReplaceParser } from '../../lib/edits/searchReplaceParser.ts';
import { identitiesOf, readFiles } from '../../lib/schema.ts';
import { AI_COLOR, type AiAwarenessState, type AiPresenceStatus } from '../../lib/ai/aiAwareness.ts';
import { aiRunsOf, readRun, type AiRunStatus, type AiRunView, type AiSelection } from '../../lib/ai/schema.ts';
import type { RoomHandle } from '../collab/roomHandle.ts';
import type { ConversationItem, ModelSession, ProviderError, ProviderTarget, Usage } from './providers/types.ts';
import type { ModelConnector } from './connector.ts';
import { buildContext, CHARS_PER_TOKEN } from './context.ts';
import type { RunSlots, SlotWait } from './runSlots.ts';
import { EditApplier } from './EditApplier.ts';
import { instructionsFor, toolsFor } from './instructions.ts';
import { RunRecord } from './RunRecord.ts';
import { afterSend, startTurn } from './startedTurn.ts';
import { log } from '../log.ts';


export interface AiRequest {
  prompt: string;
  file: string | null;
  selection: AiSelection | null;
  requestedBy: { name: string; clientId?: number };
}

/** A model session warmed up (`generate: false`) with the workspace as it was then. */
export interface WarmSession {
  session: ModelSession;
  target: ProviderTarget;
  seen: Map<string, string>;
  /** Files the warm-up left out for budget. */
  unseen: Set<string>;
  chars: number;
}

export interface AiPeerSettings {
  contextTokens: number;
  maxQueued: number;
  /** The server-wide cap on runs executing at once (none: unlimited). */
  slots?: RunSlots;
  /** The room's document size limit: the AI's writes stop before it (default: none). */
  maxDocBytes?: number;
}

interface Queued {
  id: string;
  request: AiRequest;
  record: RunRecord;
}

interface Active extends Queued {
  controller: AbortController;
  applier: EditApplier;
  cancelledBy: string | null;
  /** Its start is in the thread and in the AI's presence ('thinking'). */
  announced: boolean;
}

/** Origin of updates coming from the room into the replica (never relayed back). */
const FROM_ROOM = { kind: 'room-relay' } as const;

export class AiPeer {
  readonly doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;
  private readonly room: RoomHandle;
  private readonly connector: ModelConnector;
  private readonly settings: AiPeerSettings;
  private readonly queue: Queued[] = [];
  private active: Active | null = null;
  private pumping: Promise<void> | null = null;
  /** The wait for a server-wide run slot, while the queue's head waits for one. */
  private slotWait: SlotWait | null = null;
  /** The queue head's place in the server's line for a slot (1 when it is next or not waiting). */
  private line = 1;
  private relaying = false;
  private destroyed = false;
  private destroying: Promise<void> | null = null;
  private session: ModelSession | null = null;
  private sessionTarget: ProviderTarget | null = null;
  /** Files as of the end of the AI's last successful turn (null: next turn sends everything). */
  private lastSeen: Map<string, string> | null = null;
  /** Files in lastSeen the model has not read in full (sent whole when they change). */
  private unseen = new Set<string>();
  private historyChars = 0;
  private previousOutcome: string | null = null;
  private pendingToolResults: ConversationItem[] = [];
  private modelName = 'AI';
  /** Called when the peer has nothing queued or running. */
  onIdle: () => void = () => {};

  constructor(room: RoomHandle, connector: ModelConnector, settings: AiPeerSettings) {
    this.room = room;
    this.connector = connector;
    this.settings = settings;
    Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(room.doc), FROM_ROOM);
    room.doc.on('update', this.onRoomUpdate);
    this.doc.on('update', this.onOwnUpdate);
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.on('update', this.onOwnAwareness);
    this.setPresence('idle', null);
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

  private onOwnAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }): void => {
    if (this.destroyed) return;
    const changed = [...added, ...updated, ...removed];
    awarenessProtocol.applyAwarenessUpdate(this.room.awareness, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed), this);
  };

  get clientId(): number {
    return this.doc.clientID;
  }

  get awarenessId(): number {
    return this.awareness.clientID;
  }

  /** Takes over a model session warmed up before the peer existed (unless it has one). */
  adopt(warm: WarmSession): void {
    if (this.session || this.destroying) {
      warm.session.close();
      return;
    }
    this.session = warm.session;
    this.sessionTarget = warm.target;
    this.lastSeen = warm.seen;
    this.unseen = warm.unseen;
    this.historyChars = warm.chars;
    this.modelName = warm.target.model;
  }

  /** Queued and running runs. */
  get load(): number {
    return this.queue.length + (this.active ? 1 : 0);
  }

  get isIdle(): boolean {
    return this.load === 0 && this.pumping === null;
  }

  enqueue(request: AiRequest): { runId: string; queuePosition: number } {
    if (this.destroying) throw new Error('the AI peer has left this room');
    if (this.queue.length >= this.settings.maxQueued) {
      throw new QueueFullError(this.settings.maxQueued);
    }
    const id = `r${Date.now().toString(36)}${uint32().toString(36)}`;
    const queuePosition = this.queue.length + 1;
    const run = {
      id, prompt: request.prompt, file: request.file, selection: request.selection,
      requestedBy: request.requestedBy, createdAt: Date.now(), queuePosition,
    };
    // A run that starts at once is written into the thread together with its start, right
    // after its request has gone upstream (execute); one that waits is written now.
    const startsNow = this.active === null && this.pumping === null && this.queue.length === 0 && (this.settings.slots?.free ?? true);
    const record = startsNow ? RunRecord.prepare(this.doc, run) : RunRecord.create(this.doc, run);
    this.queue.push({ id, request, record });
    if (this.active) this.setPresence(this.active.applier.hunkCount > 0 ? 'editing' : 'thinking', this.active.request.file);
    else if (!startsNow) this.setPresence('queued', request.file);
    this.pumping ??= this.pump();
    if (startsNow) {
      // The request could not leave at once (no live connection yet, HTTP): until it has, the
      // run is in the thread as queued, as every run is by the time its id is handed out.
      if (!record.written) record.write({});
      if (this.active?.id === id && !this.active.announced) this.setPresence('queued', request.file);
    }
    log.info('ai.queued', { room: this.room.id, run: id, position: queuePosition });
    return { runId: id, queuePosition };
  }

  /** Stops a run: a queued one leaves the queue, a running one is aborted at once. */
  cancel(runId: string, by: string): AiRunStatus | null {
    const queued = this.queue.findIndex((q) => q.id === runId);
    if (queued >= 0) {
      const [q] = this.queue.splice(queued, 1);
      q.record.set({ status: 'cancelled', queuePosition: null, finishedAt: Date.now(), error: { code: 'cancelled', message: `cancelled by ${by} before it started` } });
      // Nothing left to wait for: leave the server's line for a run slot.
      if (this.queue.length === 0) this.slotWait?.cancel();
      this.renumber();
      return 'cancelled';
    }
    if (this.active?.id === runId) {
      const a = this.active;
      if (a.controller.signal.aborted) return 'cancelled';
      a.cancelledBy = by;
      a.controller.abort();
      // Roll back the hunk in progress now, not when the provider's stream winds down.
      a.applier.rollback(`stopped by ${by}`);
      return 'cancelled';
    }
    const run = aiRunsOf(this.doc).get(runId);
    return run ? (run.get('status') as AiRunStatus) : null;
  }

  run(runId: string): AiRunView | null {
    const map = aiRunsOf(this.doc).get(runId);
    return map ? readRun(map) : null;
  }

  private renumber(): void {
    this.queue.forEach((q, i) => q.record.set({ queuePosition: this.line + i }));
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length > 0 && !this.destroyed && !this.destroying) {
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
          if (this.queue.length === 0 || this.destroyed || this.destroying) break;
          const next = this.queue.shift()!;
          this.renumber();
          await this.execute(next);
        } finally {
          release();
        }
      }
    } finally {
      this.pumping = null;
      if (!this.destroying) {
        if (this.queue.length > 0) this.pumping = this.pump();
        else this.onIdle();
      }
    }
  }

  private setPresence(status: AiPresenceStatus, file: string | null, cursor?: { text: Y.Text; index: number }): void {
    if (this.destroyed) return;
    // The shape y-monaco publishes and reads back: every field present, null when absent.
    // (relativePositionToJSON drops null fields, and y-monaco's renderer then dereferences an
    // undefined `item` for a caret at the end of a file, throwing in every browser.)
    const selection = cursor
      ? (() => {
          const rel = Y.createRelativePositionFromTypeIndex(cursor.text, cursor.index, 0);
          const json = { type: rel.type, tname: rel.tname, item: rel.item, assoc: rel.assoc };
          return { anchor: json, head: json };
        })()
      : null;
    const state: AiAwarenessState = {
      user: { name: this.modelName, color: AI_COLOR, colorLight: `${AI_COLOR}33` },
      role: 'edit',
      kind: 'ai',
      status,
      runId: this.active?.id ?? null,
      file,
      selection,
    };
    this.awareness.setLocalState(state as unknown as Record<string, unknown>);
  }

  private async execute(q: Queued): Promise<void> {
    const { record, request } = q;
    const controller = new AbortController();
    const maxDocBytes = this.settings.maxDocBytes ?? Number.POSITIVE_INFINITY;
    const applier = new EditApplier(this.doc, record, {
      canGrow: (bytes) => this.room.storedBytes + bytes <= maxDocBytes,
      // Text a rollback restores is written under a clientID of its own, not the run's.
      restoreClientId: () => uint32(),
    });
    const active: Active = { ...q, controller, applier, cancelledBy: null, announced: false };
    this.active = active;
    const started = Date.now();
    let firstTokenAt: number | null = null;
    let approxTokens = 0;
    let usage: Usage | null = null;
    let failure: ProviderError | null = null;
    let status: AiRunStatus = 'thinking';
    // With the model already detected, the request goes upstream before any thread write
    // (below); otherwise detection may take a while and the thread says 'thinking' meanwhile.
    const known = this.connector.peek?.() ?? null;
    if (!known) record.set({ status: 'thinking', queuePosition: null, startedAt: started });

    try {
      const detection = known ?? (await this.connector.detect());
      if (detection.status !== 'ready') {
        failure = { code: 'unreachable', message: detection.message, retryable: false };
        return;
      }
      const target = detection.target;
      if (!this.session || this.sessionTarget?.model !== target.model || this.sessionTarget.baseUrl !== target.baseUrl) {
        this.session?.close();
        this.session = this.connector.open(target);
        this.sessionTarget = target;
        this.lastSeen = null;
        this.historyChars = 0;
      }
      const session = this.session;
      this.modelName = target.model;

      const files = readFiles(this.doc);
      if (this.historyChars > this.settings.contextTokens * CHARS_PER_TOKEN * 2) {
        session.resetHistory();
        this.lastSeen = null;
        this.historyChars = 0;
      }
      const context = buildContext({
        prompt: request.prompt, files, activeFile: request.file, selection: request.selection,
        budgetTokens: this.settings.contextTokens, lastSeen: this.lastSeen, unseen: this.unseen,
        previousOutcome: session.kind === 'chat' ? this.previousOutcome : null, requestedBy: request.requestedBy.name,
      });
      const input: ConversationItem[] = [...this.pendingToolResults, { type: 'message', role: 'user', text: context.text }];
      this.pendingToolResults = [];
      this.historyChars += context.text.length;

      applier.onCursor = (file, text, index) => {
        if (controller.signal.aborted) return;
        if (status !== 'editing') {
          status = 'editing';
          record.set({ status: 'editing' });
        }
        this.setPresence('editing', file, { text, index });
      };
      const patchParsers = new Map<string, ApplyPatchParser>();
      const srParser = session.kind === 'chat' ? new SearchReplaceParser() : null;
      const toolCalls: string[] = [];
      const feedSr = (events: ReturnType<SearchReplaceParser['push']>) => {
        for (const e of events) {
          if (e.type === 'text') record.appendExplanation(`${e.text}\n`);
          else applier.onSearchReplace(e);
        }
      };

      let sent = false;
      const turn = startTurn(session.turn(
        { instructions: instructionsFor(session.kind), input, tools: toolsFor(session.kind) },
        { signal: controller.signal, onSent: () => void (sent = true) },
      ));
      // The model reads the files as they are now (same tick as readFiles above, and after the
      // request left, so the snapshot costs nothing on the first token): its edits apply
      // against this state.
      applier.readAt(files);
      // Over a live WebSocket the request has left by now; otherwise it leaves once this turn
      // of the event loop has run its I/O.
      if (!sent) await afterSend();
      // The request is upstream; the run's bookkeeping is done while the model starts, in one
      // transaction (which also writes the run's thread entry when it started at once), and
      // before any event is read (events wait in the turn meanwhile).
      // A clientID per run: authorship of every character names the run that wrote it.
      try {
        this.doc.clientID = uint32();
        this.doc.transact(() => {
          identitiesOf(this.doc).set(String(this.doc.clientID), { kind: 'ai', name: target.model, color: AI_COLOR, runId: q.id, model: target.model });
          record.set({
            status: 'thinking', queuePosition: null, startedAt: started, model: target.model, provider: target.label, aiClientId: this.doc.clientID,
            ...(context.truncated ? { truncated: context.truncated } : {}),
          });
        }, record.origin);
        active.announced = true;
        this.setPresence('thinking', request.file);
      } catch (err) {
        await turn[Symbol.asyncIterator]().return?.();
        throw err;
      }

      for await (const event of turn) {
        if (controller.signal.aborted) break;
        if (applier.fatal) {
          // Nothing more can be written: stop the upstream rather than pay for ignored output.
          controller.abort();
          break;
        }
        if ((event.type === 'text' || event.type === 'tool_input') && firstTokenAt === null) firstTokenAt = Date.now();
        switch (event.type) {
          case 'text':
            approxTokens += Math.max(1, Math.round(event.delta.length / CHARS_PER_TOKEN));
            if (srParser) feedSr(srParser.push(event.delta));
            else record.appendExplanation(event.delta);
            break;
          case 'tool_call_start':
            toolCalls.push(event.callId);
            if (event.name === 'apply_patch') patchParsers.set(event.callId, new ApplyPatchParser());
            break;
          case 'tool_input': {
            approxTokens += Math.max(1, Math.round(event.delta.length / CHARS_PER_TOKEN));
            const parser = patchParsers.get(event.callId);
            if (parser) for (const e of parser.push(event.delta)) applier.onPatch(e);
            break;
          }
          case 'tool_call_done': {
            if (!toolCalls.includes(event.callId)) toolCalls.push(event.callId);
            if (!patchParsers.has(event.callId) && event.name === 'apply_patch') {
              // Input delivered whole (no deltas): parse it now.
              const parser = new ApplyPatchParser();
              for (const e of parser.push(event.input)) applier.onPatch(e);
              patchParsers.set(event.callId, parser);
            }
            break;
          }
          case 'completed':
            // Only a completed response makes the last line of an edit final: a failed one may
            // still close its tool call, and that cut-off line must not be applied.
            usage = event.usage;
            for (const parser of patchParsers.values()) for (const e of parser.finish()) applier.onPatch(e);
            if (srParser) feedSr(srParser.finish());
            break;
          case 'error':
            failure = event.error;
            break;
        }
      }
      if (applier.fatal) failure = { code: 'document_too_large' as ProviderError['code'], message: applier.fatal.message, retryable: false };
      if (controller.signal.aborted && !applier.fatal) return;
      if (!failure) {
        applier.finish();
        const outcome = applier.summary();
        this.previousOutcome = outcome;
        for (const callId of toolCalls) {
          this.pendingToolResults.push({ type: 'tool_result', callId, output: outcome ?? `applied ${applier.hunkCount} change(s)` });
        }
        this.lastSeen = seenAfterTurn(files, readFiles(this.doc), record.view().hunks.filter((h) => h.status === 'applied').map((h) => h.file));
        this.unseen = context.unseen;
      }
    } catch (err) {
      log.error('ai.run_failed', err, { room: this.room.id, run: q.id });
      failure = { code: 'server_error', message: 'the AI run failed inside Tandem', retryable: false };
    } finally {
      this.finishRun(active, { started, firstTokenAt, approxTokens, usage, failure });
    }
  }

  private finishRun(
    a: Active,
    r: { started: number; firstTokenAt: number | null; approxTokens: number; usage: Usage | null; failure: ProviderError | null },
  ): void {
    const now = Date.now();
    const tokens = r.usage?.outputTokens || r.approxTokens;
    const streamMs = r.firstTokenAt === null ? 0 : now - r.firstTokenAt;
    const metrics = {
      ttftMs: r.firstTokenAt === null ? null : r.firstTokenAt - r.started,
      tokens,
      tokensPerSec: streamMs > 0 ? Math.round((tokens * 1000) / streamMs) : null,
      durationMs: now - r.started,
    };
    let status: AiRunStatus;
    let error: { code: string; message: string } | null = null;
    if (a.controller.signal.aborted && !a.applier.fatal) {
      a.applier.rollback(`stopped by ${a.cancelledBy ?? 'someone'}`);
      status = 'cancelled';
      error = { code: 'cancelled', message: `stopped by ${a.cancelledBy ?? 'someone'}` };
    } else if (r.failure) {
      a.applier.rollback(r.failure.message);
      status = 'error';
      error = { code: r.failure.code, message: r.failure.message };
    } else if (a.applier.parseError) {
      status = 'error';
      error = { code: 'malformed_edit', message: a.applier.parseError };
    } else {
      status = 'done';
    }
    if (status !== 'done') {
      // The conversation may now hold a turn the upstream never finished: start afresh next time.
      this.session?.resetHistory();
      this.lastSeen = null;
      this.historyChars = 0;
      this.pendingToolResults = [];
    }
    a.record.set({ status, finishedAt: now, metrics, error, queuePosition: null });
    a.record.dispose();
    this.active = null;
    log.info('ai.finished', { room: this.room.id, run: a.id, status, code: error?.code, tokens, ms: metrics.durationMs });
    if (this.queue.length > 0) this.setPresence('queued', this.queue[0].request.file);
    else this.setPresence(status === 'error' ? 'error' : 'idle', null);
  }

  /** Aborts everything, removes the AI's presence and detaches from the room. Idempotent. */
  destroy(): Promise<void> {
    this.destroying ??= this.teardown();
    return this.destroying;
  }

  private async teardown(): Promise<void> {
    this.slotWait?.cancel();
    for (const q of this.queue.splice(0)) {
      q.record.set({ status: 'cancelled', queuePosition: null, finishedAt: Date.now(), error: { code: 'cancelled', message: 'the server stopped' } });
    }
    if (this.active) this.cancel(this.active.id, 'the server');
    await this.pumping;
    this.destroyed = true;
    awarenessProtocol.removeAwarenessStates(this.room.awareness, [this.awareness.clientID], 'ai-left');
    this.awareness.destroy();
    this.room.doc.off('update', this.onRoomUpdate);
    this.doc.off('update', this.onOwnUpdate);
    this.session?.close();
    this.doc.destroy();
  }
}

export class QueueFullError extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`the AI already has ${limit} requests waiting in this session; wait for some to finish or stop one`);
    this.limit = limit;
  }
}

/**
 * What the model now takes each file to be: the text it was sent for files it did not edit (so
 * that people's typing during the run is reported next turn), the text after the run for the
 * files it edited (its edits, and whatever people typed there meanwhile).
 */
function seenAfterTurn(sent: Record<string, string>, after: Record<string, string>, edited: string[]): Map<string, string> {
  const seen = new Map(Object.entries(sent));
  for (const path of edited) {
    if (path in after) seen.set(path, after[path]);
    else seen.delete(path);
  }
  return seen;
}
