'use client';
// A remote caret as the editor binding may read it: awareness comes from other browsers (and the
// AI peer), and Yjs dereferences `anchor.item` / `anchor.type` without checks, so one malformed or
// differently shaped position (a field left out instead of null) would throw on every awareness
// change in every page. Positions are rebuilt through Yjs's own JSON reader, or dropped.
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';

type State = Record<string, unknown>;

function isId(v: unknown): v is { client: number; clock: number } {
  if (typeof v !== 'object' || v === null) return false;
  const { client, clock } = v as { client?: unknown; clock?: unknown };
  return Number.isSafeInteger(client) && Number.isSafeInteger(clock) && (client as number) >= 0 && (clock as number) >= 0;
}

function position(v: unknown): Y.RelativePosition | null {
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

/** The state with its selection rebuilt, or without it when either end is unusable. */
export function sanitizeCursorState(state: State): State {
  const sel = state.selection as { anchor?: unknown; head?: unknown } | null | undefined;
  if (sel == null) return state;
  const anchor = position(sel.anchor);
  const head = position(sel.head);
  return { ...state, selection: anchor && head ? { anchor, head } : null };
}
