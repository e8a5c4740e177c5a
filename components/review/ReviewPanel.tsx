'use client';
// The Review tab: every pending AI change in the workspace, grouped by run and file, with +/−
// line counts, Keep all / Reject all per run and per file, a click to jump to a change, and undo
// of the last review actions. Review state lives in the document, so everyone sees a keep or a
// reject at once; viewers see everything but the buttons are disabled, with the reason.
// Above them, the latest run's changes that were NOT applied because people changed the same
// text while the AI wrote (conflicts): who, where, the AI's version to compare with theirs, and
// "Ask AI again", a new run that reads the file as it is now. There is no "apply anyway": that
// would write the model's stale copy over what a person typed.
import { useState } from 'react';
import type { HunkState } from '@/lib/review/hunks.ts';
import { groupByRun } from '@/lib/review/hunks.ts';
import type { ReviewLogEntry } from '@/lib/review/reviewLog.ts';
import { askAi, postReview, type ReviewRequest, type Reviewer } from '@/components/shared/serverApi.ts';
import { timeAgo } from '@/components/shared/timeAgo.ts';
import { SHORTCUTS, VIEWER_REASON } from './reviewHints.ts';
import type { ConflictInfo, ReviewState } from './useReview.ts';

interface Props {
  state: ReviewState;
  sessionId: string;
  token: string;
  canReview: boolean;
  reviewer: Reviewer;
  onJump: (hunk: HunkState) => void;
}

function ConflictRow({ conflict, canAsk, busy, onAsk }: { conflict: ConflictInfo; canAsk: boolean; busy: boolean; onAsk: () => void }) {
  return (
    <li className="rounded-md border border-amber-400/30 bg-amber-400/[0.04] px-2.5 py-2" data-testid="review-conflict" data-file={conflict.file}>
      <div className="flex items-center gap-2">
        <span className="text-amber-300" aria-hidden>
          ⚠
        </span>
        <span className="min-w-0 flex-1 truncate font-mono text-[11px] text-zinc-200">{conflict.file}</span>
        <button
          type="button"
          disabled={!canAsk || busy}
          onClick={onAsk}
          title={canAsk ? 'A new AI run that reads the file as it is now' : VIEWER_REASON}
          data-testid="review-conflict-retry"
          className="shrink-0 rounded border border-amber-400/40 px-2 py-0.5 text-[11px] text-amber-200 enabled:hover:bg-amber-400/10 disabled:cursor-not-allowed disabled:opacity-40"
        >
          Ask AI again
        </button>
      </div>
      <p className="mt-1 text-amber-200/90" data-testid="review-conflict-reason">
        {conflict.reason}
      </p>
      <details className="mt-1">
        <summary className="cursor-pointer text-[11px] text-zinc-400 hover:text-zinc-200">The AI's version</summary>
        <pre className="mt-1 max-h-48 overflow-auto rounded bg-canvas/80 p-2 font-mono text-[11px] leading-snug text-zinc-300" data-testid="review-conflict-ai">
          {conflict.newText}
        </pre>
      </details>
    </li>
  );
}

function Counts({ added, removed }: { added: number; removed: number }) {
  return (
    <span className="shrink-0 font-mono text-[10.5px]" data-testid="review-counts">
      <span className="text-emerald-300">+{added}</span> <span className="text-red-300">−{removed}</span>
    </span>
  );
}

function ActionButtons({ label, disabledReason, busy, onKeep, onReject, testid }: {
  label: string;
  disabledReason: string | null;
  busy: boolean;
  onKeep: () => void;
  onReject: () => void;
  testid: string;
}) {
  const disabled = disabledReason !== null || busy;
  return (
    <span className="flex shrink-0 gap-1">
      <button
        type="button"
        disabled={disabled}
        onClick={onKeep}
        title={disabledReason ?? `Keep ${label}`}
        data-testid={`${testid}-keep`}
        className="rounded bg-emerald-600/90 px-2 py-0.5 text-[11px] font-semibold text-white enabled:hover:bg-emerald-500 disabled:cursor-not-allowed disabled:opacity-40"
      >
        Keep{label.startsWith('all') ? ' all' : ''}
      </button>
      <button
        type="button"
        disabled={disabled}
        onClick={onReject}
        title={disabledReason ?? `Reject ${label}: remove what the AI wrote and restore what it replaced; people's edits stay`}
        data-testid={`${testid}-reject`}
        className="rounded bg-zinc-700 px-2 py-0.5 text-[11px] font-semibold text-red-200 enabled:hover:bg-red-900 enabled:hover:text-white disabled:cursor-not-allowed disabled:opacity-40"
      >
        Reject{label.startsWith('all') ? ' all' : ''}
      </button>
    </span>
  );
}

function describeEntry(e: ReviewLogEntry): string {
  const n = e.steps.length;
  return `${e.by.name} ${e.action === 'keep' ? 'kept' : 'rejected'} ${n} change${n === 1 ? '' : 's'}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function ReviewPanel({ state, sessionId, token, canReview, reviewer, onJump }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [showKeys, setShowKeys] = useState(false);
  const groups = groupByRun(state.pending);
  const files = new Set(state.pending.map((h) => h.file)).size;
  const lastUndoable = [...state.log].reverse().find((e) => !e.undone) ?? null;
  const recent = state.log.slice(-5).reverse();
  const viewerReason = canReview ? null : VIEWER_REASON;

  const act = async (req: ReviewRequest) => {
    setBusy(true);
    setError(null);
    try {
      await postReview(sessionId, token, req, reviewer);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const retry = async (c: ConflictInfo) => {
    setBusy(true);
    setError(null);
    try {
      const prompt = `Your change to ${c.file} was not applied: ${c.reason}. Read ${c.file} as it is now and make the change again, keeping their edit. The request was: ${c.prompt}`;
      await askAi(sessionId, token, { prompt: prompt.slice(0, 4000), file: c.file, requestedBy: reviewer });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="flex h-full flex-col text-xs" data-testid="review-panel">
      <div className="flex shrink-0 items-center gap-2 border-b border-line px-3 py-2">
        <span className="min-w-0 flex-1 text-zinc-300" data-testid="review-summary">
          {state.pending.length === 0
            ? 'No AI changes waiting for review'
            : `${state.pending.length} change${state.pending.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} to review`}
        </span>
        <button
          type="button"
          disabled={!canReview || !lastUndoable || busy}
          onClick={() => lastUndoable && void act({ action: 'undo', entryId: lastUndoable.id })}
          title={viewerReason ?? (lastUndoable ? `Undo: ${describeEntry(lastUndoable)}` : 'Nothing to undo')}
          data-testid="review-undo"
          className="rounded border border-line px-2 py-0.5 text-[11px] text-zinc-200 enabled:hover:bg-hover disabled:cursor-not-allowed disabled:opacity-40"
        >
          Undo
        </button>
        <button
          type="button"
          onClick={() => setShowKeys((v) => !v)}
          aria-expanded={showKeys}
          title="Keyboard shortcuts"
          className="rounded border border-line px-1.5 py-0.5 font-mono text-[11px] text-zinc-400 hover:bg-hover hover:text-zinc-100"
        >
          ⌨
        </button>
      </div>
      {showKeys && (
        <dl className="grid shrink-0 grid-cols-[auto_1fr] gap-x-3 gap-y-1 border-b border-line bg-raised/50 px-3 py-2 text-[11px]" data-testid="review-shortcuts">
          {Object.values(SHORTCUTS).map((s) => (
            <div key={s.label} className="contents">
              <dt className="font-mono text-zinc-300">{s.keys}</dt>
              <dd className="text-zinc-500">{s.label}</dd>
            </div>
          ))}
          <dt className="font-mono text-zinc-300">Hover a line</dt>
          <dd className="text-zinc-500">Who wrote it (a person, or the AI with its run and model)</dd>
        </dl>
      )}
      {!canReview && (
        <p className="shrink-0 border-b border-line bg-sky-500/5 px-3 py-1.5 text-[11px] text-sky-300" data-testid="review-viewer-note">
          {VIEWER_REASON}
        </p>
      )}
      {error && (
        <p className="shrink-0 border-b border-line bg-red-500/10 px-3 py-1.5 text-red-300" role="alert" data-testid="review-error">
          {error}
        </p>
      )}
      <div className="min-h-0 flex-1 overflow-y-auto px-2 py-2">
        {state.conflicts.length > 0 && (
          <section className="mb-3" data-testid="review-conflicts">
            <h3 className="px-1 pb-1 text-[10px] font-semibold uppercase tracking-wider text-amber-300/80">
              Not applied · changed by people meanwhile
            </h3>
            <ul className="space-y-1.5">
              {state.conflicts.map((c) => (
                <ConflictRow
                  key={c.hunkId}
                  conflict={c}
                  canAsk={canReview}
                  busy={busy}
                  onAsk={() => void retry(c)}
                />
              ))}
            </ul>
          </section>
        )}
        {groups.length === 0 && state.conflicts.length === 0 && (
          <p className="px-2 py-6 text-center text-zinc-500">
            When the AI edits files, its changes appear here until someone keeps or rejects them.
          </p>
        )}
        <ul className="space-y-2">
          {groups.map((g) => {
            const info = state.runs.get(g.runId);
            return (
              <li key={g.runId} className="rounded-md border border-line bg-raised/60" data-testid="review-run" data-run-id={g.runId}>
                <div className="flex items-start gap-2 border-b border-line px-2.5 py-2">
                  <div className="min-w-0 flex-1">
                    <div className="flex items-center gap-1.5 text-violet-200">
                      <span className="font-semibold">✦ {g.model ?? 'AI'}</span>
                      {info && <span className="truncate text-zinc-500">for {info.requestedBy}</span>}
                    </div>
                    {info && <p className="mt-0.5 line-clamp-2 text-zinc-300">{info.prompt}</p>}
                  </div>
                  <Counts added={g.added} removed={g.removed} />
                </div>
                <div className="flex items-center justify-end gap-2 px-2.5 py-1.5">
                  <span className="flex-1 text-[11px] text-zinc-500">
                    {plural(g.files.reduce((n, f) => n + f.hunks.length, 0), 'change')} · {plural(g.files.length, 'file')}
                  </span>
                  <ActionButtons
                    label="all changes of this run"
                    testid="review-run"
                    disabledReason={viewerReason}
                    busy={busy}
                    onKeep={() => void act({ action: 'keep', runId: g.runId })}
                    onReject={() => void act({ action: 'reject', runId: g.runId })}
                  />
                </div>
                <ul>
                  {g.files.map((f) => (
                    <li key={f.file} className="border-t border-line/70" data-testid="review-file" data-file={f.file}>
                      <div className="flex items-center gap-2 px-2.5 py-1.5">
                        <span className="min-w-0 flex-1 truncate font-mono text-[11px] text-zinc-200">{f.file}</span>
                        <Counts added={f.added} removed={f.removed} />
                        <ActionButtons
                          label={`all changes in ${f.file}`}
                          testid="review-file"
                          disabledReason={viewerReason}
                          busy={busy}
                          onKeep={() => void act({ action: 'keep', runId: g.runId, file: f.file })}
                          onReject={() => void act({ action: 'reject', runId: g.runId, file: f.file })}
                        />
                      </div>
                      <ul className="pb-1">
                        {f.hunks.map((h) => (
                          <li key={h.hunkId}>
                            <button
                              type="button"
                              onClick={() => onJump(h)}
                              title="Show this change in the editor"
                              data-testid="review-hunk"
                              data-hunk-id={h.hunkId}
                              data-mixed={h.mixed}
                              className="flex w-full items-center gap-2 rounded px-2.5 py-1 pl-5 text-left text-zinc-400 hover:bg-hover hover:text-zinc-100"
                            >
                              <span className="h-3 w-0.5 shrink-0 rounded bg-emerald-400" />
                              <span className="min-w-0 flex-1 truncate">
                                {h.op === 'add' ? 'New file' : h.op === 'delete' ? 'File deleted' : `Line ${h.startLine ?? '?'}`}
                                {h.mixed && (
                                  <span className="ml-1.5 rounded bg-amber-400/10 px-1 text-[10px] text-amber-300" title={`People typed ${h.personChars} characters inside; rejecting keeps them`}>
                                    mixed · keeps {h.personChars}
                                  </span>
                                )}
                              </span>
                              <Counts added={h.added} removed={h.removed} />
                            </button>
                          </li>
                        ))}
                      </ul>
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
        {recent.length > 0 && (
          <section className="mt-4 px-1" data-testid="review-log">
            <h3 className="px-1 text-[10px] font-semibold uppercase tracking-wider text-zinc-500">Recent review actions</h3>
            <ul className="mt-1 space-y-0.5">
              {recent.map((e) => (
                <li key={e.id} className={`flex items-center gap-2 rounded px-1 py-0.5 ${e.undone ? 'text-zinc-600 line-through' : 'text-zinc-400'}`} data-testid="review-log-entry" data-action={e.action}>
                  <span className={`h-1.5 w-1.5 shrink-0 rounded-full ${e.action === 'keep' ? 'bg-emerald-400' : 'bg-red-400'}`} />
                  <span className="min-w-0 flex-1 truncate">{describeEntry(e)}</span>
                  <span className="shrink-0 text-[10px] text-zinc-600">{timeAgo(e.at)}</span>
                  {!e.undone && (
                    <button
                      type="button"
                      disabled={!canReview || busy}
                      onClick={() => void act({ action: 'undo', entryId: e.id })}
                      title={viewerReason ?? `Undo: ${describeEntry(e)}`}
                      data-testid="review-log-undo"
                      className="shrink-0 rounded px-1 text-[10.5px] text-zinc-400 enabled:hover:bg-hover enabled:hover:text-zinc-100 disabled:cursor-not-allowed disabled:opacity-40"
                    >
                      Undo
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </div>
  );
}
