// The AI's conversation with the model in one room: the one place that opens the model session,
// warms it up, builds each turn's input and keeps the history it chains from. The provider
// session chains each turn from the previous response; this class decides what the next turn
// must send again: the files as the model last read them (lastSeen, so a turn sends only what
// changed since), the outcome of the previous run's edits, and the tool results it owes. The
// history is dropped (rotated) when it grows past twice the context budget, when the model
// changes, and after a turn that did not finish, so the next turn sends everything afresh.
import type { AiSelection } from '../../lib/ai/aiRuns.ts';
import type { ConversationItem, ModelSession, ProviderError, ProviderKind, ProviderTarget, SteerOutcome, TurnEvent } from './providers/types.ts';
import type { ModelConnector } from './connector.ts';
import { buildContext, CHARS_PER_TOKEN, type BuiltContext } from './context.ts';
import { instructionsFor, toolsFor } from './instructions.ts';
import { startTurn } from './startedTurn.ts';

/** What a turn asks, as the conversation needs it. */
export interface TurnAsk {
  prompt: string;
  file: string | null;
  selection: AiSelection | null;
  requestedBy: string;
}

/** A turn whose request is on its way (see startedTurn.ts). */
export interface SentTurn {
  kind: ProviderKind;
  context: BuiltContext;
  events: AsyncIterable<TurnEvent>;
  /** Steering input for the response in flight (the Responses WebSocket's `response.steer`). */
  steer?: (input: string) => Promise<SteerOutcome>;
}

export class ModelConversation {
  private readonly connector: ModelConnector;
  private readonly contextTokens: number;
  private session: ModelSession | null = null;
  private sessionTarget: ProviderTarget | null = null;
  /** Files as of the end of the AI's last successful turn (null: next turn sends everything). */
  private lastSeen: Map<string, string> | null = null;
  /** Files in lastSeen the model has not read in full (sent whole when they change). */
  private unseen = new Set<string>();
  private historyChars = 0;
  private previousOutcome: string | null = null;
  private pendingToolResults: ConversationItem[] = [];
  private model = 'AI';
  /** Forked: the conversation this one branches from, and the name of its lane. */
  private readonly forkOf: { conversation: ModelConversation; lane: string } | null;

  constructor(connector: ModelConnector, contextTokens: number, forkOf: { conversation: ModelConversation; lane: string } | null = null) {
    this.connector = connector;
    this.contextTokens = contextTokens;
    this.forkOf = forkOf;
    this.model = forkOf?.conversation.model ?? 'AI';
  }

  /**
   * A conversation for a run beside this one's: on its first turn it branches from this one as it
   * is then, on a lane of the same model connection where the provider has lanes (the model has
   * read what this one has read), else on a session of its own (it sends everything afresh).
   */
  fork(lane: string): ModelConversation {
    return new ModelConversation(this.connector, this.contextTokens, { conversation: this, lane });
  }

  /** Branches from the forked conversation's session, if it can serve `target` on a lane. */
  private branch(target: ProviderTarget): boolean {
    const from = this.forkOf?.conversation;
    const session = from?.session;
    if (!from || !session?.lane || from.sessionTarget?.model !== target.model || from.sessionTarget.baseUrl !== target.baseUrl) return false;
    this.session = session.lane(this.forkOf!.lane);
    this.sessionTarget = target;
    this.lastSeen = from.lastSeen && new Map(from.lastSeen);
    this.unseen = new Set(from.unseen);
    this.historyChars = from.historyChars;
    this.previousOutcome = from.previousOutcome;
    this.pendingToolResults = [...from.pendingToolResults];
    return true;
  }

  /** The model's name, as the AI's presence shows it ('AI' before any model was used). */
  get modelName(): string {
    return this.model;
  }

  /** Whether a model session is open. */
  get isOpen(): boolean {
    return this.session !== null;
  }

  /**
   * Opens the session and sends the workspace as a `generate: false` warm-up, so that the first
   * request only adds itself and chains from it. Null on success, else the error (the caller
   * closes the conversation).
   */
  async warmUp(target: ProviderTarget, files: Record<string, string>): Promise<ProviderError | null> {
    const context = buildContext({
      prompt: '', files, activeFile: null, selection: null, budgetTokens: this.contextTokens,
      lastSeen: null, previousOutcome: null, requestedBy: '', warmUp: true,
    });
    const session = this.connector.open(target);
    this.session = session;
    this.sessionTarget = target;
    const error = await session.warmUp({
      instructions: instructionsFor(session.kind),
      input: [{ type: 'message', role: 'user', text: context.text }],
      tools: toolsFor(session.kind),
    });
    if (error) return error;
    this.lastSeen = new Map(Object.entries(files));
    this.unseen = context.unseen;
    this.historyChars = context.text.length;
    this.model = target.model;
    return null;
  }

  /**
   * Builds the turn's input from `files` (the workspace as the model will read it) and sends it:
   * on the open session when the target is the same model, else on a new one. The request has
   * left (or leaves once this turn of the event loop has run its I/O) when this returns.
   */
  send(target: ProviderTarget, ask: TurnAsk, files: Record<string, string>, options: { signal: AbortSignal; onSent: () => void }): SentTurn {
    if (!this.session && this.branch(target)) {
      // Branched on a lane: the history so far is shared.
    } else if (!this.session || this.sessionTarget?.model !== target.model || this.sessionTarget.baseUrl !== target.baseUrl) {
      this.session?.close();
      this.session = this.connector.open(target);
      this.sessionTarget = target;
      this.lastSeen = null;
      this.historyChars = 0;
    }
    const session = this.session!;
    this.model = target.model;
    if (this.historyChars > this.contextTokens * CHARS_PER_TOKEN * 2) {
      session.resetHistory();
      this.lastSeen = null;
      this.historyChars = 0;
    }
    const context = buildContext({
      prompt: ask.prompt, files, activeFile: ask.file, selection: ask.selection,
      budgetTokens: this.contextTokens, lastSeen: this.lastSeen, unseen: this.unseen,
      previousOutcome: session.kind === 'chat' ? this.previousOutcome : null, requestedBy: ask.requestedBy,
    });
    const input: ConversationItem[] = [...this.pendingToolResults, { type: 'message', role: 'user', text: context.text }];
    this.pendingToolResults = [];
    this.historyChars += context.text.length;
    const events = startTurn(session.turn(
      { instructions: instructionsFor(session.kind), input, tools: toolsFor(session.kind) },
      options,
    ));
    return { kind: session.kind, context, events, ...(session.steer ? { steer: (text: string) => session.steer!(text) } : {}) };
  }

  /**
   * A turn that finished: what its edits did (`outcome`, null when all applied) is told to the
   * model next turn, as the result of each of its tool calls, and `seen` is what the model now
   * takes each file to be.
   */
  answered(turn: SentTurn, toolCalls: readonly string[], outcome: string | null, hunkCount: number, seen: Map<string, string>): void {
    this.previousOutcome = outcome;
    for (const callId of toolCalls) {
      this.pendingToolResults.push({ type: 'tool_result', callId, output: outcome ?? `applied ${hunkCount} change(s)` });
    }
    this.lastSeen = seen;
    this.unseen = turn.context.unseen;
  }

  /** The conversation may now hold a turn the upstream never finished: start afresh next time. */
  forget(): void {
    this.session?.resetHistory();
    this.lastSeen = null;
    this.historyChars = 0;
    this.pendingToolResults = [];
  }

  close(): void {
    this.session?.close();
  }
}

/**
 * What the model now takes each file to be: the text it was sent for files it did not edit (so
 * that people's typing during the run is reported next turn), the text after the run for the
 * files it edited (its edits, and whatever people typed there meanwhile).
 */
export function seenAfterTurn(sent: Record<string, string>, after: Record<string, string>, edited: string[]): Map<string, string> {
  const seen = new Map(Object.entries(sent));
  for (const path of edited) {
    if (path in after) seen.set(path, after[path]);
    else seen.delete(path);
  }
  return seen;
}
