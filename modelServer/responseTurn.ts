// Streams one Responses API turn (the same events over WebSocket and over SSE), applying
// the turn's scripted failure at the right token.
import { setTimeout as sleep } from 'node:timers/promises';
import type { PauseBoard } from './turnPauses.ts';
import { TurnPauses } from './turnPauses.ts';
import type { ModelServerStats } from './modelServerStats.ts';
import { nowMs } from './modelServerStats.ts';
import { pace, tokenize } from './tokenPacing.ts';
import type { Failure, ScriptedTurn } from './modelServerTypes.ts';
import {
  estimateTokens,
  flatErrorEvent,
  itemObject,
  newId,
  responseObject,
  textPart,
  toolKind,
  usageObject,
} from './responseObjects.ts';
import type { PlannedItem } from './responseObjects.ts';

/** Where events go: a WebSocket or an SSE response. */
export interface ResponseSink {
  /** Sends one event (serialised by the sink, with an SSE `event:` line where relevant). */
  event(event: Record<string, unknown>): void;
  /** Sends a frame verbatim (malformed-event injection). */
  raw(data: string, eventName: string): void;
  /** Kills the transport without a goodbye. */
  drop(): void;
}

export type TurnOutcome = 'completed' | 'failed' | 'incomplete' | 'error' | 'dropped' | 'aborted';

export interface TurnContext {
  sink: ResponseSink;
  stats: ModelServerStats;
  /** Where scripted pauses wait to be released. */
  pauses: PauseBoard;
  /** Longest wait at a pause when the turn sets none, ms. */
  pauseMaxMs: number;
  body: Record<string, unknown>;
  model: string;
  responseId: string;
  /** Tokens of earlier context the continuation reuses (reported as cached). */
  cachedTokens: number;
  rate: number;
  chunkTokens: number;
  signal: AbortSignal;
  /**
   * Aborted when accepted steering input waits (WebSocket `response.steer`): the turn stops at
   * the next output boundary with `response.incomplete` (reason `steered`); a pause or a
   * first-token delay ends too. `signal` is the client's own cancel (the socket closed).
   */
  steer?: AbortSignal;
}

export interface TurnResult {
  outcome: TurnOutcome;
  /** Client-owned tool calls it made (custom and function calls), for `response.steer.pending`. */
  toolCalls?: { type: 'custom_tool_call' | 'function_call'; callId: string; name: string }[];
  /** Context size after this turn, for the next turn's cached-token figure. */
  contextTokens: number;
}

const STREAM_FAILURES = new Set(['drop', 'malformed', 'stall', 'error-event', 'failed', 'incomplete']);

/** A `generate: false` warm-up: an id to chain from and no output. */
export function runWarmup(ctx: TurnContext): TurnResult {
  const createdAt = Math.floor(Date.now() / 1000);
  const inputTokens = estimateTokens(ctx.body.input) + estimateTokens(ctx.body.instructions) + estimateTokens(ctx.body.tools);
  const usage = usageObject({ inputTokens: inputTokens + ctx.cachedTokens, cachedTokens: ctx.cachedTokens, outputTokens: 0 });
  ctx.sink.event({ type: 'response.created', sequence_number: 0, response: responseObject(ctx.responseId, ctx.body, ctx.model, createdAt, { status: 'in_progress' }) });
  ctx.sink.event({ type: 'response.completed', sequence_number: 1, response: responseObject(ctx.responseId, ctx.body, ctx.model, createdAt, { status: 'completed', usage }) });
  ctx.stats.countResponse('completed');
  return { outcome: 'completed', contextTokens: usage.total_tokens };
}

export async function runTurn(ctx: TurnContext, turn: ScriptedTurn): Promise<TurnResult> {
  const { sink, body } = ctx;
  const createdAt = Math.floor(Date.now() / 1000);
  let seq = 0;
  const emit = (e: Record<string, unknown>) => sink.event({ ...e, sequence_number: seq++ });
  const snapshot = (status: 'in_progress' | 'completed' | 'failed' | 'incomplete', extra: Parameters<typeof responseObject>[4] = { status }) =>
    responseObject(ctx.responseId, body, ctx.model, createdAt, { ...extra, status });

  const signal = ctx.steer ? AbortSignal.any([ctx.signal, ctx.steer]) : ctx.signal;
  const items = planItems(turn, body.tools);
  const tokenLists = items.map((i) => tokenize(i.text));
  const starts: number[] = [];
  let total = 0;
  for (const list of tokenLists) {
    starts.push(total);
    total += list.length;
  }
  const allTokens = tokenLists.flat();
  const failure: Failure | undefined = turn.failure && STREAM_FAILURES.has(turn.failure.kind) ? turn.failure : undefined;
  const failAt = failure && 'afterTokens' in failure ? Math.min(failure.afterTokens ?? 0, total) : 0;
  let failureDone = false;

  const inputTokens = estimateTokens(body.input) + estimateTokens(body.instructions) + estimateTokens(body.tools) + ctx.cachedTokens;
  const outputs: unknown[] = [];
  let sent = 0;
  let openItem = -1;
  let openText = '';
  const usage = () => usageObject({ inputTokens, cachedTokens: ctx.cachedTokens, outputTokens: sent });
  const result = (outcome: TurnOutcome): TurnResult => {
    // Stopped by steering (not by the client going away): the turn ends at this boundary.
    if (outcome === 'aborted' && ctx.steer?.aborted && !ctx.signal.aborted) {
      // A tool call whose input is all out is a complete call: the response stops there for the
      // client's tool output (completed; the endpoint holds the input: response.steer.pending).
      if (openItem >= 0 && items[openItem]!.kind !== 'message' && openText === items[openItem]!.text) closeItem('completed');
      const last = items[outputs.length - 1];
      if (openItem < 0 && last && last.kind !== 'message') {
        emit({ type: 'response.completed', response: snapshot('completed', { status: 'completed', output: outputs, usage: usage() }) });
        ctx.stats.countResponse('completed');
        return { outcome: 'completed', contextTokens: inputTokens + sent, toolCalls: toolCallsSoFar() };
      }
      if (openItem >= 0) closeItem('incomplete');
      emit({ type: 'response.incomplete', response: snapshot('incomplete', { status: 'incomplete', output: outputs, usage: usage(), incompleteReason: 'steered' }) });
      ctx.stats.countResponse('incomplete');
      return { outcome: 'incomplete', contextTokens: inputTokens + sent };
    }
    ctx.stats.countResponse(outcome);
    return { outcome, contextTokens: inputTokens + sent, toolCalls: toolCallsSoFar() };
  };
  const toolCallsSoFar = () =>
    items.slice(0, outputs.length).filter((i) => i.kind !== 'message')
      .map((i) => ({ type: i.kind === 'custom' ? ('custom_tool_call' as const) : ('function_call' as const), callId: i.callId, name: i.name }));

  emit({ type: 'response.created', response: snapshot('in_progress') });
  emit({ type: 'response.in_progress', response: snapshot('in_progress') });
  if (turn.firstTokenDelayMs && !(await wait(turn.firstTokenDelayMs, signal))) return result('aborted');

  const openItemAt = (index: number) => {
    const item = items[index]!;
    openItem = index;
    openText = '';
    emit({ type: 'response.output_item.added', output_index: index, item: itemObject(item, '', 'in_progress') });
    if (item.kind === 'message') {
      emit({ type: 'response.content_part.added', item_id: item.id, output_index: index, content_index: 0, part: textPart('') });
    }
  };
  const closeItem = (status: 'completed' | 'incomplete') => {
    const item = items[openItem]!;
    if (item.kind === 'message') {
      emit({ type: 'response.output_text.done', item_id: item.id, output_index: openItem, content_index: 0, text: openText, logprobs: [] });
      emit({ type: 'response.content_part.done', item_id: item.id, output_index: openItem, content_index: 0, part: textPart(openText) });
    } else if (item.kind === 'custom') {
      emit({ type: 'response.custom_tool_call_input.done', item_id: item.id, output_index: openItem, input: openText });
    } else {
      emit({ type: 'response.function_call_arguments.done', item_id: item.id, output_index: openItem, name: item.name, arguments: openText });
    }
    const done = itemObject(item, openText, status);
    outputs.push(done);
    emit({ type: 'response.output_item.done', output_index: openItem, item: done });
    openItem = -1;
  };

  // Returns an outcome when the failure ends the turn, null when streaming carries on.
  const strike = async (): Promise<TurnOutcome | null> => {
    failureDone = true;
    switch (failure!.kind) {
      case 'drop':
        sink.drop();
        return 'dropped';
      case 'malformed':
        sendMalformed(sink, failure!.variant, seq++);
        return null;
      case 'stall': {
        // The schedule moves back by the stall, so output resumes at its rate instead of bursting.
        const began = performance.now();
        const resumed = await wait(failure!.ms, signal);
        delay.ms += performance.now() - began;
        return resumed ? null : 'aborted';
      }
      case 'error-event': {
        const f = failure!;
        const code = f.code ?? 'server_error';
        const message = f.message ?? 'The server had an error while processing your request.';
        if (f.shape === 'nested') {
          sink.event({ type: 'error', status: f.status ?? 500, sequence_number: seq++, error: { type: 'server_error', code, message, param: null } });
        } else {
          sink.event(flatErrorEvent(code, message, seq++));
        }
        return 'error';
      }
      case 'failed':
        if (openItem >= 0) closeItem('incomplete');
        emit({
          type: 'response.failed',
          response: snapshot('failed', {
            status: 'failed',
            output: outputs,
            usage: usage(),
            error: { code: failure!.code ?? 'server_error', message: failure!.message ?? 'The model failed to generate a response.' },
          }),
        });
        return 'failed';
      case 'incomplete': {
        const reason = failure!.reason ?? 'max_output_tokens';
        if (openItem >= 0) closeItem('incomplete');
        emit({ type: 'response.incomplete', response: snapshot('incomplete', { status: 'incomplete', output: outputs, usage: usage(), incompleteReason: reason }) });
        return 'incomplete';
      }
      default:
        return null;
    }
  };

  const delay = { ms: 0 };
  const pauses = new TurnPauses(ctx.pauses, turn, ctx.responseId, ctx.pauseMaxMs, signal, delay);
  const cuts = [...starts, failAt, ...pauses.points];
  for await (const chunk of pace(allTokens, { rate: turn.rate ?? ctx.rate, chunkTokens: turn.chunkTokens ?? ctx.chunkTokens, cutAt: cuts, signal, delay })) {
    if (!(await pauses.reached(sent))) return result('aborted');
    if (failure && !failureDone && sent >= failAt) {
      const outcome = await strike();
      if (outcome) return result(outcome);
    }
    const itemIndex = itemIndexOf(starts, chunk.index);
    if (itemIndex !== openItem) {
      if (openItem >= 0) closeItem('completed');
      openItem = -1;
      // Items with no tokens still get their added/done pair, in order.
      for (let i = outputs.length; i < itemIndex; i++) {
        openItemAt(i);
        closeItem('completed');
      }
      openItemAt(itemIndex);
    }
    const item = items[itemIndex]!;
    const delta = chunk.tokens.join('');
    openText += delta;
    const at = nowMs();
    if (item.kind === 'message') {
      emit({ type: 'response.output_text.delta', item_id: item.id, output_index: itemIndex, content_index: 0, delta, logprobs: [] });
    } else if (item.kind === 'custom') {
      emit({ type: 'response.custom_tool_call_input.delta', item_id: item.id, output_index: itemIndex, delta });
    } else {
      emit({ type: 'response.function_call_arguments.delta', item_id: item.id, output_index: itemIndex, delta });
    }
    ctx.stats.tokens.push({ responseId: ctx.responseId, index: chunk.index, count: chunk.tokens.length, text: delta, at });
    sent += chunk.tokens.length;
    // Pause right after the Nth token went out, not when the next one falls due.
    if (!(await pauses.reached(sent))) return result('aborted');
  }
  if (!(await pauses.reached(sent))) return result('aborted');
  if (failure && !failureDone) {
    const outcome = await strike();
    if (outcome) return result(outcome);
  }
  if (openItem >= 0) closeItem('completed');
  for (let i = outputs.length; i < items.length; i++) {
    openItemAt(i);
    closeItem('completed');
  }
  emit({ type: 'response.completed', response: snapshot('completed', { status: 'completed', output: outputs, usage: usage() }) });
  return result('completed');
}

function planItems(turn: ScriptedTurn, requestTools: unknown): PlannedItem[] {
  const items: PlannedItem[] = [];
  if (turn.text !== undefined) items.push({ kind: 'message', id: newId('msg'), callId: '', name: '', text: turn.text });
  for (const call of [...(turn.toolCall ? [turn.toolCall] : []), ...(turn.toolCalls ?? [])]) {
    const kind = toolKind(call, requestTools);
    items.push({ kind, id: newId(kind === 'custom' ? 'ctc' : 'fc'), callId: newId('call'), name: call.name, text: call.input });
  }
  return items;
}

function itemIndexOf(starts: number[], tokenIndex: number): number {
  let found = 0;
  for (let i = 0; i < starts.length; i++) {
    // An item with no tokens shares its start with the next one; the later item owns the token.
    if (starts[i]! <= tokenIndex) found = i;
  }
  return found;
}

function sendMalformed(sink: ResponseSink, variant: 'invalid-json' | 'unknown-event' | 'no-type', seq: number): void {
  if (variant === 'invalid-json') {
    sink.raw('{"type":"response.output_text.delta","delta":"unterminated', 'response.output_text.delta');
  } else if (variant === 'unknown-event') {
    const type = 'response.tandem_test.unknown_event';
    sink.raw(JSON.stringify({ type, sequence_number: seq, obfuscation: 'xYz0', payload: { note: 'clients must ignore unknown events' } }), type);
  } else {
    sink.raw(JSON.stringify({ sequence_number: seq, delta: 'no type field' }), 'message');
  }
}

/** Resolves true after `ms`, false if aborted first. Infinity waits until aborted. */
async function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (!Number.isFinite(ms)) {
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    return false;
  }
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
