// OpenAI-compatible legacy Completions: POST /v1/completions (SSE when `stream: true`), the
// fill-in-the-middle route of edit predictions (`prompt` before the cursor, `suffix` after it).
// Shapes follow the `openai` package's Completion / CompletionChoice / CompletionUsage.
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ModelServerCore } from './modelServerCore.ts';
import { strikeSse } from './sseFailures.ts';
import { sendError, sendJson } from './responsesHttpEndpoint.ts';
import { defaultErrorCode, estimateTokens, newId } from './responseObjects.ts';
import { TurnPauses } from './turnPauses.ts';
import { makeRequest } from './turnScript.ts';
import { nowMs } from './modelServerStats.ts';
import { pace, tokenize } from './tokenPacing.ts';
import type { Failure } from './modelServerTypes.ts';

const STREAM_FAILURES = new Set(['drop', 'malformed', 'stall', 'error-event', 'failed', 'incomplete']);
/** The API takes up to four stop sequences. */
const MAX_STOP = 4;

type FinishReason = 'stop' | 'length';

/**
 * The tokens a completion sends: the scripted text up to the first `stop` sequence (which is not
 * sent), then at most `max_tokens` tokens; "length" when `max_tokens` cut it, else "stop".
 */
export function completionTokens(text: string, maxTokens: unknown, stop: unknown): { tokens: string[]; finishReason: FinishReason } {
  const stops = (typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop.slice(0, MAX_STOP) : []).filter((s): s is string => typeof s === 'string' && s !== '');
  const cut = Math.min(text.length, ...stops.map((s) => text.indexOf(s)).filter((i) => i >= 0));
  const tokens = tokenize(text.slice(0, cut));
  const max = typeof maxTokens === 'number' && Number.isInteger(maxTokens) && maxTokens >= 0 ? maxTokens : Infinity;
  return tokens.length > max ? { tokens: tokens.slice(0, max), finishReason: 'length' } : { tokens, finishReason: 'stop' };
}

export async function handleCompletions(core: ModelServerCore, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
  const turn = core.script.next(makeRequest('completions', body, null));
  const failure = turn.failure;
  if (failure?.kind === 'http') {
    const headers: Record<string, string> = failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
    sendError(res, failure.status, failure.code ?? defaultErrorCode(failure.status), failure.message ?? `Injected failure (${failure.status}).`, null, headers);
    return;
  }
  const id = `cmpl-${newId('c').slice(2, 31)}`;
  const created = Math.floor(Date.now() / 1000);
  const model = typeof body.model === 'string' ? body.model : core.options.model;
  const { tokens, finishReason } = completionTokens(turn.text ?? '', body.max_tokens, body.stop);
  const promptTokens = estimateTokens(body.prompt) + estimateTokens(body.suffix);
  const usage = (completion: number) => ({ prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion });
  const choice = (text: string, finish: FinishReason | null) => ({ text, index: 0, logprobs: null, finish_reason: finish });

  if (body.stream !== true) {
    sendJson(res, 200, { id, object: 'text_completion', created, model, choices: [choice(tokens.join(''), finishReason)], usage: usage(tokens.length) });
    return;
  }

  const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const abort = new AbortController();
  let sent = 0;
  let dropped = false;
  // The client closing the connection before the last chunk is what a superseded request looks like upstream.
  res.on('close', () => {
    abort.abort();
    if (!res.writableEnded && !dropped) core.stats.aborted.push({ transport: 'completions', responseId: id, afterTokens: sent, body, at: nowMs() });
  });
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  const write = (line: string) => {
    if (!res.writableEnded && !res.destroyed) res.write(`data: ${line}\n\n`);
  };
  const chunk = (text: string, finish: FinishReason | null = null) =>
    write(JSON.stringify({ id, object: 'text_completion', created, model, choices: [choice(text, finish)], ...(includeUsage ? { usage: null } : {}) }));
  const finish = () => {
    if (includeUsage) write(JSON.stringify({ id, object: 'text_completion', created, model, choices: [], usage: usage(sent) }));
    write('[DONE]');
    res.end();
  };

  const streamFailure: Failure | undefined = failure && STREAM_FAILURES.has(failure.kind) ? failure : undefined;
  const failAt = streamFailure && 'afterTokens' in streamFailure ? Math.min(streamFailure.afterTokens ?? 0, tokens.length) : 0;
  let failureDone = false;
  const delay = { ms: 0 };
  // Returns true when the failure ends the stream.
  const strike = (): Promise<boolean> => {
    failureDone = true;
    return strikeSse(streamFailure!, {
      res, signal: abort.signal, delay, write,
      malformed: { unterminated: `{"id":"${id}","object":"text_completion","choices":[{"text":"unterminated`, noChoices: JSON.stringify({ id, object: 'text_completion', created, model, choices: [] }) },
      cutShort: () => {
        chunk('', 'length');
        finish();
      },
      onDrop: () => void (dropped = true),
    });
  };

  if (turn.firstTokenDelayMs) {
    try {
      await sleep(turn.firstTokenDelayMs, undefined, { signal: abort.signal });
    } catch {
      return;
    }
  }
  const pauses = new TurnPauses(core.pauses, turn, id, core.options.pauseMaxMs, abort.signal, delay);
  for await (const c of pace(tokens, { rate: turn.rate ?? core.options.rate, chunkTokens: turn.chunkTokens ?? core.options.chunkTokens, cutAt: [failAt, ...pauses.points], signal: abort.signal, delay })) {
    if (!(await pauses.reached(sent))) return;
    if (streamFailure && !failureDone && sent >= failAt && (await strike())) return;
    const text = c.tokens.join('');
    const at = nowMs();
    chunk(text);
    core.stats.tokens.push({ responseId: id, index: c.index, count: c.tokens.length, text, at });
    sent += c.tokens.length;
    // Pause right after the Nth token went out, not when the next one falls due.
    if (!(await pauses.reached(sent))) return;
  }
  if (!(await pauses.reached(sent))) return;
  if (streamFailure && !failureDone && (await strike())) return;
  chunk('', finishReason);
  finish();
}
