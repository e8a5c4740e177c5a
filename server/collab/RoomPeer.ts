// What a room needs from whoever joins it: a WebSocket connection, or an in-process peer.
import type { CloseSpec } from '../../lib/protocol.ts';

/** What a room needs from a connection (kept minimal so in-process peers can join too). */
export interface RoomPeer {
  readonly id: number;
  send(frame: Uint8Array): void;
  /** Sends messages already framed for the wire by wireFrame.ts; WebSocket peers have it. */
  sendFramed?(wire: Buffer): void;
  close(spec: CloseSpec): void;
}
