// Edit predictions on the Responses WebSocket: one persistent connection kept for predictions
// (warm: no handshake, no TLS set-up per keystroke), each request on a lane no other request is
// using (`stream_id`, PROTOCOLS.md §6), so a new prediction never queues behind the one it
// supersedes. The WebSocket has no cancel: a superseded request's response is left to finish
// upstream unread (bounded by its output limit), and its lane is free again once it has; closing
// the socket would end everyone's predictions with it. Lanes are reused, at most MAX_LANES per
// connection; with all of them busy, or when the connection cannot be opened or fails, the
// request goes by HTTP (after a failure, every request does for a while).
import { ResponsesSocket } from '../providers/responsesSocket.ts';
import type { ProviderTarget } from '../providers/types.ts';

type Json = Record<string, unknown>;

/** The connection is replaced before the server's 60-minute limit. */
const ROTATE_AFTER_MS = 55 * 60_000;
/** After a transport failure, predictions go by HTTP this long before the socket is tried again. */
const HTTP_AFTER_FAILURE_MS = 60_000;
const HANDSHAKE_TIMEOUT_MS = 5_000;
/** A connection nobody predicted on for this long is closed (opened again on the next request). */
const IDLE_CLOSE_MS = 10 * 60_000;

/** Lanes one prediction connection uses at most (the server bounds them per connection). */
const MAX_LANES = 16;

/** The socket could not carry the request: the caller sends it by HTTP instead. */
export class LaneTransportError extends Error {}

export interface LaneRequest {
  instructions: string;
  input: string;
  maxOutputTokens: number;
}

export class PredictionLanes {
  readonly #target: ProviderTarget;
  #socket: Promise<ResponsesSocket> | null = null;
  /** Per connection: the lanes it has, and those free (their last response has ended). */
  #lanes = new WeakMap<ResponsesSocket, { count: number; free: string[] }>();
  #httpUntil = 0;
  #idle: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  constructor(target: ProviderTarget) {
    this.#target = target;
  }

  /** Whether the next request should go over the socket (false for a while after a failure). */
  get usable(): boolean {
    return !this.#closed && Date.now() >= this.#httpUntil;
  }

  /**
   * The answer's text. Rejects with LaneTransportError when the connection fails before any
   * output (the request can go by HTTP), with the abort reason when `signal` aborts, and with an
   * Error naming the code when the model answers with an error.
   */
  async ask(request: LaneRequest, signal: AbortSignal): Promise<string> {
    const socket = await this.#open();
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
    let pool = this.#lanes.get(socket);
    if (!pool) this.#lanes.set(socket, (pool = { count: 0, free: [] }));
    const lane = pool.free.pop() ?? (pool.count < MAX_LANES ? `predict-${++pool.count}` : null);
    if (lane === null) throw new LaneTransportError('every prediction lane is busy');
    const lanes = pool;
    return new Promise<string>((resolve, reject) => {
      let text = '';
      let output = false;
      let settled = false;
      const settle = (err: Error | null) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        this.#touch();
        if (err) reject(err);
        else resolve(text);
      };
      // The response has ended upstream: the lane takes the next request.
      const ended = () => {
        remove();
        lanes.free.push(lane);
      };
      // Superseded: the caller is answered now; the listener stays until the response ends.
      const onAbort = () => settle(signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
      const transportFailure = (why: string) => {
        remove();
        this.#fail();
        settle(output ? new Error(`the prediction connection failed: ${why}`) : new LaneTransportError(why));
      };
      const remove = socket.listen(
        {
          event: (event: Json) => {
            switch (event.type) {
              case 'response.output_text.delta':
                output = true;
                if (typeof event.delta === 'string') text += event.delta;
                return;
              case 'response.completed':
                ended();
                return settle(null);
              case 'response.failed':
              case 'response.incomplete':
              case 'error':
                ended();
                return settle(new Error(`the model answered ${String(event.type)}: ${errorCode(event)}`));
            }
          },
          malformed: (what) => transportFailure(`malformed frame (${what})`),
          closed: (code) => transportFailure(`closed (${code})`),
        },
        lane,
      );
      signal.addEventListener('abort', onAbort, { once: true });
      socket.send({
        model: this.#target.model,
        instructions: request.instructions,
        input: request.input,
        store: false,
        max_output_tokens: request.maxOutputTokens,
        stream_id: lane,
      });
    });
  }

  close(): void {
    this.#closed = true;
    if (this.#idle) clearTimeout(this.#idle);
    void this.#socket?.then((s) => s.close('predictions closed'), () => {});
    this.#socket = null;
  }

  /** The open connection, opening (or replacing an old or dead) one when needed. */
  async #open(): Promise<ResponsesSocket> {
    if (this.#socket) {
      const current = await this.#socket.catch(() => null);
      if (current?.alive && current.ageMs < ROTATE_AFTER_MS) return current;
      // Old: the new one takes the requests; the old one closes once its lanes have answered.
      if (current?.alive) retire(current);
      this.#socket = null;
    }
    if (!this.usable) throw new LaneTransportError('the prediction connection failed a moment ago');
    const opening = ResponsesSocket.open(this.#target, HANDSHAKE_TIMEOUT_MS);
    this.#socket = opening;
    try {
      return await opening;
    } catch (err) {
      if (this.#socket === opening) this.#socket = null;
      this.#fail();
      throw new LaneTransportError((err as Error).message);
    }
  }

  #fail(): void {
    this.#httpUntil = Date.now() + HTTP_AFTER_FAILURE_MS;
    void this.#socket?.then((s) => s.close('failed'), () => {});
    this.#socket = null;
  }

  #touch(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = setTimeout(() => {
      const socket = this.#socket;
      this.#socket = null;
      void socket?.then((s) => s.close('idle'), () => {});
    }, IDLE_CLOSE_MS);
    this.#idle.unref();
  }
}

/** Closes a replaced connection once no lane on it is waiting for an answer. */
function retire(socket: ResponsesSocket): void {
  const check = setInterval(() => {
    if (socket.listening > 0 && socket.ageMs < ROTATE_AFTER_MS + 60_000) return;
    clearInterval(check);
    socket.close('rotated');
  }, 1_000);
  check.unref();
}

function errorCode(event: Json): string {
  const error = (event.error ?? (event.response as Json | undefined)?.error) as Json | undefined;
  return String(error?.code ?? event.code ?? 'unknown');
}
