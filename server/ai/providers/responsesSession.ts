// Responses API session: one persistent WebSocket reused across turns (warm-up, chaining with
// previous_response_id + only new input, rotation), falling back to HTTP SSE for the rest of
// the session after a WebSocket transport failure. lane() makes a sibling session for parallel
// turns on the same connection (`stream_id`), forking from this one's conversation.
import type OpenAI from 'openai';
import { cancelledError, droppedError, malformedError, stalledError } from './providerErrors.ts';
import { openaiClient } from './openaiClient.ts';
import { ResponsesTurnReader } from './responsesEvents.ts';
import type { ResponsesOutcome } from './responsesEvents.ts';
import { ResponsesSocket, SocketOpenError } from './responsesSocket.ts';
import { fromSdkError } from './sdkErrors.ts';
import { TurnRunner } from './turnRunner.ts';
import type { Attempt, AttemptResult } from './turnRunner.ts';
import { AttemptControl, Watchdog } from './turnStream.ts';
import type { ConversationItem, ProviderError, ProviderTarget, SessionOptions, SteerOutcome, ToolKind, TurnRequest } from './types.ts';
import { steerEvent, type InFlight } from './responsesSteering.ts';

type Json = Record<string, unknown>;

/** The connection sibling lanes share (the primary session opens and closes it). */
interface SharedSocket {
  socket: ResponsesSocket | null;
}

export class ResponsesSession extends TurnRunner {
  readonly kind = 'responses' as const;
  #client: OpenAI;
  #transport: 'websocket' | 'http';
  readonly #options: SessionOptions;
  readonly #shared: SharedSocket;
  /** This session's lane on the shared connection (null: the primary, no stream_id). */
  readonly #lane: string | null;
  #turns = 0;
  /** The response this session's next turn chains from, on which socket, for which settings. */
  #chain: { socket: ResponsesSocket; id: string; key: string } | null = null;
  /** Set when the last socket was closed on purpose (rotation): its successor is warmed up. */
  #rewarm = false;
  /** Every input and output item of the successful turns, replayed when the chain is lost. */
  #history: Json[] = [];
  #lastWarm: { instructions: string; tools: unknown[] | undefined; extra: Json | undefined } | null = null;
  #openCalls: Array<{ callId: string; kind: ToolKind }> = [];
  /** The turn streaming over the WebSocket now, which steering input goes to. */
  #inflight: InFlight | null = null;

  constructor(target: ProviderTarget, options: SessionOptions = {}, lane?: { name: string; of: ResponsesSession }) {
    super(target, options);
    this.#options = options;
    this.#client = openaiClient(target);
    this.#transport = lane ? lane.of.#transport : target.transport;
    this.#shared = lane ? lane.of.#shared : { socket: null };
    this.#lane = lane?.name ?? null;
    if (lane) {
      // Forked: the same history, chained from the same response (on another lane).
      this.#history = [...lane.of.#history];
      this.#openCalls = [...lane.of.#openCalls];
      this.#chain = lane.of.#chain;
      this.#lastWarm = lane.of.#lastWarm;
    }
  }

  /**
   * A session for turns in parallel with this one's, on its own lane of the same WebSocket
   * (over HTTP: its own requests), starting from this one's conversation so far.
   */
  lane(name: string): ResponsesSession {
    return new ResponsesSession(this.target, this.#options, { name, of: this });
  }

  get #socket(): ResponsesSocket | null {
    return this.#shared.socket;
  }

  set #socket(socket: ResponsesSocket | null) {
    this.#shared.socket = socket;
  }

  get transport(): 'websocket' | 'http' {
    return this.#transport;
  }

  /** Items sent so far (for tests and the context budget). */
  get historyLength(): number {
    return this.#history.length;
  }

  steer(input: string): Promise<SteerOutcome> {
    const f = this.#inflight;
    const target = f?.reader.responseId;
    if (!f || !target || !f.socket.alive) return Promise.resolve('failed');
    return new Promise((settle) => {
      f.steers.push({ input, accepted: false, settle });
      // Only type, previous_response_id and input: the target response determines the lane.
      f.socket.send({ type: 'response.steer', previous_response_id: target, input });
    });
  }

  resetHistory(): void {
    this.#history = [];
    this.#openCalls = [];
    this.#chain = null;
  }

  close(): void {
    // A lane leaves the connection to the primary (and to the other lanes).
    if (this.#lane !== null) return;
    this.#socket?.close('session closed');
    this.#socket = null;
  }

  async warmUp(request: TurnRequest, options: { signal?: AbortSignal } = {}): Promise<ProviderError | null> {
    const items = this.#convert(request.input);
    this.#lastWarm = { instructions: request.instructions, tools: request.tools, extra: request.extra };
    if (this.#transport === 'http') {
      // store:false over HTTP keeps nothing upstream: the context simply joins the history.
      this.#commit(items, [], []);
      return null;
    }
    const control = new AttemptControl(options.signal);
    try {
      const socket = await this.#ensureSocket(control, false);
      if (control.reason) return cancelledError();
      if (!socket) {
        this.#fallBack();
        this.#commit(items, [], []);
        return null;
      }
      const result = await this.#warm(socket, request, [...this.#history, ...items], control);
      if (result) return result;
      this.#commit(items, [], []);
      return null;
    } finally {
      control.dispose();
    }
  }

  protected async attempt(request: TurnRequest, state: { forceFull: boolean }, control: AttemptControl, emit: Attempt['emit'], sent: () => void): Promise<AttemptResult> {
    const items = this.#convert(request.input);
    const reader = new ResponsesTurnReader(this.label, [this.target.apiKey]);
    const base: Json = { model: this.model, instructions: request.instructions, ...(request.tools ? { tools: request.tools } : {}), store: false, ...request.extra };
    const key = JSON.stringify([base.model, base.instructions, base.tools ?? null, request.extra ?? null]);
    let result: AttemptResult;
    let chained = false;
    if (this.#transport === 'websocket') {
      // A live socket is used without an await, so the request leaves in the caller's own tick.
      const socket = this.#liveSocket() ?? (await this.#ensureSocket(control, true, request));
      if (control.reason) return { kind: 'error', error: control.reason === 'stalled' ? stalledError(this.label, this.stallMs) : cancelledError(), outputStarted: false };
      if (!socket) return { kind: 'error', error: droppedError(this.label), outputStarted: false, transportFailure: true };
      const chain = this.#chain;
      chained = !state.forceFull && chain !== null && chain.socket === socket && chain.key === key;
      // A lane's turns take a stream_id of their own each (a response left to finish upstream
      // after a cancel never holds up the next one).
      const lane = this.#lane !== null ? { stream_id: `${this.#lane}.${++this.#turns}` } : {};
      const body = chained ? { ...base, ...lane, previous_response_id: chain!.id, input: items } : { ...base, ...lane, input: [...this.#history, ...items] };
      result = await this.#wsRequest(socket, body, reader, control, emit, sent, true);
      // A failed turn evicts its id upstream too.
      this.#chain = result.kind === 'completed' ? { socket, id: result.responseId, key } : null;
    } else {
      result = await this.#httpRequest({ ...base, input: [...this.#history, ...items], stream: true }, reader, control, emit);
    }
    if (result.kind === 'completed') {
      this.#commit(items, reader.outputItems, reader.calls);
      return { ...result, chained, transport: this.#transport };
    }
    return result;
  }

  protected onTransportFailure(): boolean {
    if (this.#transport !== 'websocket') return false;
    this.#fallBack();
    return true;
  }

  protected onReconnect(): void {
    this.#socket?.close('rotate');
    this.#socket = null;
    this.#rewarm = true;
  }

  #fallBack(): void {
    this.#transport = 'http';
    this.#socket?.close('falling back to http');
    this.#socket = null;
  }

  #commit(items: Json[], outputs: Json[], calls: Array<{ callId: string; kind: ToolKind }>): void {
    this.#history.push(...items, ...outputs);
    this.#openCalls = calls;
  }

  /** Provider-neutral items → Responses input items; unanswered calls get a placeholder output. */
  #convert(input: ConversationItem[]): Json[] {
    const kinds = new Map(this.#openCalls.map((c) => [c.callId, c.kind]));
    const answered = new Set(input.flatMap((i) => (i.type === 'tool_result' ? [i.callId] : [])));
    const out: Json[] = [];
    for (const [callId, kind] of kinds) {
      if (!answered.has(callId)) out.push(toolOutput(callId, kind, '(no result was reported for this call)'));
    }
    for (const item of input) {
      if (item.type === 'message') out.push({ type: 'message', role: item.role, content: [{ type: 'input_text', text: item.text }] });
      else out.push(toolOutput(item.callId, kinds.get(item.callId) ?? 'custom', item.output));
    }
    return out;
  }

  /** The open socket when it can serve a turn as it is (not due for rotation), else null. */
  #liveSocket(): ResponsesSocket | null {
    const socket = this.#socket;
    return socket && socket.alive && socket.ageMs < this.rotateAfterMs ? socket : null;
  }

  /** The live socket, opening (and after a rotation, warming up) a new one when needed; null = transport failure. */
  async #ensureSocket(control: AttemptControl, warmIfRotated: boolean, request?: TurnRequest): Promise<ResponsesSocket | null> {
    // (Not while other lanes stream on it: closing would end their responses.)
    if (this.#socket && this.#socket.alive && this.#socket.ageMs >= this.rotateAfterMs && this.#socket.listening === 0) {
      this.#socket.close('rotate');
      this.#rewarm = true;
    }
    if (this.#socket?.alive) return this.#socket;
    this.#socket = null;
    let socket: ResponsesSocket;
    try {
      socket = await ResponsesSocket.open(this.target, this.connectTimeoutMs, control.signal);
    } catch (err) {
      // Callers check control.reason first: a cancel during the handshake is not a transport failure.
      if (!(err instanceof SocketOpenError)) throw err;
      return null;
    }
    this.#socket = socket;
    if (this.#rewarm && warmIfRotated) {
      this.#rewarm = false;
      const warm = request ?? this.#lastWarm;
      // A failed re-warm-up is not fatal: the turn then sends its full input.
      if (warm) await this.#warm(socket, { instructions: warm.instructions, input: [], ...(warm.tools ? { tools: warm.tools } : {}), ...(warm.extra ? { extra: warm.extra } : {}) }, this.#history, control);
    }
    return socket;
  }

  async #warm(socket: ResponsesSocket, request: TurnRequest, input: Json[], control: AttemptControl): Promise<ProviderError | null> {
    const base: Json = { model: this.model, instructions: request.instructions, ...(request.tools ? { tools: request.tools } : {}), store: false, ...request.extra };
    const reader = new ResponsesTurnReader(this.label, [this.target.apiKey]);
    const result = await this.#wsRequest(socket, { ...base, input, generate: false }, reader, control, () => {});
    if (result.kind !== 'completed') {
      this.#chain = null;
      return result.error;
    }
    this.#chain = { socket, id: result.responseId, key: JSON.stringify([base.model, base.instructions, base.tools ?? null, request.extra ?? null]) };
    return null;
  }

  #wsRequest(socket: ResponsesSocket, body: Json, reader: ResponsesTurnReader, control: AttemptControl, emit: Attempt['emit'], sent: () => void = () => {}, steerable = false): Promise<AttemptResult> {
    return new Promise((resolve) => {
      let sawEvent = false;
      let settled = false;
      const watchdog = new Watchdog(this.stallMs, () => control.stop('stalled'));
      const inflight: InFlight | null = steerable ? { socket, reader, steers: [], awaiting: null, emit } : null;
      if (inflight) this.#inflight = inflight;
      const finish = (result: AttemptResult) => {
        if (settled) return;
        settled = true;
        watchdog.stop();
        if (inflight) {
          if (this.#inflight === inflight) this.#inflight = null;
          // Steering input neither committed nor refused when the turn ends: outcome unknown.
          for (const s of inflight.steers.splice(0)) s.settle('lost');
        }
        unlisten();
        control.signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const lane = typeof body.stream_id === 'string' ? body.stream_id : '';
      const onAbort = () => {
        // No cancel frame exists: closing the socket aborts the response (and drops the cache).
        // While other turns stream on it, this one is only left: its remaining events are
        // dropped and the upstream finishes it on its own lane.
        if (socket.listening <= 1) socket.close(control.reason ?? 'cancelled');
        finish({ kind: 'error', error: control.reason === 'stalled' ? stalledError(this.label, this.stallMs) : cancelledError(), outputStarted: reader.outputStarted });
      };
      const unlisten = socket.listen({
        event: (event) => {
          sawEvent = true;
          watchdog.kick();
          if (inflight) {
            const steering = steerEvent(inflight, event);
            if (steering === 'consumed') return;
            if (steering) return finish(fromOutcome(steering, reader.outputStarted));
          }
          const outcome = reader.handle(event, emit);
          if (outcome) finish(fromOutcome(outcome, reader.outputStarted));
        },
        malformed: (what) => {
          socket.close('malformed event');
          finish({ kind: 'error', error: malformedError(this.label, what), outputStarted: reader.outputStarted });
        },
        // Before any event: a transport failure (fall back to HTTP); after events but before
        // output: reconnect and retry once; after output: reported, never retried.
        closed: () => finish({ kind: 'error', error: droppedError(this.label), outputStarted: reader.outputStarted, ...(sawEvent ? { reconnect: true } : { transportFailure: true }) }),
      }, lane);
      control.signal.addEventListener('abort', onAbort, { once: true });
      if (control.signal.aborted) return onAbort();
      watchdog.kick();
      socket.send(body);
      sent();
    });
  }

  async #httpRequest(body: Json, reader: ResponsesTurnReader, control: AttemptControl, emit: Attempt['emit']): Promise<AttemptResult> {
    const watchdog = new Watchdog(this.stallMs, () => control.stop('stalled'));
    const stopped = (): AttemptResult => ({ kind: 'error', error: control.reason === 'stalled' ? stalledError(this.label, this.stallMs) : cancelledError(), outputStarted: reader.outputStarted });
    watchdog.kick();
    try {
      const stream = (await this.#client.responses.create(body as never, { signal: control.signal })) as unknown as AsyncIterable<Json>;
      for await (const event of stream) {
        watchdog.kick();
        const outcome = reader.handle(event, emit);
        if (outcome) return fromOutcome(outcome, reader.outputStarted);
      }
      if (control.reason) return stopped();
      // The stream ended without response.completed/failed/incomplete.
      return { kind: 'error', error: droppedError(this.label), outputStarted: reader.outputStarted };
    } catch (err) {
      if (control.reason) return stopped();
      const failure = fromSdkError(err, { label: this.label, baseUrl: this.target.baseUrl, secrets: [this.target.apiKey] });
      if (failure.kind === 'aborted') return stopped();
      return { kind: 'error', error: failure.error, outputStarted: reader.outputStarted, ...(failure.notFound ? { notFound: true } : {}) };
    } finally {
      watchdog.stop();
    }
  }
}

function toolOutput(callId: string, kind: ToolKind, output: string): Json {
  return { type: kind === 'custom' ? 'custom_tool_call_output' : 'function_call_output', call_id: callId, output };
}

function fromOutcome(outcome: ResponsesOutcome, outputStarted: boolean): AttemptResult {
  if (outcome.kind === 'completed') return { kind: 'completed', responseId: outcome.responseId, usage: outcome.usage };
  return { kind: 'error', error: outcome.error, outputStarted, ...(outcome.notFound ? { notFound: true } : {}), ...(outcome.reconnect ? { reconnect: true } : {}) };
}
