// What the rest of the server needs of a room to write into it in process (the AI peer), so that
// such writers depend on this small contract rather than on Room and RoomManager themselves.
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { Role } from '../../lib/schema.ts';

/** One loaded room, as an in-process writer keeps its replica and presence in step with it. */
export interface RoomHandle {
  readonly id: string;
  /** The room's document: updates applied to it are stored and fanned out like a client's. */
  readonly doc: Y.Doc;
  /** The room's presence: entries applied to it reach everyone in the room. */
  readonly awareness: Awareness;
  /** Upper bound of the stored document size in bytes. */
  readonly storedBytes: number;
}

/** A room kept loaded until `release()`. */
export interface HeldRoom {
  room: RoomHandle;
  release(): void;
}

/** How an in-process writer finds rooms by id. */
export interface RoomSource {
  /** The per-room document size limit (in-process writers check it too). */
  readonly maxDocBytes: number;
  /** Calls `listener` whenever a connection has joined a room; returns the unsubscribe. */
  onJoined(listener: (id: string, role: Role) => void): () => void;
  /** Loads a room and keeps it loaded until released. */
  hold(id: string): Promise<HeldRoom>;
  /** Reads a session's current document: the live room's if loaded, else a stored copy. */
  withDoc<T>(id: string, read: (doc: Y.Doc) => T): Promise<T>;
}
