// The registry of loaded rooms. A room is a Promise in the map from the first join on, so
// concurrent joins share one load; it is compacted and unloaded after staying empty for a grace
// period. Also owns the process-wide connection count and the ping/pong heartbeat.
import * as Y from 'yjs';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { CLOSE, type CloseSpec } from '../../lib/protocol.ts';
import type { Role } from '../../lib/schema.ts';
import type { Storage } from '../storage/Storage.ts';
import { applyStoredRoom } from '../storage/replay.ts';
import { Connection, type PeerRequestHandler } from './Connection.ts';
import { Room } from './Room.ts';
import type { RoomSource } from './roomHandle.ts';
import { log } from '../log.ts';

export interface RoomManagerOptions {
  maxRooms: number;
  maxConnections: number;
  maxFrameBytes: number;
  maxDocBytes: number;
  maxAwarenessStateBytes?: number;
  maxRoomAwarenessBytes?: number;
  roomIdleMs: number;
  compactEvery: number;
  pingIntervalMs: number;
}

/** Told when rooms load and unload (RoomManager.watchRooms). */
export interface RoomWatcher {
  loaded(room: Room): void;
  unloading(room: Room, kept: boolean): void;
}

export class RoomManager implements RoomSource {
  private readonly rooms = new Map<string, Promise<Room>>();
  /** The same rooms once loaded, so that unloading can drop the entry without awaiting. */
  private readonly loaded = new Map<string, Room>();
  private readonly unloading = new Map<string, Promise<void>>();
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();
  readonly connections = new Set<Connection>();
  private readonly heartbeat: NodeJS.Timeout;
  private shuttingDown = false;
  private readonly joinListeners = new Set<(id: string, role: Role) => void>();
  private readonly unloadListeners = new Set<(id: string) => void>();
  private readonly roomWatchers = new Set<RoomWatcher>();

  private readonly storage: Storage;
  private readonly options: RoomManagerOptions;
  private requestHandler: PeerRequestHandler | null = null;

  constructor(storage: Storage, options: RoomManagerOptions) {
    this.storage = storage;
    this.options = options;
    this.heartbeat = setInterval(() => {
      for (const conn of this.connections) conn.heartbeat();
    }, options.pingIntervalMs);
    this.heartbeat.unref();
  }

  /**
   * Calls `listener(roomId)` whenever a connection has joined a room, so that other parts of
   * the server (the AI's warm-up) can react without the room code knowing them.
   */
  onJoined(listener: (id: string, role: Role) => void): () => void {
    this.joinListeners.add(listener);
    return () => this.joinListeners.delete(listener);
  }

  /**
   * Tells `watcher` of every room this node loads (before anyone joins it) and of every room it
   * lets go, before the room's document is destroyed: `kept` is false when the room went to
   * another node (nothing more may be written from here).
   */
  watchRooms(watcher: RoomWatcher): () => void {
    this.roomWatchers.add(watcher);
    for (const room of this.loaded.values()) watcher.loaded(room);
    return () => this.roomWatchers.delete(watcher);
  }

  /** Calls `listener(roomId)` once a room has been unloaded here. */
  onUnloaded(listener: (id: string) => void): () => void {
    this.unloadListeners.add(listener);
    return () => this.unloadListeners.delete(listener);
  }

  /**
   * Drops a room this node may no longer write (another node owns it now): its connections
   * close with "reconnect" and nothing is compacted, so a newer snapshot is never overwritten.
   */
  async evict(id: string): Promise<void> {
    const room = this.loaded.get(id) ?? (await this.rooms.get(id)?.catch(() => undefined));
    if (room) await this.unload(room, { closeWith: CLOSE.reconnect, compact: false });
  }

  /** The per-room document size limit (in-process writers such as the AI check it too). */
  get maxDocBytes(): number {
    return this.options.maxDocBytes;
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  isLoaded(id: string): boolean {
    return this.rooms.has(id);
  }

  /** Why a new connection to this room would be refused now (checked before the upgrade). */
  capacityProblem(id: string): string | null {
    if (this.shuttingDown) return 'server shutting down';
    if (this.connections.size >= this.options.maxConnections) return 'too many connections';
    if (!this.rooms.has(id) && this.rooms.size >= this.options.maxRooms) return 'too many rooms';
    return null;
  }

  /** Who answers the requests peers send on their sockets from now on (edit predictions). */
  handleRequests(handler: PeerRequestHandler): void {
    this.requestHandler = handler;
  }

  /**
   * Takes an upgraded socket: listens at once, joins the room when it has loaded. `socket` is
   * the one the upgrade completed on (the room writes its framed messages to it directly).
   */
  accept(ws: WebSocket, socket: Duplex, id: string, role: Role, remoteAddress?: string): Connection {
    const conn = new Connection(ws, socket, id, role, this.options.maxFrameBytes, remoteAddress);
    conn.onRequest = this.requestHandler;
    this.connections.add(conn);
    this.cancelIdle(id);
    const loading = this.get(id);
    conn.onClose = () => {
      this.connections.delete(conn);
      log.info('conn.close', { conn: conn.id, room: id });
      void loading.then((room) => {
        if (room.removePeer(conn)) this.scheduleIdle(room);
      }, () => {});
    };
    loading.then(
      (room) => {
        if (conn.isClosed) {
          if (room.isIdle) this.scheduleIdle(room);
          return;
        }
        conn.attach(room);
        for (const listener of this.joinListeners) listener(id, role);
      },
      (err) => {
        log.error('room.load_failed', err, { room: id });
        conn.close(CLOSE.internal);
      },
    );
    log.info('conn.open', { conn: conn.id, room: id, role });
    return conn;
  }

  /** The loaded room, loading it from storage on first use. */
  get(id: string): Promise<Room> {
    let room = this.rooms.get(id);
    if (!room) {
      room = this.load(id);
      this.rooms.set(id, room);
      room.catch(() => {
        if (this.rooms.get(id) === room) this.rooms.delete(id);
      });
    }
    return room;
  }

  /**
   * Loads a room for an in-process user (the AI peer, tools) and keeps it loaded until
   * release() is called. Writes to room.doc inside doc.transact(fn, origin) are stored and fanned
   * out like any client's.
   */
  async hold(id: string): Promise<{ room: Room; release(): void }> {
    this.cancelIdle(id);
    const room = await this.get(id);
    room.holds++;
    this.cancelIdle(id);
    let released = false;
    return {
      room,
      release: () => {
        if (released) return;
        released = true;
        room.holds--;
        if (room.isIdle && this.loaded.get(id) === room) this.scheduleIdle(room);
      },
    };
  }

  /**
   * The live editor connection that publishes awareness as `clientId` in this session, from
   * `address`: who is asking, as the server knows it (its connection and the name everyone
   * sees), rather than as a request body claims. Null when there is none.
   */
  requester(id: string, clientId: number | undefined, address: string): { key: string; name: string | null } | null {
    if (clientId === undefined) return null;
    const room = this.loaded.get(id);
    const owner = room?.presence.ownerOf(clientId);
    if (!(owner instanceof Connection) || owner.isClosed || owner.role !== 'edit' || owner.remoteAddress !== address) return null;
    const state = room!.awareness.getStates().get(clientId) as { user?: { name?: unknown } } | undefined;
    const name = typeof state?.user?.name === 'string' && state.user.name.trim() ? state.user.name.trim().slice(0, 80) : null;
    return { key: `conn${owner.id}`, name };
  }

  /** The room if it is loaded (not loading), without loading it. */
  live(id: string): Room | undefined {
    return this.loaded.get(id);
  }

  /** The room if it is loaded or loading, without loading it. */
  peek(id: string): Promise<Room> | undefined {
    return this.rooms.get(id);
  }

  /**
   * Waits (at most `timeoutMs`) until the live room's document has every change a client's state
   * vector names: a request that arrives by HTTP may overtake the WebSocket frame with the
   * keystroke it is about. Resolves true once covered, false on timeout or when not loaded.
   */
  async caughtUp(id: string, stateVector: Map<number, number>, timeoutMs: number): Promise<boolean> {
    const live = this.rooms.get(id);
    if (!live) return false;
    const room = await live;
    const covered = () => Array.from(stateVector).every(([client, clock]) => Y.getState(room.doc.store, client) >= clock);
    if (covered()) return true;
    return new Promise((resolve) => {
      const done = (result: boolean) => {
        clearTimeout(timer);
        room.doc.off('update', onUpdate);
        resolve(result);
      };
      const onUpdate = () => {
        if (covered()) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      room.doc.on('update', onUpdate);
    });
  }

  /** Current document of a session: the live room's if loaded, else a copy read from storage. */
  async withDoc<T>(id: string, read: (doc: Y.Doc) => T): Promise<T> {
    const live = this.rooms.get(id);
    if (live) {
      // Whoever reads (an HTTP download, the AI) sees only stored state: write this tick's first.
      const room = await live;
      await room.persist();
      return read(room.doc);
    }
    await this.unloading.get(id);
    const stored = await this.storage.loadRoom(id);
    const doc = new Y.Doc();
    try {
      applyStoredRoom(doc, stored);
      return read(doc);
    } finally {
      doc.destroy();
    }
  }

  private async load(id: string): Promise<Room> {
    // A room being unloaded finishes its final compaction before it is read again.
    await this.unloading.get(id);
    const stored = await this.storage.loadRoom(id);
    const room = new Room(id, stored, this.storage, {
      maxDocBytes: this.options.maxDocBytes,
      maxAwarenessStateBytes: this.options.maxAwarenessStateBytes,
      maxRoomAwarenessBytes: this.options.maxRoomAwarenessBytes,
      compactEvery: this.options.compactEvery,
    });
    room.onFailure = () => void this.unload(room);
    this.loaded.set(id, room);
    for (const watcher of this.roomWatchers) watcher.loaded(room);
    log.info('room.loaded', { room: id, updates: stored.updates.length, bytes: stored.bytes });
    return room;
  }

  private scheduleIdle(room: Room): void {
    if (this.shuttingDown || this.idleTimers.has(room.id)) return;
    const timer = setTimeout(() => {
      this.idleTimers.delete(room.id);
      if (room.isIdle) void this.unload(room);
    }, this.options.roomIdleMs);
    timer.unref();
    this.idleTimers.set(room.id, timer);
  }

  private cancelIdle(id: string): void {
    const timer = this.idleTimers.get(id);
    if (timer) {
      clearTimeout(timer);
      this.idleTimers.delete(id);
    }
  }

  private async unload(room: Room, how?: { closeWith: CloseSpec; compact: boolean }): Promise<void> {
    if (this.loaded.get(room.id) !== room) return;
    this.loaded.delete(room.id);
    this.rooms.delete(room.id);
    this.cancelIdle(room.id);
    for (const watcher of this.roomWatchers) watcher.unloading(room, how?.compact !== false);
    const done = room.destroy(how?.closeWith, how?.compact).finally(() => {
      if (this.unloading.get(room.id) === done) this.unloading.delete(room.id);
    });
    this.unloading.set(room.id, done);
    await done;
    log.info('room.unloaded', { room: room.id });
    for (const listener of this.unloadListeners) listener(room.id);
  }

  /** Closes every connection with 1001, compacts and unloads every room. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    clearInterval(this.heartbeat);
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    const rooms = await Promise.allSettled(Array.from(this.rooms.values()));
    this.rooms.clear();
    this.loaded.clear();
    for (const r of rooms) if (r.status === 'fulfilled') for (const watcher of this.roomWatchers) watcher.unloading(r.value, true);
    await Promise.all(
      rooms.map((r) => (r.status === 'fulfilled' ? r.value.destroy(CLOSE.goingAway) : undefined)),
    );
    await Promise.all(this.unloading.values());
    for (const conn of this.connections) conn.close(CLOSE.goingAway);
  }
}
