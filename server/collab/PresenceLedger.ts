// Who speaks for each awareness clientID of a room, and how many bytes of presence each holds.
// A connection may speak only for client ids it introduced (at most 16): entries for ids another
// peer owns (a person's, the AI's) are dropped, so presence cannot be forged and a forger
// leaving removes nothing but its own.
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Role } from '../../lib/schema.ts';
import { encodeAwarenessUpdate, forceRole, type AwarenessEntry } from './awarenessRole.ts';
import { awarenessTooLarge } from './frameErrors.ts';
import type { RoomPeer } from './RoomPeer.ts';

/** Awareness client ids one connection may speak for (a tab has one; this bounds strangers). */
const MAX_AWARENESS_CLIENTS = 16;
export const DEFAULT_AWARENESS_STATE_BYTES = 16 * 1024;
export const DEFAULT_ROOM_AWARENESS_BYTES = 1024 * 1024;

export interface PresenceLimits {
  /** Largest awareness state one client may publish (its JSON); past it the socket closes. */
  maxAwarenessStateBytes?: number;
  /** All awareness states of the room together; a state that would pass it closes its socket. */
  maxRoomAwarenessBytes?: number;
}

export class PresenceLedger {
  /** Which peer last set each awareness clientID: its states are removed when it leaves. */
  private readonly owners = new Map<number, RoomPeer>();
  /**
   * JSON size of each state a connection published (as sent, measured when it was decoded),
   * and their sum (bounded by maxRoomAwarenessBytes).
   */
  private readonly bytes = new Map<number, number>();
  private total = 0;
  private readonly maxState: number;
  private readonly maxRoom: number;
  private readonly awareness: awarenessProtocol.Awareness;

  constructor(awareness: awarenessProtocol.Awareness, limits: PresenceLimits) {
    this.awareness = awareness;
    this.maxState = limits.maxAwarenessStateBytes ?? DEFAULT_AWARENESS_STATE_BYTES;
    this.maxRoom = limits.maxRoomAwarenessBytes ?? DEFAULT_ROOM_AWARENESS_BYTES;
  }

  ownerOf(clientId: number): RoomPeer | undefined {
    return this.owners.get(clientId);
  }

  /** The client ids a peer speaks for (removed with it when it leaves). */
  ownedBy(peer: RoomPeer): number[] {
    const owned: number[] = [];
    for (const [clientId, owner] of this.owners) if (owner === peer) owned.push(clientId);
    return owned;
  }

  /** Keeps the ledger in step with an awareness update (`peer` is null for in-process writers). */
  record(changes: { added: number[]; updated: number[]; removed: number[] }, peer: RoomPeer | null): void {
    if (peer) for (const id of changes.added) this.owners.set(id, peer);
    if (peer) for (const id of changes.updated) this.owners.set(id, peer);
    for (const id of changes.removed) {
      this.owners.delete(id);
      this.setBytes(id, 0);
    }
  }

  /**
   * Applies awareness a connection sent, with `role` and `kind` set by the server. A state past
   * maxAwarenessStateBytes, or one that would take the room past maxRoomAwarenessBytes, throws
   * (the connection closes with 4414). Returns the number of entries dropped.
   */
  apply(entries: readonly AwarenessEntry[], peer: RoomPeer, role: Role): number {
    let owned = this.ownedBy(peer).length;
    const states = this.awareness.getStates();
    const accepted: AwarenessEntry[] = [];
    let dropped = 0;
    let total = this.total;
    for (const e of entries) {
      const owner = this.owners.get(e.clientId);
      if (owner !== undefined && owner !== peer) {
        dropped++;
        continue;
      }
      if (owner === undefined) {
        // An id someone else holds without a connection (none today), or a removal of an id this
        // connection never had: nothing to do.
        if (states.has(e.clientId) || e.state === null) {
          if (e.state !== null) dropped++;
          continue;
        }
        if (owned >= MAX_AWARENESS_CLIENTS) {
          dropped++;
          continue;
        }
        owned++;
      }
      if (e.state !== null && e.bytes > this.maxState) {
        throw awarenessTooLarge(`an awareness state of ${e.bytes} bytes (limit ${this.maxState})`);
      }
      total += (e.state === null ? 0 : e.bytes) - (this.bytes.get(e.clientId) ?? 0);
      accepted.push(e);
    }
    if (total > this.maxRoom) throw awarenessTooLarge(`the room's awareness would reach ${total} bytes (limit ${this.maxRoom})`);
    if (accepted.length > 0) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(forceRole(accepted, role)), peer);
      for (const e of accepted) this.setBytes(e.clientId, e.state === null ? 0 : e.bytes);
    }
    return dropped;
  }

  private setBytes(id: number, bytes: number): void {
    this.total += bytes - (this.bytes.get(id) ?? 0);
    if (bytes > 0) this.bytes.set(id, bytes);
    else this.bytes.delete(id);
  }
}
