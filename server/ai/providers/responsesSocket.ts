// One persistent Responses WebSocket, via the openai package's ResponsesWS. The socket is
// shared by sequential turns and, on lanes (`stream_id`), by parallel ones: each turn installs a
// listener for the frames of its lane.
import { ResponsesWS } from 'openai/resources/responses/ws';
import { openaiClient } from './openaiClient.ts';
import { redact } from './providerErrors.ts';
import type { ProviderTarget } from './types.ts';

type Json = Record<string, unknown>;

export const RESPONSES_WS_BETA = 'responses_websockets=2026-02-06';

export interface SocketListener {
  event(event: Json): void;
  /** A frame that is not a JSON object with a string type. */
  malformed(what: string): void;
  /** The socket closed (abruptly or not) while this listener was installed. */
  closed(code: number, reason: string): void;
}

export class SocketOpenError extends Error {}

export class ResponsesSocket {
  readonly openedAt = Date.now();
  #rws: ResponsesWS;
  #alive = true;
  /** The turns streaming now, by lane ('' for requests without a stream_id). */
  readonly #listeners = new Map<string, SocketListener>();

  private constructor(rws: ResponsesWS) {
    this.#rws = rws;
  }

  /** Opens a connection; rejects with SocketOpenError when the handshake fails or times out. */
  static open(target: ProviderTarget, timeoutMs: number, signal?: AbortSignal): Promise<ResponsesSocket> {
    return new Promise((resolve, reject) => {
      const rws = new ResponsesWS(openaiClient(target), { headers: { 'OpenAI-Beta': RESPONSES_WS_BETA }, handshakeTimeout: timeoutMs });
      const socket = new ResponsesSocket(rws);
      let opened = false;
      let failure = 'the connection closed during the handshake';
      const fail = (why: string) => {
        if (opened) return;
        opened = true; // settle once
        socket.#alive = false;
        signal?.removeEventListener('abort', onAbort);
        try {
          rws.close({ code: 1000, reason: 'handshake abandoned' });
        } catch {
          // already closed
        }
        reject(new SocketOpenError(redact(why, [target.apiKey])));
      };
      const onAbort = () => fail('cancelled');
      signal?.addEventListener('abort', onAbort, { once: true });
      // ResponsesWS requires an error handler (an unhandled one becomes an unhandled rejection).
      rws.on('error', (err) => {
        if (!opened) {
          failure = err.message;
          return;
        }
        // Error events from the server reach the listener through 'event'; here only frames
        // the SDK could not accept (no string type, reserved type) and socket errors remain.
        if ((err as { error?: unknown }).error) return;
        if (/invalid WebSocket event|reserved WebSocket event/.test(err.message)) for (const l of socket.#all()) l.malformed(err.message);
      });
      rws.on('event', (event) => socket.#route(event as unknown as Json));
      rws.on('raw', (data) => {
        for (const l of socket.#all()) l.malformed(typeof data === 'string' ? 'invalid JSON' : 'binary frame');
      });
      rws.on('close', (code, reason) => {
        socket.#alive = false;
        if (!opened) fail(failure);
        else for (const l of socket.#all()) l.closed(code, reason);
      });
      rws.socket.on('open', () => {
        if (opened) return;
        opened = true;
        signal?.removeEventListener('abort', onAbort);
        resolve(socket);
      });
    });
  }

  get alive(): boolean {
    return this.#alive;
  }

  get ageMs(): number {
    return Date.now() - this.openedAt;
  }

  /** Turns streaming on this socket now. */
  get listening(): number {
    return this.#listeners.size;
  }

  /** Installs the listener for the next response on `lane`; returns its remover. */
  listen(listener: SocketListener, lane = ''): () => void {
    this.#listeners.set(lane, listener);
    return () => {
      if (this.#listeners.get(lane) === listener) this.#listeners.delete(lane);
    };
  }

  #all(): SocketListener[] {
    return [...this.#listeners.values()];
  }

  /**
   * A frame to its lane's listener; one that names no lane to the turn without a lane, or with
   * none streaming, to every listener (a connection-wide error).
   */
  #route(event: Json): void {
    const lane = event.stream_id;
    if (typeof lane === 'string') return this.#listeners.get(lane)?.event(event);
    const plain = this.#listeners.get('');
    if (plain) plain.event(event);
    else for (const l of this.#all()) l.event(event);
  }

  send(frame: Json): void {
    this.#rws.send({ type: 'response.create', ...frame } as never);
  }

  /** Closing is the only way to abort a response over WebSocket; it also drops the cache. */
  close(reason = 'closed'): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.#listeners.clear();
    try {
      this.#rws.close({ code: 1000, reason });
    } catch {
      // already closing
    }
  }
}
