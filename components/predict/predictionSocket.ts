'use client';
// Edit predictions over the page's collab WebSocket (lib/protocol.ts MESSAGE.predict): the
// request goes right behind the keystroke's update on the same socket, so the server has the
// text without waiting for it, and neither side makes an HTTP request (measured: the page's
// fetch and its answer were about a third of keystroke → ghost text). When the socket is not
// open the caller uses the HTTP endpoint instead.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { WebsocketProvider } from 'y-websocket';
import type { PredictFrameAnswer, PredictResponse } from '@/lib/api.ts';
import { MESSAGE } from '@/lib/protocol.ts';
import { ApiRequestError } from '@/components/shared/serverApi.ts';

type Handler = WebsocketProvider['messageHandlers'][number];

/** An answer that does not come within this long is given up (the request stays cancelled). */
const ANSWER_TIMEOUT_MS = 15_000;

interface Pending {
  resolve: (answer: PredictResponse) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export interface SocketPrediction {
  file: string;
  cursor: { line: number; column: number };
  /** This page's own clock once the keystroke is in the document. */
  clock: number;
}

export class PredictionSocket {
  private readonly provider: WebsocketProvider;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly onStatus = ({ status }: { status: string }) => {
    if (status !== 'connected') this.failAll(new ApiRequestError(0, 'offline', 'the connection to the server was lost'));
  };

  constructor(provider: WebsocketProvider) {
    this.provider = provider;
    const handler: Handler = (_encoder, decoder) => this.answered(decoding.readVarString(decoder));
    provider.messageHandlers[MESSAGE.predict] = handler;
    provider.on('status', this.onStatus);
  }

  /** Whether a request can go now (else use HTTP). */
  get open(): boolean {
    const ws = this.provider.ws;
    return this.provider.wsconnected && ws !== null && ws.readyState === WebSocket.OPEN;
  }

  ask(request: SocketPrediction, signal: AbortSignal): Promise<PredictResponse> {
    const id = this.nextId++;
    return new Promise<PredictResponse>((resolve, reject) => {
      if (signal.aborted) return reject(new DOMException('aborted', 'AbortError'));
      const timer = setTimeout(() => this.settle(id)?.reject(new ApiRequestError(0, 'timeout', 'no prediction in time')), ANSWER_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      signal.addEventListener(
        'abort',
        () => {
          const p = this.settle(id);
          if (!p) return;
          // The server stops the upstream request too (a newer request would also have).
          this.send({ id, cancel: true });
          p.reject(new DOMException('aborted', 'AbortError'));
        },
        { once: true },
      );
      // Sent at once: the binding has written the keystroke (its model listener was registered
      // before the prediction layer's, which asks) and y-websocket sent its update synchronously,
      // so the request follows it on the socket. It names this page's clock anyway, and the
      // server waits (bounded) for what it names. Waiting for the end of the key's handling
      // before sending cost ~2 ms (measured).
      const { clock: _, ...where } = request;
      this.send({ id, ...where, seen: { client: this.provider.doc.clientID, clock: request.clock } });
    });
  }

  destroy(): void {
    this.provider.off('status', this.onStatus);
    if (this.provider.messageHandlers[MESSAGE.predict]) delete this.provider.messageHandlers[MESSAGE.predict];
    this.failAll(new DOMException('aborted', 'AbortError'));
  }

  private send(body: object): void {
    const ws = this.provider.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE.predict);
    encoding.writeVarString(encoder, JSON.stringify(body));
    ws.send(encoding.toUint8Array(encoder));
  }

  private answered(json: string): void {
    let answer: PredictFrameAnswer;
    try {
      answer = JSON.parse(json) as PredictFrameAnswer;
    } catch {
      return;
    }
    if (answer.id === null) return;
    const p = this.settle(answer.id);
    if (!p) return;
    if ('error' in answer) p.reject(new ApiRequestError(0, answer.error.code, answer.error.message));
    else p.resolve(answer);
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    clearTimeout(p.timer);
    return p;
  }

  private failAll(err: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id)!.reject(err);
  }
}
