// One WebSocket joined to one room. Listeners are attached the moment the socket opens and
// frames are buffered until the room has loaded ("listen before you await"), then replayed in
// order. Each frame is handled alone inside try/catch: a bad frame closes this connection with a
// named code and never touches the room or the process.
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import type { Duplex } from 'node:stream';
import type { WebSocket, RawData } from 'ws';
import { CLOSE, MESSAGE, type CloseSpec } from '../../lib/protocol.ts';
import type { Role } from '../../lib/schema.ts';
import { decodeAwarenessUpdate } from './awarenessRole.ts';
import { FrameError, malformed } from './frameErrors.ts';
import type { Room } from './Room.ts';
import type { RoomPeer } from './RoomPeer.ts';
import { binaryFrame } from './wireFrame.ts';
import { log } from '../log.ts';

/** A peer that lets this much pile up unsent is too slow to keep; it reconnects and resyncs. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

type Handler = (conn: Connection, room: Room, decoder: decoding.Decoder) => void;

/**
 * A request in one of Tandem's own message types (an edit prediction), as the JSON string the
 * frame carries; the handler answers on `peer.send`, or not at all.
 */
export type PeerRequestHandler = (peer: Connection, payload: string) => void;

/** Longest request payload (characters); a longer one is a malformed frame. */
const MAX_REQUEST_CHARS = 4096;

const handlers: Record<number, Handler> = {
  [MESSAGE.sync]: handleSync,
  [MESSAGE.awareness]: handleAwareness,
  // Clients never send auth messages; accept and ignore them as y-websocket servers do.
  [MESSAGE.auth]: () => {},
  [MESSAGE.queryAwareness]: (conn, room) => {
    const frame = room.awarenessFrame();
    if (frame) conn.send(frame);
  },
  [MESSAGE.predict]: (conn, _room, decoder) => {
    const payload = decoding.readVarString(decoder);
    if (payload.length > MAX_REQUEST_CHARS) throw malformed(`prediction request of ${payload.length} characters`);
    conn.onRequest?.(conn, payload);
  },
};

let nextConnectionId = 1;

export class Connection implements RoomPeer {
  readonly id = nextConnectionId++;
  readonly role: Role;
  readonly sessionId: string;
  /** The peer's address as the server sees it (for limits keyed on what the server knows). */
  readonly remoteAddress: string;
  /** Cleared on every ping; a socket that has not answered the previous ping is terminated. */
  alive = true;
  private readonly ws: WebSocket;
  /** The upgraded socket under `ws`: framed messages are written to it directly (wireFrame.ts). */
  private readonly socket: Duplex;
  private room: Room | null = null;
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private readonly maxBufferedBeforeLoad: number;
  private closed = false;
  /**
   * Sync step 1 answers (each a full diff of the document) go one at a time, the next only once
   * the previous has left the socket's buffer; step 1 frames arriving meanwhile collapse into
   * the latest. A flood of 4-byte frames then costs one encode per drained answer, not one each.
   */
  private step1Busy = false;
  private step1Next: Uint8Array | null = null;
  onClose: (conn: Connection) => void = () => {};
  /** Answers the peer's requests (set by the room manager); none: they go unanswered. */
  onRequest: PeerRequestHandler | null = null;

  constructor(ws: WebSocket, socket: Duplex, sessionId: string, role: Role, maxFrameBytes: number, remoteAddress?: string) {
    this.ws = ws;
    this.socket = socket;
    this.sessionId = sessionId;
    this.role = role;
    // A socket forwarded by another node carries the person's address in a signed header.
    this.remoteAddress = remoteAddress ?? (socket as { remoteAddress?: string }).remoteAddress ?? '';
    this.maxBufferedBeforeLoad = maxFrameBytes * 2;
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('pong', () => void (this.alive = true));
    ws.on('error', (err) => log.warn('conn.error', { conn: this.id, room: sessionId, error: JSON.stringify(err.message) }));
    ws.on('close', () => this.handleClosed());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Joins the loaded room: greets the peer and replays frames that arrived while loading. */
  attach(room: Room): void {
    if (this.closed) return;
    this.room = room;
    room.addPeer(this);
    // Viewers get no sync step 1: whatever they would answer with is dropped anyway.
    if (this.role === 'edit') this.send(room.syncStep1Frame());
    const awareness = room.awarenessFrame();
    if (awareness) this.send(awareness);
    const frames = this.buffered;
    this.buffered = [];
    this.bufferedBytes = 0;
    for (const frame of frames) {
      if (this.closed) return;
      this.handleFrame(room, frame);
    }
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    if (!isBinary) return this.close(CLOSE.malformedFrame);
    const frame = toUint8Array(data);
    if (this.room) return this.handleFrame(this.room, frame);
    this.bufferedBytes += frame.byteLength;
    if (this.bufferedBytes > this.maxBufferedBeforeLoad) return this.close(CLOSE.messageTooBig);
    this.buffered.push(frame);
  }

  private handleFrame(room: Room, frame: Uint8Array): void {
    try {
      const decoder = decoding.createDecoder(frame);
      const type = decoding.readVarUint(decoder);
      const handler = handlers[type];
      if (!handler) throw malformed(`unknown message type ${type}`);
      handler(this, room, decoder);
    } catch (err) {
      // Decoding happens throughout the handlers (lib0 throws on truncated input), so anything
      // thrown while handling a frame is blamed on the frame, unless it names its own code.
      this.fail(err instanceof FrameError ? err : malformed((err as Error)?.message ?? String(err)));
    }
  }

  fail(err: unknown): void {
    if (err instanceof FrameError) {
      log.warn('conn.refused_frame', { conn: this.id, room: this.sessionId, code: err.close.code, why: JSON.stringify(err.message) });
      this.close(err.close);
    } else {
      log.error('conn.frame_failed', err, { conn: this.id, room: this.sessionId });
      this.close(CLOSE.internal);
    }
  }

  send(frame: Uint8Array): void {
    this.sendFramed(binaryFrame(frame));
  }

  /** Writes messages already framed by wireFrame.ts (the same Buffer may go to many sockets). */
  sendFramed(wire: Buffer): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.socket.writableLength > MAX_BUFFERED_BYTES) {
      log.warn('conn.slow_consumer', { conn: this.id, room: this.sessionId });
      this.ws.terminate();
      return;
    }
    this.socket.write(wire);
  }

  answerSyncStep1(room: Room, stateVector: Uint8Array): void {
    if (this.step1Busy) {
      this.step1Next = stateVector;
      return;
    }
    this.step1Busy = true;
    room.syncStep2For(stateVector)
      .then((frame) => {
        this.send(frame);
        return this.drained();
      })
      .then(
        () => {
          this.step1Busy = false;
          const next = this.step1Next;
          this.step1Next = null;
          if (next && !this.closed) this.answerSyncStep1(room, next);
        },
        (err) => this.fail(err),
      );
  }

  /** Resolves once everything written so far has left for the network (or the socket closed). */
  private drained(): Promise<void> {
    if (this.closed || this.socket.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  close(spec: CloseSpec): void {
    if (this.closed) return;
    this.ws.close(spec.code, spec.reason);
    this.handleClosed();
  }

  /** Heartbeat: terminate when the previous ping went unanswered, else ping again. */
  heartbeat(): void {
    if (this.closed) return;
    if (!this.alive) {
      log.info('conn.ping_timeout', { conn: this.id, room: this.sessionId });
      this.ws.terminate();
      this.handleClosed();
      return;
    }
    this.alive = false;
    this.ws.ping();
  }

  private handleClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffered = [];
    this.onClose(this);
  }
}

function handleSync(conn: Connection, room: Room, decoder: decoding.Decoder): void {
  const kind = decoding.readVarUint(decoder);
  switch (kind) {
    case syncProtocol.messageYjsSyncStep1: {
      conn.answerSyncStep1(room, decoding.readVarUint8Array(decoder));
      return;
    }
    case syncProtocol.messageYjsSyncStep2:
    case syncProtocol.messageYjsUpdate: {
      const update = decoding.readVarUint8Array(decoder);
      // Viewers' document changes are dropped here: never applied, relayed or stored.
      if (conn.role !== 'edit') return;
      room.applyClientUpdate(update, conn);
      return;
    }
    default:
      throw malformed(`unknown sync message ${kind}`);
  }
}

function handleAwareness(conn: Connection, room: Room, decoder: decoding.Decoder): void {
  const update = decoding.readVarUint8Array(decoder);
  let entries;
  try {
    entries = decodeAwarenessUpdate(update);
  } catch (err) {
    throw malformed(`undecodable awareness update: ${(err as Error).message}`);
  }
  // Only its own client ids, bounded sizes; role and kind are the server's (Room).
  const dropped = room.applyPeerAwareness(entries, conn, conn.role);
  if (dropped > 0) log.warn('conn.awareness_dropped', { conn: conn.id, room: conn.sessionId, entries: dropped });
}

function toUint8Array(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

