// OpenAI-compatible Chat Completions: POST /v1/chat/completions (SSE when `stream: true`).
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

export async function handleChatCompletions(core: ModelServerCore, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
  const turn = core.script.next(makeRequest('chat-completions', body, null));
  const failure = turn.failure;
  if (failure?.kind === 'http') {
    const headers: Record<string, string> = failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
    sendError(res, failure.status, failure.code ?? defaultErrorCode(failure.status), failure.message ?? `Injected failure (${failure.status}).`, null, headers);
    return;
  }
  const id = `chatcmpl-${newId('c').slice(2, 30)}`;
  const created = Math.floor(Date.now() / 1000);
  const model = typeof body.model === 'string' ? body.model : core.options.model;
  const calls = [...(turn.toolCall ? [turn.toolCall] : []), ...(turn.toolCalls ?? [])].map((c) => ({ ...c, id: newId('call').slice(0, 29) }));
  const textTokens = tokenize(turn.text ?? '');
  const callTokens = calls.map((c) => tokenize(c.input));
  const allTokens = [...textTokens, ...callTokens.flat()];
  const promptTokens = estimateTokens(body.messages) + estimateTokens(body.tools);
  const usage = (completion: number) => ({
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  });

  if (body.stream !== true) {
    const toolCalls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.input } }));
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: turn.text ?? null, refusal: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) }, logprobs: null, finish_reason: toolCalls.length ? 'tool_calls' : 'stop' }],
      usage: usage(allTokens.length),
    });
    return;
  }

  const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  const write = (line: string) => {
    if (!res.writableEnded && !res.destroyed) res.write(`data: ${line}\n\n`);
  };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    write(JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_tandem', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(includeUsage ? { usage: null } : {}) }));

  const streamFailure: Failure | undefined = failure && STREAM_FAILURES.has(failure.kind) ? failure : undefined;
  const failAt = streamFailure && 'afterTokens' in streamFailure ? Math.min(streamFailure.afterTokens ?? 0, allTokens.length) : 0;
  let failureDone = false;
  let sent = 0;
  const delay = { ms: 0 };
  // Returns true when the failure ends the stream.
  const strike = (): Promise<boolean> => {
    failureDone = true;
    return strikeSse(streamFailure!, {
      res, signal: abort.signal, delay, write,
      malformed: { unterminated: `{"id":"${id}","object":"chat.completion.chunk","choices":[{"delta":{"content":"unterminated`, noChoices: JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [] }) },
      cutShort: () => {
        chunk({}, 'length');
        finish();
      },
    });
  };
  const finish = () => {
    if (includeUsage) write(JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_tandem', choices: [], usage: usage(sent) }));
    write('[DONE]');
    res.end();
  };

  chunk({ role: 'assistant', content: '', refusal: null });
  if (turn.firstTokenDelayMs) {
    try {
      await sleep(turn.firstTokenDelayMs, undefined, { signal: abort.signal });
    } catch {
      return;
    }
  }
  const callStarts: number[] = [];
  let offset = textTokens.length;
  for (const list of callTokens) {
    callStarts.push(offset);
    offset += list.length;
  }
  let openedCall = -1;
  const pauses = new TurnPauses(core.pauses, turn, id, core.options.pauseMaxMs, abort.signal, delay);
  for await (const c of pace(allTokens, { rate: turn.rate ?? core.options.rate, chunkTokens: turn.chunkTokens ?? core.options.chunkTokens, cutAt: [textTokens.length, ...callStarts, failAt, ...pauses.points], signal: abort.signal, delay })) {
    if (!(await pauses.reached(sent))) return;
    if (streamFailure && !failureDone && sent >= failAt && (await strike())) return;
    const delta = c.tokens.join('');
    const at = nowMs();
    if (c.index < textTokens.length) {
      chunk({ content: delta });
    } else {
      let callIndex = 0;
      for (let i = 0; i < callStarts.length; i++) if (callStarts[i]! <= c.index) callIndex = i;
      const call = calls[callIndex]!;
      const head = callIndex !== openedCall ? { id: call.id, type: 'function', function: { name: call.name, arguments: delta } } : { function: { arguments: delta } };
      openedCall = callIndex;
      chunk({ tool_calls: [{ index: callIndex, ...head }] });
    }
    core.stats.tokens.push({ responseId: id, index: c.index, count: c.tokens.length, text: delta, at });
    sent += c.tokens.length;
    // Pause right after the Nth token went out, not when the next one falls due.
    if (!(await pauses.reached(sent))) return;
  }
  if (!(await pauses.reached(sent))) return;
  if (streamFailure && !failureDone && (await strike())) return;
  chunk({}, calls.length ? 'tool_calls' : 'stop');
  finish();
}

export function handleModels(core: ModelServerCore, res: ServerResponse): void {
  sendJson(res, 200, { object: 'list', data: [{ id: core.options.model, object: 'model', created: 1_700_000_000, owned_by: 'tandem' }] });
}
