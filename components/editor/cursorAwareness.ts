'use client';
// A remote caret as the editor binding may read it: awareness comes from other browsers (and the
// AI peer), and Yjs dereferences `anchor.item` / `anchor.type` without checks, so one malformed or
// differently shaped position (a field left out instead of null) would throw on every awareness
// change in every page. Positions are rebuilt through Yjs's own JSON reader, or dropped.
import { readRelativePosition as position } from '@/lib/relativePosition.ts';
import type { Awareness } from 'y-protocols/awareness';

type State = Record<string, unknown>;

/** The state with its selection rebuilt, or without it when either end is unusable. */
export function sanitizeCursorState(state: State): State {
  const sel = state.selection as { anchor?: unknown; head?: unknown } | null | undefined;
  if (sel == null) return state;
  const anchor = position(sel.anchor);
  const head = position(sel.head);
  return { ...state, selection: anchor && head ? { anchor, head } : null };
}
