'use client';
// The History tab: the session's checkpoints, newest first (when, why, who, which files), and
// "Save checkpoint" with a name. Opening one compares it with now, file by file: each file that
// differs opens in the diff view or is restored; "Restore all" puts the whole session back. A
// restore is a new edit by the person restoring, which the notice can undo. Viewers see
// everything but cannot save or restore.
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import type { CheckpointChange, CheckpointInfo } from '@/lib/api.ts';
import { filesOf, readFiles } from '@/lib/schema.ts';
import { changesBetween } from '@/lib/history/changes.ts';
import { ChevronIcon, ClockIcon } from '@/components/shared/icons.tsx';
import { timeAgo } from '@/components/shared/timeAgo.ts';
import { CHANGE_WORDS, KIND_TAGS, plural } from './historyWords.ts';
import type { HistoryState } from './useHistory.ts';

const VIEWER_REASON = 'You joined with a view link: saving and restoring need an edit link.';

interface Props {
  doc: Y.Doc;
  state: HistoryState;
  canEdit: boolean;
  onDiff: (checkpoint: CheckpointInfo, path: string, differing: CheckpointChange[]) => void;
}

/** Re-renders when files change (at most every `ms`) while `on`. */
function useFilesVersion(doc: Y.Doc, on: boolean, ms = 400): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!on) return;
    let timer: number | null = null;
    const bump = () => {
      timer ??= window.setTimeout(() => {
        timer = null;
        setVersion((v) => v + 1);
      }, ms);
    };
    const files = filesOf(doc);
    files.observeDeep(bump);
    return () => {
      files.unobserveDeep(bump);
      if (timer !== null) window.clearTimeout(timer);
    };
  }, [doc, on, ms]);
  return version;
}

function SaveForm({ busy, onSave }: { busy: boolean; onSave: (name: string) => Promise<boolean> }) {
  const [name, setName] = useState<string | null>(null);
  if (name === null) {
    return (
      <button type="button" onClick={() => setName('')} data-testid="history-save" title="Save the files as they are now, with a name" className="rounded-md border border-line-strong px-2.5 py-1 text-xs text-zinc-200 hover:bg-hover">
        Save checkpoint
      </button>
    );
  }
  const submit = async () => {
    if (name.trim() && (await onSave(name.trim()))) setName(null);
  };
  return (
    <form
      className="flex min-w-0 flex-1 gap-1.5"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <input
        autoFocus
        value={name}
        maxLength={120}
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setName(null);
        }}
        placeholder="Name, e.g. “Before the refactor”"
        aria-label="Checkpoint name"
        data-testid="history-name"
        className="min-w-0 flex-1 rounded-md border border-line-strong bg-canvas px-2 py-1 text-xs text-zinc-100 outline-none focus:border-accent"
      />
      <button type="submit" disabled={busy || !name.trim()} data-testid="history-save-confirm" className="rounded-md bg-accent px-2.5 py-1 text-xs font-semibold text-white enabled:hover:bg-accent-strong disabled:opacity-50">
        Save
      </button>
    </form>
  );
}

function Entry({ doc, checkpoint, state, canEdit, open, onToggle, onDiff }: {
  doc: Y.Doc;
  checkpoint: CheckpointInfo;
  state: HistoryState;
  canEdit: boolean;
  open: boolean;
  onToggle: () => void;
  onDiff: Props['onDiff'];
}) {
  const tag = KIND_TAGS[checkpoint.kind];
  const then = state.filesOf(checkpoint.id);
  useFilesVersion(doc, open);
  const differing = open && then ? changesBetween(then, readFiles(doc)) : [];
  const who = checkpoint.by.length > 0 ? checkpoint.by.join(', ') : null;
  return (
    <li className="border-b border-line/60" data-testid="history-entry" data-kind={checkpoint.kind} data-id={checkpoint.id}>
      <button type="button" onClick={onToggle} aria-expanded={open} data-testid="history-entry-toggle" className="flex w-full items-start gap-2 px-3 py-2 text-left hover:bg-hover/60">
        <ChevronIcon size={12} className={`mt-1 shrink-0 text-zinc-500 transition ${open ? 'rotate-90' : ''}`} />
        <span className="min-w-0 flex-1">
          <span className="flex items-center gap-1.5">
            <span className={`shrink-0 rounded px-1 py-px text-[10px] font-semibold ${tag.className}`} title={tag.title}>
              {tag.tag}
            </span>
            <span className="min-w-0 truncate text-xs text-zinc-100" title={checkpoint.label} data-testid="history-label">
              {checkpoint.label}
            </span>
          </span>
          <span className="mt-0.5 block truncate text-[11px] text-zinc-500">
            {who && <>{who} · </>}
            {checkpoint.changedCount > 0 ? plural(checkpoint.changedCount, 'file') + ' changed' : plural(checkpoint.fileCount, 'file')}
          </span>
        </span>
        <span className="shrink-0 text-[10.5px] text-zinc-500" title={new Date(checkpoint.createdAt).toLocaleString()}>
          {timeAgo(checkpoint.createdAt)}
        </span>
      </button>
      {open && (
        <div className="px-3 pb-3 pl-8" data-testid="history-compare">
          {!then ? (
            <p className="text-[11px] text-zinc-500">Reading the checkpoint…</p>
          ) : differing.length === 0 ? (
            <p className="text-[11px] text-zinc-500" data-testid="history-same">The files are the same as now.</p>
          ) : (
            <>
              <p className="mb-1 text-[11px] text-zinc-500">Compared with now:</p>
              <ul className="space-y-0.5">
                {differing.map((c) => (
                  <li key={c.path} className="group flex items-center gap-2" data-testid="history-file" data-path={c.path} data-change={c.change}>
                    <button type="button" onClick={() => onDiff(checkpoint, c.path, differing)} title={`Compare ${c.path} with now`} data-testid="history-file-diff" className="min-w-0 flex-1 truncate text-left font-mono text-[11px] text-zinc-200 hover:text-accent-strong hover:underline">
                      {c.path}
                    </button>
                    <span className="shrink-0 text-[10.5px] text-zinc-500">{CHANGE_WORDS[c.change]}</span>
                    <button
                      type="button"
                      disabled={!canEdit || state.busy}
                      onClick={() => void state.restore(checkpoint, c.path)}
                      title={canEdit ? `Put ${c.path} back as it was here, as your edit (undoable)` : VIEWER_REASON}
                      data-testid="history-restore-file"
                      className="shrink-0 rounded border border-line-strong px-1.5 py-px text-[10.5px] text-zinc-300 enabled:hover:bg-hover enabled:hover:text-zinc-50 disabled:cursor-not-allowed disabled:opacity-40"
                    >
                      Restore
                    </button>
                  </li>
                ))}
              </ul>
              <button
                type="button"
                disabled={!canEdit || state.busy}
                onClick={() => void state.restore(checkpoint, null)}
                title={canEdit ? 'Put every file back as it was here (files added since are removed), as your edit (undoable)' : VIEWER_REASON}
                data-testid="history-restore-all"
                className="mt-2 rounded-md border border-line-strong px-2 py-0.5 text-[11px] text-zinc-200 enabled:hover:bg-hover disabled:cursor-not-allowed disabled:opacity-40"
              >
                Restore all files
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}

export function HistoryPanel({ doc, state, canEdit, onDiff }: Props) {
  const [open, setOpen] = useState<string | null>(null);
  // Times read "3 min ago": re-render now and then so they stay true.
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((t) => t + 1), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  const toggle = (id: string) => {
    setOpen((was) => (was === id ? null : id));
    if (open !== id) void state.load(id);
  };
  const list = state.checkpoints;
  return (
    <div className="flex h-full flex-col" data-testid="history-panel">
      <div className="flex shrink-0 items-center gap-2 border-b border-line px-3 py-2">
        {canEdit ? <SaveForm busy={state.busy} onSave={state.save} /> : <span className="text-[11px] text-zinc-500">{VIEWER_REASON}</span>}
      </div>
      {state.error && (
        <p className="border-b border-line bg-red-500/10 px-3 py-1.5 text-xs text-red-300" role="alert" data-testid="history-error">
          {state.error}
        </p>
      )}
      <div className="min-h-0 flex-1 overflow-y-auto">
        {list === null ? (
          <p className="p-4 text-xs text-zinc-500">Loading history…</p>
        ) : list.length === 0 ? (
          <div className="flex flex-col items-center gap-2 p-6 text-center text-xs text-zinc-500" data-testid="history-empty">
            <ClockIcon size={20} className="text-zinc-600" />
            <p>No checkpoints yet. Tandem makes one before and after every AI run, after a pause in editing and before a deletion; you can save one by name.</p>
          </div>
        ) : (
          <ul>
            {list.map((c) => (
              <Entry key={c.id} doc={doc} checkpoint={c} state={state} canEdit={canEdit} open={open === c.id} onToggle={() => toggle(c.id)} onDiff={onDiff} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
