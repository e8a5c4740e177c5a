// One persistent Responses WebSocket, via the openai package's ResponsesWS. The socket is
// shared by sequential turns; each turn installs a listener for the frames of its response.
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
  /** Latest response id the upstream caches on this connection (null: nothing to chain from). */
  chainId: string | null = null;
  /** JSON of model+instructions+tools of the request that produced chainId. */
  chainKey: string | null = null;
  #rws: ResponsesWS;
  #alive = true;
  #listener: SocketListener | null = null;

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
        if (/invalid WebSocket event|reserved WebSocket event/.test(err.message)) socket.#listener?.malformed(err.message);
      });
      rws.on('event', (event) => socket.#listener?.event(event as unknown as Json));
      rws.on('raw', (data) => socket.#listener?.malformed(typeof data === 'string' ? 'invalid JSON' : 'binary frame'));
      rws.on('close', (code, reason) => {
        socket.#alive = false;
        if (!opened) fail(failure);
        else socket.#listener?.closed(code, reason);
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

  /** Installs the listener for the next response; returns its remover. */
  listen(listener: SocketListener): () => void {
    this.#listener = listener;
    return () => {
      if (this.#listener === listener) this.#listener = null;
    };
  }

  send(frame: Json): void {
    this.#rws.send({ type: 'response.create', ...frame } as never);
  }

  /** Closing is the only way to abort a response over WebSocket; it also drops the cache. */
  close(reason = 'closed'): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.chainId = null;
    this.#listener = null;
    try {
      this.#rws.close({ code: 1000, reason });
    } catch {
      // already closing
    }
  }
}
