'use client';
// Open tabs and the active file. Tabs follow the workspace: a file someone else deletes closes,
// a file someone else renames (one delete + one add in the same transaction) stays open under
// its new name. This person's own tree edits are applied through `renamed`/`deleted`.
import { useCallback, useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { filesOf } from '@/lib/schema.ts';
import { FILE_TREE_ORIGIN } from '@/lib/origins.ts';
import { isWithin } from '@/components/files/pathTree.ts';

export interface Tabs {
  openPaths: string[];
  activePath: string | null;
  open: (path: string) => void;
  close: (path: string) => void;
  renamed: (from: string, to: string) => void;
  deleted: (path: string) => void;
}

interface State {
  open: string[];
  active: string | null;
}

const MAX_TABS = 30;

function closeIn(state: State, shouldClose: (p: string) => boolean): State {
  const idx = state.active ? state.open.indexOf(state.active) : -1;
  const open = state.open.filter((p) => !shouldClose(p));
  let active = state.active;
  if (active && shouldClose(active)) active = open[Math.min(idx, open.length - 1)] ?? null;
  return { open, active };
}

function renameIn(state: State, from: string, to: string): State {
  const map = (p: string) => (isWithin(p, from) ? to + p.slice(from.length) : p);
  return { open: state.open.map(map), active: state.active ? map(state.active) : null };
}

export function useTabs(doc: Y.Doc, storageKey: string): Tabs {
  const [state, setState] = useState<State>({ open: [], active: null });

  // Restore the tabs of the last visit once the files are known (see `restore` below).
  useEffect(() => {
    const files = filesOf(doc);
    let restored = false;
    const restore = () => {
      if (restored || files.size === 0) return;
      restored = true;
      try {
        const saved = JSON.parse(window.sessionStorage.getItem(storageKey) ?? 'null') as State | null;
        if (saved && Array.isArray(saved.open)) {
          const open = saved.open.filter((p) => typeof p === 'string' && files.has(p)).slice(0, MAX_TABS);
          const active = saved.active && open.includes(saved.active) ? saved.active : open[0] ?? null;
          if (open.length > 0) return setState({ open, active });
        }
      } catch {
        // Corrupt saved tabs: start fresh.
      }
      // First visit: open the first file so the page never starts blank when there is content.
      const first = Array.from(files.keys()).sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b))[0];
      if (first) setState((s) => (s.open.length ? s : { open: [first], active: first }));
    };
    restore();
    const onChange = (event: Y.YMapEvent<Y.Text>, tx: Y.Transaction) => {
      restore();
      if (tx.local && tx.origin === FILE_TREE_ORIGIN) return;
      const added: string[] = [];
      const removed: string[] = [];
      event.changes.keys.forEach((change, key) => {
        if (change.action === 'add') added.push(key);
        else if (change.action === 'delete') removed.push(key);
      });
      if (removed.length === 0) return;
      setState((s) => {
        if (removed.length === 1 && added.length === 1) return renameIn(s, removed[0], added[0]);
        const gone = new Set(removed.filter((p) => !files.has(p)));
        return closeIn(s, (p) => gone.has(p));
      });
    };
    files.observe(onChange);
    return () => files.unobserve(onChange);
  }, [doc, storageKey]);

  useEffect(() => {
    try {
      window.sessionStorage.setItem(storageKey, JSON.stringify(state));
    } catch {
      // Tabs are a convenience; nothing is lost without them.
    }
  }, [state, storageKey]);

  const open = useCallback((path: string) => {
    setState((s) => ({
      open: s.open.includes(path) ? s.open : [...s.open, path].slice(-MAX_TABS),
      active: path,
    }));
  }, []);
  const close = useCallback((path: string) => setState((s) => closeIn(s, (p) => p === path)), []);
  const renamed = useCallback((from: string, to: string) => setState((s) => renameIn(s, from, to)), []);
  const deleted = useCallback((path: string) => setState((s) => closeIn(s, (p) => isWithin(p, path))), []);

  return { openPaths: state.open, activePath: state.active, open, close, renamed, deleted };
}
