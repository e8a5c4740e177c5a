'use client';
// One action a person can take back from a notice for a few seconds ("Deleted src/a.ts · Undo",
// "Restored a.ts · Undo"): a Y.UndoManager over `scopeOf(doc)` that tracks only `origin` holds
// just that action, and is cleared when the notice goes, so what the action removed can be
// collected. Undo applies only while the action is still the last one of that kind.
import { useCallback, useEffect, useMemo, useState } from 'react';
import * as Y from 'yjs';

/** How long such a notice stays. */
export const UNDO_NOTICE_MS = 10_000;

export interface UndoNotice<T> {
  /** What the notice shows, while it shows. */
  shown: T | null;
  /** Runs `act` (which writes with the tracked origin) as the action to offer; null: nothing to offer. */
  record(act: () => T | null): T | null;
  /** Takes the action back; returns what it was, or null when it no longer could be. */
  undo(): T | null;
}

/** What an UndoManager watches (types of the document). */
type Scope = ConstructorParameters<typeof Y.UndoManager>[0];

/** `scopeOf` and `origin` are module constants: the manager is made once per document. */
export function useUndoNotice<T>(doc: Y.Doc, scopeOf: (doc: Y.Doc) => Scope, origin: object): UndoNotice<T> {
  const manager = useMemo(() => new Y.UndoManager(scopeOf(doc), { trackedOrigins: new Set([origin]), captureTimeout: 0 }), [doc, scopeOf, origin]);
  useEffect(() => () => manager.destroy(), [manager]);
  const [shown, setShown] = useState<{ value: T; item: unknown } | null>(null);

  useEffect(() => {
    if (!shown) return;
    const timer = window.setTimeout(() => {
      setShown(null);
      manager.clear();
    }, UNDO_NOTICE_MS);
    return () => window.clearTimeout(timer);
  }, [shown, manager]);

  const record = useCallback(
    (act: () => T | null) => {
      manager.clear();
      const value = act();
      setShown(value === null ? null : { value, item: manager.undoStack.at(-1) });
      return value;
    },
    [manager],
  );

  const undo = useCallback(() => {
    const last = shown !== null && manager.undoStack.at(-1) === shown.item;
    if (last) manager.undo();
    setShown(null);
    manager.clear();
    return last ? shown.value : null;
  }, [shown, manager]);

  return useMemo(() => ({ shown: shown?.value ?? null, record, undo }), [shown, record, undo]);
}
