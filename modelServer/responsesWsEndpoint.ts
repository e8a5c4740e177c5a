// Responses API over WebSocket: GET /v1/responses upgrade, one response at a time per
// connection, per-connection cache of the latest response id, connection lifetime limit.
import { STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import type { ModelServerCore } from './modelServerCore.ts';
import { destroyAfterFlush, redactedHeaders } from './modelServerCore.ts';
import { defaultErrorCode, httpErrorBody, nestedErrorEvent, newId } from './responseObjects.ts';
import { runTurn, runWarmup } from './responseTurn.ts';
import type { ResponseSink, TurnResult } from './responseTurn.ts';
import { makeRequest } from './turnScript.ts';
import { nowMs } from './modelServerStats.ts';

const MAX_FRAME_BYTES = 32 * 1024 * 1024;

export class ResponsesWsEndpoint {
  readonly #core: ModelServerCore;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  readonly #connections = new Set<Connection>();
  #nextId = 1;

  constructor(core: ModelServerCore) {
    this.#core = core;
  }

  /** Handles an upgrade request on /v1/responses; refuses with a JSON HTTP error when it must. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const core = this.#core;
    const refuse = (status: number, code: string, message: string, retryAfterSeconds?: number) => {
      core.stats.wsRejected++;
      core.stats.handshakes.push({ at: nowMs(), url: req.url ?? '', status, headers: redactedHeaders(req) });
      const body = JSON.stringify(httpErrorBody(status, code, message));
      const retry = retryAfterSeconds !== undefined ? `Retry-After: ${retryAfterSeconds}\r\n` : '';
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\n${retry}` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    const injected = core.takeHandshakeFailure();
    if (injected) {
      refuse(injected.status, defaultErrorCode(injected.status), `Injected handshake failure (${injected.status}).`, injected.retryAfterSeconds);
      return;
    }
    if (!core.authorized(req.headers)) {
      refuse(401, 'invalid_api_key', 'Incorrect API key provided.');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      core.stats.wsHandshakes++;
      core.stats.handshakes.push({ at: nowMs(), url: req.url ?? '', status: 101, headers: redactedHeaders(req) });
      const connection = new Connection(this.#nextId++, ws, core);
      this.#connections.add(connection);
      ws.on('close', () => this.#connections.delete(connection));
    });
  }

  /** Terminates every open connection; `final` also shuts the endpoint. */
  closeAll(final: boolean): void {
    for (const c of this.#connections) c.terminate();
    if (final) this.#wss.close();
  }
}

class Connection {
  readonly #id: number;
  readonly #ws: WebSocket;
  readonly #core: ModelServerCore;
  readonly #queue: Array<Record<string, unknown>> = [];
  readonly #lifetime: NodeJS.Timeout;
  #busy = false;
  #abort: AbortController | null = null;
  #latestId: string | null = null;
  #latestContextTokens = 0;
  #closed = false;

  constructor(id: number, ws: WebSocket, core: ModelServerCore) {
    this.#id = id;
    this.#ws = ws;
    this.#core = core;
    core.stats.wsOpen++;
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('close', () => this.#onClose());
    ws.on('error', () => this.#onClose());
    this.#lifetime = setTimeout(() => this.#limitReached(), core.options.connectionLifetimeMs);
    this.#lifetime.unref();
  }

  terminate(): void {
    this.#ws.terminate();
    this.#onClose();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#core.stats.wsOpen--;
    clearTimeout(this.#lifetime);
    // Closing the socket is the only cancel the protocol has; it also drops the cache.
    this.#abort?.abort();
    this.#queue.length = 0;
    this.#latestId = null;
  }

  #send(event: Record<string, unknown>): void {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(JSON.stringify(event));
  }

  #limitReached(): void {
    this.#abort?.abort();
    this.#send(nestedErrorEvent(400, 'websocket_connection_limit_reached', 'Responses WebSocket connection limit reached. Create a new WebSocket connection to continue.'));
    this.#ws.close(1000, 'connection limit reached');
    this.#onClose();
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    let body: unknown;
    try {
      body = isBinary ? undefined : JSON.parse(buffer.toString('utf8'));
    } catch {
      body = undefined;
    }
    this.#core.stats.requests.push({ transport: 'responses-ws', route: 'WS /v1/responses', connectionId: this.#id, body: body ?? buffer.toString('utf8').slice(0, 1000), bytes: buffer.length, at: nowMs() });
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      this.#send(nestedErrorEvent(400, 'invalid_json', 'Could not parse the event as a JSON object.'));
      return;
    }
    const frame = body as Record<string, unknown>;
    if (frame.type !== 'response.create') {
      this.#send(nestedErrorEvent(400, 'unsupported_event_type', `Unsupported event type '${String(frame.type).slice(0, 64)}'.`, { param: 'type' }));
      return;
    }
    if (this.#queue.length >= this.#core.options.maxQueuedPerConnection) {
      this.#send(nestedErrorEvent(400, 'too_many_pending_requests', 'Too many response.create events are queued on this connection.'));
      return;
    }
    this.#queue.push(frame);
    if (!this.#busy) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const frame = this.#queue.shift()!;
        await this.#handle(frame);
      }
    } finally {
      this.#busy = false;
    }
  }

  async #handle(frame: Record<string, unknown>): Promise<void> {
    const core = this.#core;
    const { type: _type, stream_id: streamId, ...body } = frame;
    const previousId = typeof body.previous_response_id === 'string' ? body.previous_response_id : null;
    const stamp = (e: Record<string, unknown>) => (typeof streamId === 'string' ? { ...e, stream_id: streamId } : e);
    const fail = (e: Record<string, unknown>) => {
      this.#send(stamp(e));
      this.#evict(previousId);
      core.stats.countResponse('error');
    };
    const notFound = () =>
      fail(nestedErrorEvent(400, 'previous_response_not_found', `Previous response with id '${previousId ?? ''}' not found.`, { param: 'previous_response_id' }));

    // A genuine cache miss is answered before a scripted turn is taken, so the client's
    // full-input retry gets the turn the test scripted.
    const known = previousId === null ? 0 : previousId === this.#latestId ? this.#latestContextTokens : body.store !== false ? core.stored.get(previousId) : undefined;
    if (known === undefined) {
      notFound();
      return;
    }
    const generate = body.generate !== false;
    const turn = generate ? core.script.next(makeRequest('responses-ws', body, this.#id)) : null;
    const failure = turn ? turn.failure : core.script.warmupFailure();
    if (failure?.kind === 'http') {
      const headers = failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : undefined;
      fail(nestedErrorEvent(failure.status, failure.code ?? defaultErrorCode(failure.status), failure.message ?? `Injected failure (${failure.status}).`, { headers }));
      return;
    }
    if (failure?.kind === 'connection_limit') {
      this.#limitReached();
      return;
    }
    if (failure?.kind === 'previous_response_not_found') {
      notFound();
      return;
    }
    const cachedTokens = known;

    const responseId = newId('resp');
    const abort = new AbortController();
    this.#abort = abort;
    const sink: ResponseSink = {
      event: (e) => this.#send(stamp(e)),
      raw: (text) => {
        if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(text);
      },
      drop: () => {
        this.#queue.length = 0;
        destroyAfterFlush(() => this.#ws.bufferedAmount, () => this.terminate());
      },
    };
    const ctx = { sink, stats: core.stats, pauses: core.pauses, pauseMaxMs: core.options.pauseMaxMs, body, model: core.options.model, responseId, cachedTokens, rate: core.options.rate, chunkTokens: core.options.chunkTokens, signal: abort.signal };
    let result: TurnResult;
    try {
      result = turn ? await runTurn(ctx, turn) : runWarmup(ctx);
    } finally {
      this.#abort = null;
    }
    if (result.outcome === 'completed' || result.outcome === 'incomplete') {
      this.#latestId = responseId;
      this.#latestContextTokens = result.contextTokens;
      if (body.store !== false) core.store(responseId, result.contextTokens);
    } else {
      this.#evict(previousId);
    }
  }

  /** A failed turn evicts the id it continued from. */
  #evict(id: string | null): void {
    if (id !== null && id === this.#latestId) this.#latestId = null;
  }
}
