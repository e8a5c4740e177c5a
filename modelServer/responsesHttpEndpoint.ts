// Responses API over HTTP: POST /v1/responses, as SSE when `stream: true`, else one JSON body.
import type { ServerResponse } from 'node:http';
import type { ModelServerCore } from './modelServerCore.ts';
import { destroyAfterFlush } from './modelServerCore.ts';
import { defaultErrorCode, httpErrorBody, newId } from './responseObjects.ts';
import { runTurn, runWarmup } from './responseTurn.ts';
import type { ResponseSink, TurnResult } from './responseTurn.ts';
import { makeRequest } from './turnScript.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, param: string | null = null, headers: Record<string, string> = {}): void {
  sendJson(res, status, httpErrorBody(status, code, message, param), headers);
}

export async function handleResponsesPost(core: ModelServerCore, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
  const previousId = typeof body.previous_response_id === 'string' ? body.previous_response_id : null;
  const notFound = () => {
    core.stats.countResponse('error');
    sendError(res, 400, 'previous_response_not_found', `Previous response with id '${previousId ?? ''}' not found.`, 'previous_response_id');
  };
  // A genuine miss is answered before a scripted turn is taken (the retry gets that turn).
  const cachedTokens = previousId === null ? 0 : core.stored.get(previousId);
  if (cachedTokens === undefined) {
    notFound();
    return;
  }
  const generate = body.generate !== false;
  const turn = generate ? core.script.next(makeRequest('responses-http', body, null)) : null;
  const failure = turn ? turn.failure : core.script.warmupFailure();
  if (failure?.kind === 'http') {
    const headers: Record<string, string> = failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
    sendError(res, failure.status, failure.code ?? defaultErrorCode(failure.status), failure.message ?? `Injected failure (${failure.status}).`, null, headers);
    return;
  }
  if (failure?.kind === 'previous_response_not_found') {
    notFound();
    return;
  }

  const stream = body.stream === true;
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const responseId = newId('resp');
  let last: Record<string, unknown> | null = null;
  let dropped = false;
  const sink: ResponseSink = stream
    ? {
        event: (e) => {
          if (!res.writableEnded && !res.destroyed) res.write(`event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`);
        },
        raw: (data, eventName) => {
          if (!res.writableEnded && !res.destroyed) res.write(`event: ${eventName}\ndata: ${data}\n\n`);
        },
        drop: () => {
          dropped = true;
          const socket = res.socket;
          if (socket) destroyAfterFlush(() => socket.writableLength, () => socket.destroy());
        },
      }
    : {
        event: (e) => {
          last = e;
        },
        raw: () => {},
        drop: () => {
          dropped = true;
          const socket = res.socket;
          if (socket) destroyAfterFlush(() => socket.writableLength, () => socket.destroy());
        },
      };
  if (stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': newId('req') });
    res.flushHeaders();
  }
  const ctx = {
    sink,
    stats: core.stats,
    pauses: core.pauses,
    pauseMaxMs: core.options.pauseMaxMs,
    body,
    model: core.options.model,
    responseId,
    cachedTokens,
    // A non-streaming request has nobody watching the tokens arrive, so it is not paced.
    rate: stream ? core.options.rate : 0,
    chunkTokens: core.options.chunkTokens,
    signal: abort.signal,
  };
  const result: TurnResult = turn ? await runTurn(ctx, stream ? turn : { ...turn, rate: 0, firstTokenDelayMs: 0 }) : runWarmup(ctx);
  if (result.outcome === 'completed' || result.outcome === 'incomplete') {
    if (body.store !== false) core.store(responseId, result.contextTokens);
  }
  if (dropped || res.destroyed) return;
  if (stream) {
    res.end();
    return;
  }
  const final = last as Record<string, unknown> | null;
  if (final && 'response' in final) {
    sendJson(res, 200, final.response);
  } else {
    const code = final && typeof final.code === 'string' ? final.code : 'server_error';
    sendError(res, 500, code, 'The server had an error while processing your request.');
  }
}
