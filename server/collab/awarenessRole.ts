// Awareness states come from browsers and are relayed to everyone, so the server rewrites the
// fields others trust: `role` (the connection's real one) and `kind` (only the server's own AI
// peer is 'ai'). It decodes the y-protocols awareness update, forces those fields into every
// non-null state, and re-encodes it. PresenceLedger.apply decides which entries a
// connection may publish at all (its own client ids, bounded sizes).
// Hand-written because y-protocols only offers modifyAwarenessUpdate, which cannot reject bad
// JSON, filter entries, or report which clients an update touches.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Role } from '../../lib/schema.ts';

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** Parsed state; null means the client left. */
  state: Record<string, unknown> | null;
  /** Length of the state's JSON as sent. */
  bytes: number;
}

/** Decodes an awareness update; throws on malformed bytes or JSON that is not an object. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const json = decoding.readVarString(decoder);
    const state: unknown = JSON.parse(json);
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
      throw new Error('awareness state is not an object');
    }
    entries.push({ clientId, clock, state: state as Record<string, unknown> | null, bytes: json.length });
  }
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes after awareness update');
  return entries;
}

export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, JSON.stringify(e.state));
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Every non-null state gets `role` set to the connection's role and `kind` to 'human', whatever
 * the browser sent (the AI peer publishes its state in-process, never through a connection).
 */
export function forceRole(entries: readonly AwarenessEntry[], role: Role): AwarenessEntry[] {
  return entries.map((e) => (e.state === null ? e : { ...e, state: { ...e.state, role, kind: 'human' } }));
}
