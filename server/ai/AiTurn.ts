// One AI run from its start to its end: finds the model, sends the turn (ModelConversation),
// writes the run's start into the thread while the model starts, and turns the provider's
// stream events into placed hunks through the EditApplier: apply_patch tool input through the
// patch parser, SEARCH/REPLACE blocks in the text through their parser, the rest of the text
// into the run's explanation. Its end (done, error, cancelled, with metrics) is written last.
import * as Y from 'yjs';
import { uint32 } from 'lib0/random';
import { identitiesOf, readFiles } from '../../lib/schema.ts';
import { AI_COLOR } from '../../lib/ai/aiAwareness.ts';
import type { AiMetrics, AiRunStatus } from '../../lib/ai/aiRuns.ts';
import type { ProviderError, ProviderTarget } from './providers/types.ts';
import type { ModelConnector } from './connector.ts';
import type { Detection } from './providers/detect.ts';
import { EditApplier } from './EditApplier.ts';
import { seenAfterTurn, type ModelConversation, type SentTurn } from './ModelConversation.ts';
import type { AiPeerPresence } from './AiPeerPresence.ts';
import type { QueuedRun } from './RunQueue.ts';
import { afterSend } from './startedTurn.ts';
import type { TypingPolicy } from './typingWatch.ts';
import { continuationPrompt, MAX_REDIRECTS, steerInput } from './redirect.ts';
import { runEnd, runMetrics } from './runOutcome.ts';
import { TurnOutput } from './turnOutput.ts';
import type { AiRedirect } from '../../lib/ai/aiRuns.ts';
import { log } from '../log.ts';

/** What a turn works with: the AI's replica and the peer's connection, conversation and presence. */
export interface TurnDeps {
  doc: Y.Doc;
  roomId: string;
  connector: ModelConnector;
  conversation: ModelConversation;
  presence: AiPeerPresence;
  /** Whether the room's document may grow by about this many bytes (its size limit). */
  canGrow: (bytes: number) => boolean;
  /** Told how each run ended (the server's metrics). */
  observer?: AiRunObserver;
  /** Who types where: hunks wait while a person types in their lines. */
  typing?: TypingPolicy;
  /** The colour of the AI peer running it (its authorship); default AI_COLOR. */
  color?: string;
}

/** Someone who counts runs: how each ended, and its speed. */
export interface AiRunObserver {
  runFinished(status: AiRunStatus, metrics: AiMetrics, errorCode: string | null): void;
}

export class AiTurn {
  readonly id: string;
  private readonly run: QueuedRun;
  private readonly deps: TurnDeps;
  private readonly controller = new AbortController();
  /** The request upstream now: a redirect ends it (and the run goes on); cancel ends both. */
  private attempt = new AbortController();
  /** Redirects not yet sent to the model, and all of them (the thread's record). */
  private pendingRedirects: AiRedirect[] = [];
  private redirects: AiRedirect[] = [];
  /** The turn in flight, and whether a redirect steers it (its output waits for the successor). */
  private current: SentTurn | null = null;
  private steering = false;
  private steerSettled: Promise<void> = Promise.resolve();
  private readonly applier: EditApplier;
  private cancelledBy: string | null = null;
  /** Its start is in the thread and in the AI's presence ('thinking'). */
  private started = false;
  private readonly startedAt = Date.now();
  private status: AiRunStatus = 'thinking';
  private firstTokenAt: number | null = null;
  private failure: ProviderError | null = null;
  private readonly output: TurnOutput;
  /** A hunk of this run waited for someone typing (the thread said so). */
  private waited = false;
  /** Past its last turn: redirects are refused (the run is finishing). */
  private ending = false;

  constructor(run: QueuedRun, deps: TurnDeps) {
    this.id = run.id;
    this.run = run;
    this.deps = deps;
    this.applier = new EditApplier(deps.doc, run.record, {
      canGrow: deps.canGrow,
      // Text a rollback restores is written under a clientID of its own, not the run's.
      restoreClientId: () => uint32(),
      typing: deps.typing,
      // The thread says whom the hunk waits for ("waiting for Ada to finish this line").
      onHold: (typist) => {
        if (this.controller.signal.aborted) return;
        this.waited = true;
        run.record.set({ waitingFor: typist ? typist.name : null });
      },
    });
    this.output = new TurnOutput(this.applier, run.record);
  }

  get request(): QueuedRun['request'] {
    return this.run.request;
  }

  get announced(): boolean {
    return this.started;
  }

  get hunkCount(): number {
    return this.applier.hunkCount;
  }

  /** Aborts the turn at once and rolls back the hunk in progress. */
  cancel(by: string): void {
    if (this.controller.signal.aborted) return;
    this.cancelledBy = by;
    this.controller.abort();
    // Roll back the hunk in progress now, not when the provider's stream winds down.
    this.applier.rollback(`stopped by ${by}`);
  }

  /**
   * Steers the run (redirect.ts): false when it has ended or took its share of redirects. The
   * thread shows the redirect at once; the request upstream ends now, the hunk in progress is
   * rolled back, and the run goes on with a chained turn.
   */
  redirect(prompt: string, by: string): boolean {
    if (this.controller.signal.aborted || this.ending || this.redirects.length >= MAX_REDIRECTS) return false;
    const r: AiRedirect = { prompt, by, at: Date.now(), mode: 'steer' };
    this.redirects.push(r);
    this.run.record.set({ redirects: [...this.redirects] });
    const steer = this.current?.steer;
    const fallBack = () => {
      this.pendingRedirects.push(r);
      this.attempt.abort();
    };
    if (!steer || this.steering || this.pendingRedirects.length > 0) {
      fallBack();
      return true;
    }
    // The response in flight takes the instruction: what it writes until its successor starts
    // (the `steered` event) is dropped; refused or lost, the run goes on with a chained turn.
    this.steering = true;
    this.applier.rollback(`redirected by ${by}`);
    this.output.drop();
    // (One steer at a time: while one is unsettled, further redirects take the chained turn.)
    this.steerSettled = steer(steerInput(r)).then((outcome) => {
      if (outcome === 'committed') return;
      fallBack();
      this.steering = false;
    });
    return true;
  }

  /** Runs the turn to its end and writes that end into the thread; returns the run's status. */
  async execute(): Promise<AiRunStatus> {
    try {
      await this.steps();
    } catch (err) {
      log.error('ai.run_failed', err, { room: this.deps.roomId, run: this.id });
      this.failure = { code: 'server_error', message: 'the AI run failed inside Tandem', retryable: false };
    }
    return this.finish();
  }

  // The steps up to the first event do not await unless they must (detection, an HTTP request
  // still leaving): a run that starts at once has its request upstream, and its start written,
  // by the time enqueue() returns.
  private async steps(): Promise<void> {
    const detection = this.knownModel() ?? (await this.deps.connector.detect());
    if (detection.status !== 'ready') {
      this.failure = { code: 'unreachable', message: detection.message, retryable: false };
      return;
    }
    // A model other than the default, when the run was asked of one (the same provider).
    const target = this.run.request.model ? { ...detection.target, model: this.run.request.model } : detection.target;
    let files = readFiles(this.deps.doc);
    let { turn, sent } = this.send(target, files);
    // Over a live WebSocket the request has left by now; otherwise it leaves once this turn
    // of the event loop has run its I/O.
    if (!sent) await afterSend();
    try {
      this.announce(target, turn);
    } catch (err) {
      await turn.events[Symbol.asyncIterator]().return?.();
      throw err;
    }
    await this.stream(turn);
    let last = { turn, files };
    while (this.pendingRedirects.length > 0 && !this.controller.signal.aborted && !this.applier.fatal) last = await this.continueRedirected(target);
    ({ turn, files } = last);
    this.ending = true;
    if (this.applier.fatal) this.failure = { code: 'document_too_large' as ProviderError['code'], message: this.applier.fatal.message, retryable: false };
    if (this.controller.signal.aborted && !this.applier.fatal) return;
    if (!this.failure) this.answer(turn, files);
  }

  /** After a redirect: the hunk in progress rolled back, a chained turn with the new instruction. */
  private async continueRedirected(target: ProviderTarget): Promise<{ turn: SentTurn; files: Record<string, string> }> {
    const pending = this.pendingRedirects;
    this.pendingRedirects = [];
    this.applier.rollback(`redirected by ${pending.at(-1)!.by}`);
    this.output.drop();
    this.failure = null;
    // The ended request may have left the provider's conversation mid-turn: start it afresh.
    this.deps.conversation.forget();
    this.run.record.appendExplanation('\n\n');
    const files = readFiles(this.deps.doc);
    const { turn, sent } = this.send(target, files, continuationPrompt(this.run.request.prompt, pending));
    if (!sent) await afterSend();
    await this.stream(turn);
    return { turn, files };
  }

  /** The model's detection when it is already known (null: detect it). */
  private knownModel(): Detection | null {
    // With the model already detected, the request goes upstream before any thread write
    // (announce); otherwise detection may take a while and the thread says 'thinking' meanwhile.
    const known = this.deps.connector.peek?.() ?? null;
    if (!known) this.run.record.set({ status: 'thinking', queuePosition: null, startedAt: this.startedAt });
    return known;
  }

  /** Sends the turn; `sent`: its request has already left. */
  private send(target: ProviderTarget, files: Record<string, string>, prompt = this.run.request.prompt): { turn: SentTurn; sent: boolean } {
    const { request } = this.run;
    let sent = false;
    const attempt = (this.attempt = new AbortController());
    // Cancelling the run (or a limit) ends the request too.
    this.controller.signal.addEventListener('abort', () => attempt.abort(), { once: true });
    if (this.controller.signal.aborted) attempt.abort();
    const turn = this.deps.conversation.send(
      target,
      { prompt, file: request.file, selection: request.selection, requestedBy: request.requestedBy.name },
      files,
      { signal: this.attempt.signal, onSent: () => void (sent = true) },
    );
    // The model reads the files as they are now (same tick as readFiles, and after the request
    // left, so the snapshot costs nothing on the first token): its edits apply against this state.
    this.applier.readAt(files);
    this.applier.onCursor = (file, text, index) => this.onCursor(file, text, index);
    this.output.startRequest(turn.kind);
    this.current = turn;
    return { turn, sent };
  }

  /**
   * The request is upstream; the run's bookkeeping is done while the model starts, in one
   * transaction (which also writes the run's thread entry when it started at once), and
   * before any event is read (events wait in the turn meanwhile).
   */
  private announce(target: ProviderTarget, turn: SentTurn): void {
    const { doc } = this.deps;
    const { record, request } = this.run;
    // A clientID per run: authorship of every character names the run that wrote it.
    doc.clientID = uint32();
    doc.transact(() => {
      identitiesOf(doc).set(String(doc.clientID), { kind: 'ai', name: target.model, color: this.deps.color ?? AI_COLOR, runId: this.id, model: target.model });
      record.set({
        status: 'thinking', queuePosition: null, startedAt: this.startedAt, model: target.model, provider: target.label, aiClientId: doc.clientID,
        ...(turn.context.truncated ? { truncated: turn.context.truncated } : {}),
      });
    }, record.origin);
    this.started = true;
    this.deps.presence.set('thinking', request.file);
  }

  private onCursor(file: string, text: Y.Text, index: number): void {
    if (this.controller.signal.aborted) return;
    if (this.status !== 'editing') {
      this.status = 'editing';
      this.run.record.set({ status: 'editing' });
    }
    this.deps.presence.set('editing', file, { text, index });
  }

  private async stream(turn: SentTurn): Promise<void> {
    const attempt = this.attempt.signal;
    for await (const event of turn.events) {
      if (attempt.aborted) break;
      if (event.type === 'steered') {
        // The successor of a steered response: its edits apply against the files as they are.
        this.steering = false;
        this.output.drop();
        this.applier.readAt(readFiles(this.deps.doc));
        this.run.record.appendExplanation('\n\n');
        continue;
      }
      if (this.steering && event.type !== 'completed' && event.type !== 'error') continue;
      if (this.applier.fatal) {
        // Nothing more can be written: stop the upstream rather than pay for ignored output.
        this.controller.abort();
        break;
      }
      if ((event.type === 'text' || event.type === 'tool_input') && this.firstTokenAt === null) this.firstTokenAt = Date.now();
      // A hunk waiting for someone typing in its lines: the next events wait with it (they
      // stay in the turn's buffer; the model is not slowed).
      const held = this.applier.whenWritable();
      if (held) await held;
      if (attempt.aborted) break;
      const error = this.output.handle(event);
      if (error) this.failure = error;
    }
    const held = this.applier.whenWritable();
    if (held) await held;
    // A steer still settling decides whether a chained turn follows.
    await this.steerSettled;
  }

  /** A finished turn: what its edits did is what the model hears next turn. */
  private answer(turn: SentTurn, files: Record<string, string>): void {
    this.applier.finish();
    const edited = this.run.record.view().hunks.filter((h) => h.status === 'applied').map((h) => h.file);
    this.deps.conversation.answered(turn, this.output.toolCalls, this.applier.summary(), this.applier.hunkCount, seenAfterTurn(files, readFiles(this.deps.doc), edited));
  }

  /** Writes the run's end (status, error, metrics) into the thread. */
  private finish(): AiRunStatus {
    const tokens = this.output.usage?.outputTokens || this.output.approxTokens;
    const metrics = runMetrics(this.startedAt, this.firstTokenAt, tokens);
    const { status, error, rollback } = runEnd({
      cancelledBy: this.cancelledBy, aborted: this.controller.signal.aborted, fatal: this.applier.fatal !== null, failure: this.failure, parseError: this.applier.parseError,
    });
    if (rollback !== null) this.applier.rollback(rollback);
    // The conversation may now hold a turn the upstream never finished: start afresh next time.
    if (status !== 'done') this.deps.conversation.forget();
    const { record } = this.run;
    record.set({ status, finishedAt: Date.now(), metrics, error, queuePosition: null, ...(this.waited ? { waitingFor: null } : {}) });
    record.dispose();
    this.deps.observer?.runFinished(status, metrics, error?.code ?? null);
    log.info('ai.finished', { room: this.deps.roomId, run: this.id, status, code: error?.code, tokens, ms: metrics.durationMs });
    return status;
  }
}
