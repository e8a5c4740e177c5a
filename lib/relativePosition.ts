// A Yjs relative position read from the network (a caret in someone's awareness). Yjs
// dereferences `item` / `type` without checks, so a malformed or differently shaped position (a
// field left out instead of null, a string clock) would throw wherever it is resolved. Both the
// page (remote carets) and the server (who is typing where) read positions through this.
import * as Y from 'yjs';

function isId(v: unknown): v is { client: number; clock: number } {
  if (typeof v !== 'object' || v === null) return false;
  const { client, clock } = v as { client?: unknown; clock?: unknown };
  return Number.isSafeInteger(client) && Number.isSafeInteger(clock) && (client as number) >= 0 && (clock as number) >= 0;
}

/** The position rebuilt through Yjs's own JSON reader, or null when it is unusable. */
export function readRelativePosition(v: unknown): Y.RelativePosition | null {
  if (typeof v !== 'object' || v === null) return null;
  const { type, tname, item, assoc } = v as { type?: unknown; tname?: unknown; item?: unknown; assoc?: unknown };
  if (type != null && !isId(type)) return null;
  if (item != null && !isId(item)) return null;
  if (tname != null && typeof tname !== 'string') return null;
  if (assoc != null && typeof assoc !== 'number') return null;
  // A position names its item, or (at the end of a type) the type itself.
  if (item == null && type == null && tname == null) return null;
  return Y.createRelativePositionFromJSON(v);
}
