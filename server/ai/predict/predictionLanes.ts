// Edit predictions on the Responses WebSocket: one persistent connection kept for predictions
// (warm: no handshake, no TLS set-up per keystroke), each request on a lane no other request is
// using (`stream_id`, PROTOCOLS.md §6), so a new prediction never queues behind the one it
// supersedes. The WebSocket has no cancel: a superseded request's response is left to finish
// upstream unread (bounded by its output limit), and its lane is free again once it has; closing
// the socket would end everyone's predictions with it. Lanes are reused, at most MAX_LANES per
// connection; with all of them busy, or when the connection cannot be opened or fails, the
// request goes by HTTP (after a failure, every request does for a while).
import { ResponsesTurnReader } from '../providers/responsesEvents.ts';
import { ResponsesSocket } from '../providers/responsesSocket.ts';
import type { ProviderTarget } from '../providers/types.ts';

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

/** A connection with its lanes: how many it has, and those free (their last response has ended). */
interface Connection {
  socket: ResponsesSocket;
  count: number;
  free: string[];
}

const abortReason = (signal: AbortSignal): Error => (signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));

export class PredictionLanes {
  readonly #target: ProviderTarget;
  readonly #timeoutMs: number;
  #connection: Promise<Connection> | null = null;
  #httpUntil = 0;
  #closed = false;
  /** Closes the connection after IDLE_CLOSE_MS without a prediction (refreshed by each one). */
  readonly #idle = setTimeout(() => this.#drop('idle'), IDLE_CLOSE_MS).unref();

  /** `timeoutMs`: an answer slower than this is given up (the socket has no timeout of its own). */
  constructor(target: ProviderTarget, timeoutMs: number) {
    this.#target = target;
    this.#timeoutMs = timeoutMs;
  }

  /** Whether the next request should go over the socket (false for a while after a failure). */
  get usable(): boolean {
    return !this.#closed && Date.now() >= this.#httpUntil;
  }

  /**
   * The answer's text. Rejects with LaneTransportError when the connection fails before any
   * output (the request can go by HTTP), with the abort reason when `signal` aborts or the
   * timeout passes, and with the model's error (classified, as for AI turns) when it answers one.
   */
  async ask(request: LaneRequest, caller: AbortSignal): Promise<string> {
    const signal = AbortSignal.any([caller, AbortSignal.timeout(this.#timeoutMs)]);
    const connection = await this.#open();
    if (signal.aborted) throw abortReason(signal);
    const lane = connection.free.pop() ?? (connection.count < MAX_LANES ? `predict-${++connection.count}` : null);
    if (lane === null) throw new LaneTransportError('every prediction lane is busy');
    const { socket } = connection;
    const reader = new ResponsesTurnReader(this.#target.label, [this.#target.apiKey]);
    return new Promise<string>((resolve, reject) => {
      let text = '';
      let settled = false;
      const settle = (err: Error | null) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        this.#idle.refresh();
        if (err) reject(err);
        else resolve(text);
      };
      // Superseded: the caller is answered now; the listener stays until the response ends.
      const onAbort = () => settle(abortReason(signal));
      const transportFailure = (why: string) => {
        remove();
        this.#fail();
        settle(reader.outputStarted ? new Error(`the prediction connection failed: ${why}`) : new LaneTransportError(why));
      };
      const remove = socket.listen(
        {
          event: (event) => {
            const outcome = reader.handle(event, (e) => {
              if (e.type === 'text') text += e.delta;
            });
            if (!outcome) return;
            // The response has ended upstream: the lane takes the next request.
            remove();
            connection.free.push(lane);
            settle(outcome.kind === 'completed' ? null : new Error(outcome.error.message));
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
    clearTimeout(this.#idle);
    this.#drop('predictions closed');
  }

  /** The open connection, opening (or replacing an old or dead) one when needed. */
  async #open(): Promise<Connection> {
    if (this.#connection) {
      const current = await this.#connection.catch(() => null);
      if (current?.socket.alive && current.socket.ageMs < ROTATE_AFTER_MS) return current;
      // Old: the new one takes the requests; the old one closes once its lanes have answered.
      if (current?.socket.alive) retire(current.socket);
      this.#connection = null;
    }
    if (!this.usable) throw new LaneTransportError('the prediction connection failed a moment ago');
    const opening = ResponsesSocket.open(this.#target, HANDSHAKE_TIMEOUT_MS).then((socket) => ({ socket, count: 0, free: [] }));
    this.#connection = opening;
    try {
      return await opening;
    } catch (err) {
      if (this.#connection === opening) this.#connection = null;
      this.#fail();
      throw new LaneTransportError((err as Error).message);
    }
  }

  #fail(): void {
    this.#httpUntil = Date.now() + HTTP_AFTER_FAILURE_MS;
    this.#drop('failed');
  }

  #drop(reason: string): void {
    const connection = this.#connection;
    this.#connection = null;
    void connection?.then((c) => c.socket.close(reason), () => {});
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
