'use client';
// A checkpoint's file against the same file now, in Monaco's diff editor (left: then, right:
// now, which follows the live document while the view is open). A file the checkpoint had and
// the session no longer has shows against an empty side, and the other way round. A picker moves
// between the files that differ; "Restore this file" puts it back (editors only); Esc closes.
import { useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { editor as MonacoEditor } from 'monaco-editor';
import type { CheckpointChange, CheckpointInfo } from '@/lib/api.ts';
import { filesOf } from '@/lib/schema.ts';
import type { EditorModules } from '@/components/editor/editorModules.ts';
import { languageFor } from '@/components/editor/FileBinding.ts';
import { CloseIcon } from '@/components/shared/icons.tsx';
import { timeAgo } from '@/components/shared/timeAgo.ts';
import { CHANGE_WORDS } from './historyWords.ts';

interface Props {
  modules: EditorModules | null;
  doc: Y.Doc;
  checkpoint: CheckpointInfo;
  then: Record<string, string>;
  differing: CheckpointChange[];
  path: string;
  canRestore: boolean;
  busy: boolean;
  onPath: (path: string) => void;
  onRestore: (path: string) => void;
  onClose: () => void;
}

/** The file's text now ('' when the session has no such file), following that file only. */
function useLiveText(doc: Y.Doc, path: string): string {
  const [text, setText] = useState(() => filesOf(doc).get(path)?.toString() ?? '');
  useEffect(() => {
    const files = filesOf(doc);
    let watched: Y.Text | undefined;
    const update = () => setText(watched?.toString() ?? '');
    // The file itself, and the map for its creation, deletion or replacement.
    const follow = () => {
      watched?.unobserve(update);
      watched = files.get(path);
      watched?.observe(update);
      update();
    };
    const onKeys = (event: Y.YMapEvent<Y.Text>) => {
      if (event.keysChanged.has(path)) follow();
    };
    follow();
    files.observe(onKeys);
    return () => {
      files.unobserve(onKeys);
      watched?.unobserve(update);
    };
  }, [doc, path]);
  return text;
}

export function CheckpointDiff({ modules, doc, checkpoint, then, differing, path, canRestore, busy, onPath, onRestore, onClose }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<MonacoEditor.IStandaloneDiffEditor | null>(null);
  const now = useLiveText(doc, path);
  const before = Object.hasOwn(then, path) ? then[path] : '';
  const change = differing.find((c) => c.path === path)?.change;

  useEffect(() => {
    if (!modules || !host.current) return;
    const diff = modules.monaco.editor.createDiffEditor(host.current, {
      theme: 'tandem-dark',
      readOnly: true,
      originalEditable: false,
      automaticLayout: true,
      renderSideBySide: true,
      useInlineViewWhenSpaceIsLimited: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 13,
      renderOverviewRuler: false,
    });
    editor.current = diff;
    return () => {
      const model = diff.getModel();
      diff.dispose();
      model?.original.dispose();
      model?.modified.dispose();
      editor.current = null;
    };
  }, [modules]);

  // A new pair of models per file; the live side is updated in place.
  useEffect(() => {
    const diff = editor.current;
    if (!modules || !diff) return;
    const language = languageFor(modules.monaco, path);
    const old = diff.getModel();
    diff.setModel({ original: modules.monaco.editor.createModel(before, language), modified: modules.monaco.editor.createModel(filesOf(doc).get(path)?.toString() ?? '', language) });
    old?.original.dispose();
    old?.modified.dispose();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [modules, path, before]);

  useEffect(() => {
    const modified = editor.current?.getModel()?.modified;
    if (modified && modified.getValue() !== now) modified.setValue(now);
  }, [now]);

  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-black/60 p-6" onMouseDown={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-label={`${path} in “${checkpoint.label}” against now`}
        data-testid="history-diff"
        data-path={path}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
        className="flex h-full max-h-[52rem] w-full max-w-6xl animate-pop-in flex-col overflow-hidden rounded-xl border border-line-strong bg-panel shadow-2xl shadow-black/60"
      >
        <header className="flex shrink-0 items-center gap-3 border-b border-line px-4 py-2.5">
          <select
            value={path}
            onChange={(e) => onPath(e.target.value)}
            aria-label="File"
            data-testid="history-diff-file"
            className="max-w-xs truncate rounded-md border border-line-strong bg-canvas px-2 py-1 font-mono text-xs text-zinc-100"
          >
            {differing.map((c) => (
              <option key={c.path} value={c.path}>
                {c.path}
              </option>
            ))}
          </select>
          {change && <span className="text-[11px] text-zinc-500">{CHANGE_WORDS[change]}</span>}
          <span className="flex-1" />
          {canRestore && (
            <button
              type="button"
              disabled={busy}
              onClick={() => onRestore(path)}
              data-testid="history-diff-restore"
              title={`Put ${path} back as it was in this checkpoint, as your edit (undoable)`}
              className="rounded-md bg-accent px-3 py-1 text-xs font-semibold text-white enabled:hover:bg-accent-strong disabled:opacity-50"
            >
              Restore this file
            </button>
          )}
          <button type="button" autoFocus onClick={onClose} aria-label="Close the comparison" title="Close (Esc)" data-testid="history-diff-close" className="rounded p-1 text-zinc-400 hover:bg-hover hover:text-zinc-100">
            <CloseIcon size={14} />
          </button>
        </header>
        <div className="grid shrink-0 grid-cols-2 border-b border-line bg-canvas/60 text-[11px]">
          <span className="truncate px-4 py-1 text-zinc-400" title={new Date(checkpoint.createdAt).toLocaleString()}>
            Then · {checkpoint.label} · {timeAgo(checkpoint.createdAt)}
            {!Object.hasOwn(then, path) && <em className="ml-1 not-italic text-zinc-500">(not in this checkpoint)</em>}
          </span>
          <span className="truncate border-l border-line px-4 py-1 text-zinc-400">
            Now{filesOf(doc).get(path) === undefined && <em className="ml-1 not-italic text-zinc-500">(deleted since)</em>}
          </span>
        </div>
        <div ref={host} className="min-h-0 flex-1" data-testid="history-diff-editor">
          {!modules && <p className="p-6 text-sm text-zinc-500">Loading the editor…</p>}
        </div>
      </div>
    </div>
  );
}
