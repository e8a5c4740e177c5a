'use client';
// Deleting from the file tree: asked first (Enter deletes, Esc keeps), then a notice with Undo
// for a few seconds. Undo is Yjs's own undo of that one transaction (a Y.UndoManager over the
// files and folders maps, tracking this person's tree edits), so the files come back for everyone
// with their text; the manager keeps the deleted content only until the notice goes.
// `DeletedByOthers` tells a person when someone else deletes a file they have open, and who.
import { useCallback, useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { filesOf, foldersOf, metaOf } from '@/lib/schema.ts';
import { FILE_TREE_ORIGIN } from '@/lib/origins.ts';
import { Notice, NoticeAction } from '@/components/shared/Notice.tsx';
import { UNDO_NOTICE_MS, useUndoNotice } from '@/components/shared/useUndoNotice.ts';
import { DELETION_KEY, deletePath, filesWithin } from './fileOps.ts';


interface Asking {
  path: string;
  files: string[];
  folder: boolean;
}

/** The file tree's maps: what a deletion changes. */
const treeMaps = (doc: Y.Doc) => [filesOf(doc), foldersOf(doc)];

export function useDeletion(doc: Y.Doc, onDeleted: (path: string) => void, onRestored: (path: string) => void) {
  const notice = useUndoNotice<{ path: string; files: string[] }>(doc, treeMaps, FILE_TREE_ORIGIN);
  const [asking, setAsking] = useState<Asking | null>(null);

  const ask = useCallback(
    (path: string, folder: boolean) => setAsking({ path, folder, files: filesWithin(doc, path) }),
    [doc],
  );

  const confirm = () => {
    if (!asking) return;
    notice.record(() => ({ path: asking.path, files: deletePath(doc, asking.path) }));
    setAsking(null);
    onDeleted(asking.path);
  };

  const restore = () => {
    // Only while that deletion is still the last tree edit of this person's.
    const undone = notice.undo();
    if (undone?.files.length === 1) onRestored(undone.files[0]);
  };

  const dialog = asking && (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-black/50" onMouseDown={() => setAsking(null)}>
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="delete-title"
        data-testid="delete-dialog"
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setAsking(null);
        }}
        className="w-full max-w-sm animate-pop-in rounded-xl border border-line-strong bg-panel p-5 shadow-2xl shadow-black/50"
      >
        <h2 id="delete-title" className="text-sm font-semibold text-zinc-50">
          Delete {asking.folder ? 'folder ' : ''}
          <span className="font-mono">{asking.path}</span>?
        </h2>
        <p className="mt-2 text-xs leading-relaxed text-zinc-400">
          {asking.folder
            ? `${asking.files.length === 1 ? 'Its 1 file' : `Its ${asking.files.length} files`} will be deleted for everyone in this session.`
            : 'It will be deleted for everyone in this session.'}{' '}
          You can undo it for a few seconds afterwards.
        </p>
        <div className="mt-5 flex justify-end gap-2">
          <button type="button" onClick={() => setAsking(null)} className="rounded-md border border-line-strong px-3 py-1.5 text-xs text-zinc-200 hover:bg-hover">
            Cancel
          </button>
          <button type="button" autoFocus onClick={confirm} data-testid="delete-confirm" className="rounded-md bg-red-500/90 px-3 py-1.5 text-xs font-semibold text-white hover:bg-red-500">
            Delete
          </button>
        </div>
      </div>
    </div>
  );

  const done = notice.shown;
  const shownNotice = done && (
    <Notice testId="delete-notice">
      <span className="min-w-0 truncate">
        Deleted <span className="font-mono">{done.path}</span>
      </span>
      <NoticeAction onClick={restore} testId="delete-undo">
        Undo
      </NoticeAction>
    </Notice>
  );

  return { ask, dialog, notice: shownNotice };
}

/** Tells this person when someone else deletes a file they have open, and who (by presence). */
export function DeletedByOthers({ doc, awareness, openPaths }: { doc: Y.Doc; awareness: Awareness; openPaths: string[] }) {
  const open = useRef(openPaths);
  open.current = openPaths;
  const [told, setTold] = useState<{ who: string; paths: string[] } | null>(null);

  useEffect(() => {
    const meta = metaOf(doc);
    const onChange = (event: Y.YMapEvent<unknown>) => {
      if (event.transaction.local || !event.keysChanged.has(DELETION_KEY)) return;
      const record = meta.get(DELETION_KEY) as { files?: unknown } | undefined;
      const files = Array.isArray(record?.files) ? record.files.filter((f): f is string => typeof f === 'string') : [];
      const mine = files.filter((f) => open.current.includes(f));
      if (mine.length === 0) return;
      // The entry's author is the client that wrote it; their name is their presence's.
      const client = meta._map.get(DELETION_KEY)?.id.client;
      const state = client === undefined ? undefined : (awareness.getStates().get(client) as { user?: { name?: unknown } } | undefined);
      const who = typeof state?.user?.name === 'string' && state.user.name.trim() ? state.user.name.trim().slice(0, 60) : 'Someone';
      setTold({ who, paths: mine });
    };
    meta.observe(onChange);
    return () => meta.unobserve(onChange);
  }, [doc, awareness]);

  useEffect(() => {
    if (!told) return;
    const timer = window.setTimeout(() => setTold(null), UNDO_NOTICE_MS);
    return () => window.clearTimeout(timer);
  }, [told]);

  if (!told) return null;
  return (
    <Notice testId="deleted-by-other">
      <span className="min-w-0">
        {told.who} deleted <span className="font-mono">{told.paths.join(', ')}</span>, which you had open.
      </span>
      <button type="button" onClick={() => setTold(null)} aria-label="Dismiss" className="shrink-0 text-zinc-500 hover:text-zinc-200">
        ✕
      </button>
    </Notice>
  );
}
