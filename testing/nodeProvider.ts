// A stock y-websocket client in Node, shared by the server's tests (harness.ts) and the benchmarks
// (bench/lib/clients.ts). No side effects on import, so the benchmarks can load it without the harness.
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';

export interface Client {
  doc: Y.Doc;
  provider: WebsocketProvider;
  destroy(): void;
}

/** WebsocketProvider with the `ws` polyfill and no BroadcastChannel (each client is its own peer). */
export function connectProvider(serverUrl: string, room: string, params: Record<string, string>, maxBackoffTime?: number): Client {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(serverUrl, room, doc, {
    params,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    ...(maxBackoffTime === undefined ? {} : { maxBackoffTime }),
  });
  return {
    doc,
    provider,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}
