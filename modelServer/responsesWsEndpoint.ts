// Responses API over WebSocket: GET /v1/responses upgrade; lanes (`stream_id`: FIFO within a
// lane, lanes in parallel on one connection); `response.steer` (accepted, failed, pending, the
// steered response ending `incomplete`/`steered` and its automatic successor); a cache of each
// lane's latest response id; the connection lifetime limit.
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
import { checkSteerFrame, type AcceptedSteer } from './steering.ts';
import { makeRequest } from './turnScript.ts';
import { nowMs } from './modelServerStats.ts';

const MAX_FRAME_BYTES = 32 * 1024 * 1024;
/** Lanes one connection may hold at once. */
const MAX_LANES = 32;
/** Steering submissions queued for one response at once. */
const MAX_STEERS = 8;

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

/** One `stream_id` (or the default lane): its requests run in order, one at a time. */
interface Lane {
  streamId: string | undefined;
  queue: Array<Record<string, unknown>>;
  busy: boolean;
  /** The response streaming on this lane now. */
  active: { id: string; abort: AbortController; steer: AbortController; steers: AcceptedSteer[]; steering: string | undefined } | null;
  /** The lane's latest response, for `previous_response_id` (any lane may fork from it). */
  latest: { id: string; contextTokens: number } | null;
}

class Connection {
  readonly #id: number;
  readonly #ws: WebSocket;
  readonly #core: ModelServerCore;
  readonly #lanes = new Map<string, Lane>();
  readonly #lifetime: NodeJS.Timeout;
  /** Accepted steering input held for a response that stopped for client tool output, by response id. */
  readonly #pendingSteers = new Map<string, AcceptedSteer[]>();
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

  #abortAll(): void {
    for (const lane of this.#lanes.values()) lane.active?.abort.abort();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#core.stats.wsOpen--;
    clearTimeout(this.#lifetime);
    // Closing the socket is the only cancel the protocol has; it also drops the cache.
    this.#abortAll();
    for (const lane of this.#lanes.values()) {
      lane.queue.length = 0;
      lane.latest = null;
    }
    this.#pendingSteers.clear();
  }

  #send(event: Record<string, unknown>): void {
    if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(JSON.stringify(event));
  }

  #limitReached(): void {
    this.#abortAll();
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
    if (frame.type === 'response.steer') {
      this.#steer(frame);
      return;
    }
    if (frame.type !== 'response.create') {
      this.#send(nestedErrorEvent(400, 'unsupported_event_type', `Unsupported event type '${String(frame.type).slice(0, 64)}'.`, { param: 'type' }));
      return;
    }
    const streamId = typeof frame.stream_id === 'string' ? frame.stream_id : undefined;
    let queued = 0;
    for (const l of this.#lanes.values()) queued += l.queue.length;
    if (queued >= this.#core.options.maxQueuedPerConnection) {
      this.#send(nestedErrorEvent(400, 'too_many_pending_requests', 'Too many response.create events are queued on this connection.'));
      return;
    }
    const key = streamId ?? '';
    let lane = this.#lanes.get(key);
    if (!lane) {
      if (this.#lanes.size >= MAX_LANES) {
        this.#send(nestedErrorEvent(400, 'too_many_pending_requests', `At most ${MAX_LANES} stream_id lanes per connection.`, { param: 'stream_id' }));
        return;
      }
      lane = { streamId, queue: [], busy: false, active: null, latest: null };
      this.#lanes.set(key, lane);
    }
    lane.queue.push(frame);
    if (!lane.busy) void this.#drain(lane);
  }

  async #drain(lane: Lane): Promise<void> {
    lane.busy = true;
    try {
      while (lane.queue.length > 0 && !this.#closed) {
        const { type: _type, stream_id: _lane, ...body } = lane.queue.shift()!;
        await this.#handle(lane, body);
      }
    } finally {
      lane.busy = false;
    }
  }

  /** The context size of a response this connection may continue from (undefined: unknown here). */
  #known(previousId: string | null, store: unknown): number | undefined {
    if (previousId === null) return 0;
    for (const lane of this.#lanes.values()) if (lane.latest?.id === previousId) return lane.latest.contextTokens;
    return store !== false ? this.#core.stored.get(previousId) : undefined;
  }

  #stamp(lane: Lane, e: Record<string, unknown>): Record<string, unknown> {
    return lane.streamId !== undefined ? { ...e, stream_id: lane.streamId } : e;
  }

  async #handle(lane: Lane, body: Record<string, unknown>, successorOf: AcceptedSteer[] | null = null): Promise<void> {
    const core = this.#core;
    const previousId = typeof body.previous_response_id === 'string' ? body.previous_response_id : null;
    const fail = (e: Record<string, unknown>) => {
      this.#send(this.#stamp(lane, e));
      this.#evict(previousId);
      core.stats.countResponse('error');
    };
    const notFound = () =>
      fail(nestedErrorEvent(400, 'previous_response_not_found', `Previous response with id '${previousId ?? ''}' not found.`, { param: 'previous_response_id' }));

    // Steering input held for this parent goes first, in submission order (and is committed here).
    const held = previousId !== null && !successorOf ? this.#pendingSteers.get(previousId) : undefined;
    if (held) {
      this.#pendingSteers.delete(previousId!);
      const own = Array.isArray(body.input) ? body.input : typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : [];
      body = { ...body, input: [...held.flatMap((st) => st.items), ...own] };
    }

    // A genuine cache miss is answered before a scripted turn is taken, so the client's
    // full-input retry gets the turn the test scripted.
    const known = this.#known(previousId, body.store);
    if (known === undefined) {
      notFound();
      return;
    }
    const generate = body.generate !== false;
    const turn = generate ? core.script.next(makeRequest('responses-ws', body, this.#id)) : null;
    const failure = turn ? turn.failure : core.script.warmupFailure();
    if (successorOf && (failure?.kind === 'http' || failure?.kind === 'previous_response_not_found')) {
      // The automatic successor could not be created: the accepted input goes back to the client.
      for (const st of successorOf) this.#steerFailed(lane, st.input, st.previousId, 'successor_creation_failed', 'The successor response could not be created.', st.id);
      return;
    }
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

    const responseId = newId('resp');
    const active = { id: responseId, abort: new AbortController(), steer: new AbortController(), steers: [] as AcceptedSteer[], steering: turn?.steering };
    lane.active = active;
    const sink: ResponseSink = {
      event: (e) => this.#send(this.#stamp(lane, e)),
      raw: (text) => {
        if (this.#ws.readyState === this.#ws.OPEN) this.#ws.send(text);
      },
      drop: () => {
        for (const l of this.#lanes.values()) l.queue.length = 0;
        destroyAfterFlush(() => this.#ws.bufferedAmount, () => this.terminate());
      },
    };
    const ctx = {
      sink, stats: core.stats, pauses: core.pauses, pauseMaxMs: core.options.pauseMaxMs, body, model: core.options.model, responseId, cachedTokens: known,
      rate: core.options.rate, chunkTokens: core.options.chunkTokens, signal: active.abort.signal, steer: active.steer.signal,
    };
    let result: TurnResult;
    try {
      result = turn ? await runTurn(ctx, turn) : runWarmup(ctx);
    } finally {
      lane.active = null;
    }
    if (result.outcome === 'completed' || result.outcome === 'incomplete') {
      lane.latest = { id: responseId, contextTokens: result.contextTokens };
      if (body.store !== false) core.store(responseId, result.contextTokens);
    } else {
      this.#evict(previousId);
    }
    const steers = active.steers;
    if (steers.length === 0 || this.#closed) return;
    if (result.outcome === 'completed' && result.toolCalls && result.toolCalls.length > 0) {
      // Stopped for client-owned tool output: the input waits for the client's continuation.
      this.#pendingSteers.set(responseId, steers);
      const requiredInput = result.toolCalls.map((c) => (c.type === 'custom_tool_call' ? { type: 'custom_tool_call_output', call_id: c.callId } : { type: 'function_call_output', call_id: c.callId, name: c.name }));
      for (const st of steers) {
        this.#send(this.#stamp(lane, { type: 'response.steer.pending', sequence_number: 0, reason: 'waiting_for_required_input', required_input: requiredInput, steer: { id: st.id, previous_response_id: st.previousId } }));
      }
      return;
    }
    if (result.outcome !== 'completed' && result.outcome !== 'incomplete') {
      for (const st of steers) this.#steerFailed(lane, st.input, st.previousId, 'response_not_active', 'The response ended before the steering input could be committed.', st.id);
      return;
    }
    if (active.steering === 'successor-fails') {
      for (const st of steers) this.#steerFailed(lane, st.input, st.previousId, 'successor_creation_failed', 'The successor response could not be created.', st.id);
      return;
    }
    // The automatic successor: the previous response's settings, continuing from it with the
    // queued input (its response.created is the commit point).
    const { input: _input, previous_response_id: _prev, ...settings } = body;
    await this.#handle(lane, { ...settings, previous_response_id: responseId, input: steers.flatMap((st) => st.items) }, steers);
  }

  #steer(frame: Record<string, unknown>): void {
    const check = checkSteerFrame(frame);
    if (!check.ok) {
      this.#steerFailed(null, frame.input ?? null, typeof frame.previous_response_id === 'string' ? frame.previous_response_id : '', 'invalid_input', check.message);
      return;
    }
    const { previousId, input, items } = check;
    const lane = [...this.#lanes.values()].find((l) => l.active?.id === previousId);
    if (!lane || !lane.active) {
      const done = [...this.#lanes.values()].find((l) => l.latest?.id === previousId);
      if (done) this.#steerFailed(done, input, previousId, 'response_already_completed', 'The response completed and is no longer accepting steering input.');
      else this.#steerFailed(null, input, previousId, 'response_not_found', `Response '${previousId}' is not available on this connection.`);
      return;
    }
    const active = lane.active;
    if (active.steering === 'drop') {
      this.terminate();
      return;
    }
    if (active.steering === 'unsupported') {
      this.#steerFailed(lane, input, previousId, 'steering_not_supported', 'This response does not support steering.');
      return;
    }
    if (active.steers.length >= MAX_STEERS) {
      this.#steerFailed(lane, input, previousId, 'too_many_pending_steers', 'Too much steering input is pending for the response.');
      return;
    }
    const steer: AcceptedSteer = { id: newId('steer'), previousId, input, items };
    active.steers.push(steer);
    this.#core.stats.steers.push({ id: steer.id, responseId: previousId, input, at: nowMs() });
    this.#send(this.#stamp(lane, { type: 'response.steer.accepted', sequence_number: 0, steer: { id: steer.id, previous_response_id: previousId } }));
    // The response stops at its next output boundary.
    active.steer.abort();
  }

  /** `lane`: the target response's (null when there is none: no stream_id). */
  #steerFailed(lane: Lane | null, input: unknown, previousId: string, code: string, message: string, id?: string): void {
    const event = { type: 'response.steer.failed', sequence_number: 0, steer: { ...(id ? { id } : {}), input, previous_response_id: previousId }, error: { type: 'invalid_request_error', code, message } };
    this.#send(lane ? this.#stamp(lane, event) : event);
  }

  /** A failed turn evicts the id it continued from. */
  #evict(id: string | null): void {
    if (id === null) return;
    for (const lane of this.#lanes.values()) if (lane.latest?.id === id) lane.latest = null;
  }
}
