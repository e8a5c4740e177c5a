'use client';
// The History panel's state: the session's checkpoints (fetched when the panel opens and again
// whenever the server notes a new one in the document's meta, so nobody polls), each one's files
// once asked for, and restoring. A restore runs here, in this person's browser, as their own
// edit (lib/history/restoreFiles.ts: minimal diffs, one transaction, authorship theirs), after
// the server made a "before restoring" checkpoint; a Y.UndoManager tracking only restores takes
// exactly that transaction back from the notice, leaving what anyone typed since.
import { useCallback, useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { CheckpointInfo } from '@/lib/api.ts';
import { CHECKPOINT_META_KEY, filesOf, metaOf } from '@/lib/schema.ts';
import { RESTORE_ORIGIN } from '@/lib/origins.ts';
import { restoreFiles } from '@/lib/history/restoreFiles.ts';
import { getCheckpoint, listCheckpoints, saveCheckpoint } from '@/components/shared/serverApi.ts';
import { useYMapValue } from '@/components/shared/useYMap.ts';
import { useUndoNotice } from '@/components/shared/useUndoNotice.ts';

/** Checkpoints whose files are kept in memory at once (the panel asks again past this). */
const MAX_CACHED = 8;

export interface Restored {
  paths: string[];
  from: CheckpointInfo;
}

export interface HistoryState {
  checkpoints: CheckpointInfo[] | null;
  error: string | null;
  busy: boolean;
  filesOf(id: string): Record<string, string> | undefined;
  load(id: string): Promise<Record<string, string> | null>;
  save(name: string): Promise<boolean>;
  restore(checkpoint: CheckpointInfo, only: string | null): Promise<void>;
  restored: Restored | null;
  undoRestore(): void;
}

interface Options {
  doc: Y.Doc;
  sessionId: string;
  token: string;
  userName: string;
  /** Fetch only while the panel is shown. */
  active: boolean;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function useHistory({ doc, sessionId, token, userName, active }: Options): HistoryState {
  const [checkpoints, setCheckpoints] = useState<CheckpointInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [cache, setCache] = useState<Map<string, Record<string, string>>>(() => new Map());
  const notice = useUndoNotice<Restored>(doc, filesOf, RESTORE_ORIGIN);
  const newest = useYMapValue<{ id?: string }>(metaOf(doc), CHECKPOINT_META_KEY);
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const list = await listCheckpoints(sessionId, token);
      if (mine === generation.current) {
        setCheckpoints(list);
        setError(null);
      }
    } catch (e) {
      if (mine === generation.current) setError(`History could not be loaded: ${message(e)}`);
    }
  }, [sessionId, token]);

  useEffect(() => {
    if (active) void refresh();
  }, [active, refresh, newest?.id]);

  const load = useCallback(
    async (id: string) => {
      const have = cache.get(id);
      if (have) return have;
      try {
        const { files } = await getCheckpoint(sessionId, token, id);
        setCache((old) => {
          const next = new Map(old);
          next.set(id, files);
          while (next.size > MAX_CACHED) next.delete(next.keys().next().value!);
          return next;
        });
        return files;
      } catch (e) {
        setError(`That checkpoint could not be read: ${message(e)}`);
        return null;
      }
    },
    [cache, sessionId, token],
  );

  const save = useCallback(
    async (name: string) => {
      setBusy(true);
      try {
        await saveCheckpoint(sessionId, token, { name, by: { name: userName } });
        setError(null);
        await refresh();
        return true;
      } catch (e) {
        setError(`The checkpoint was not saved: ${message(e)}`);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [sessionId, token, userName, refresh],
  );

  const restore = useCallback(
    async (checkpoint: CheckpointInfo, only: string | null) => {
      setBusy(true);
      try {
        const files = await load(checkpoint.id);
        if (!files) return;
        // A checkpoint of what is about to change, on the server: the way back even after the notice went.
        const what = only ?? 'all files';
        await saveCheckpoint(sessionId, token, { name: `Before restoring ${what} from “${checkpoint.label}”`.slice(0, 120), kind: 'before-restore', by: { name: userName } })
          .catch(() => undefined);
        const done = notice.record(() => {
          const paths = restoreFiles(doc, files, only === null ? null : [only], RESTORE_ORIGIN);
          return paths.length > 0 ? { paths, from: checkpoint } : null;
        });
        setError(done ? null : `Nothing to restore: ${only ?? 'the files'} already match “${checkpoint.label}”.`);
      } finally {
        setBusy(false);
      }
    },
    [doc, load, sessionId, token, notice, userName],
  );

  return { checkpoints, error, busy, filesOf: (id) => cache.get(id), load, save, restore, restored: notice.shown, undoRestore: notice.undo };
}
