'use client';
// One run of the shared AI thread: who asked what, for which file and selection, its status or
// queue position, the AI's explanation, the hunks it wrote or refused (with reasons), the
// figures (time to first token, tokens, tokens/s) and any error.
import { lineDiff } from '@/lib/review/hunkLineDiff.ts';
import { memo } from 'react';
import type { AiHunkView, AiRunView } from '@/lib/ai/aiRuns.ts';
import { initials } from '@/components/shared/profile.ts';
import { describeSelection } from './editorSelection.ts';

const STATUS_STYLE: Record<AiRunView['status'], string> = {
  queued: 'bg-zinc-700/70 text-zinc-200',
  thinking: 'bg-violet-500/20 text-violet-200',
  editing: 'bg-violet-500/30 text-violet-100',
  done: 'bg-emerald-500/15 text-emerald-300',
  error: 'bg-red-500/15 text-red-300',
  cancelled: 'bg-zinc-700/70 text-zinc-300',
};

const HUNK_LABEL: Record<AiHunkView['status'], { mark: string; style: string; title: string }> = {
  streaming: { mark: '…', style: 'text-violet-300', title: 'being written' },
  applied: { mark: '✓', style: 'text-emerald-300', title: 'applied' },
  refused: { mark: '✕', style: 'text-amber-300', title: 'not applied' },
  rolledBack: { mark: '↺', style: 'text-zinc-400', title: 'rolled back' },
};

export function isLive(run: AiRunView): boolean {
  return run.status === 'queued' || run.status === 'thinking' || run.status === 'editing';
}

function statusText(run: AiRunView): string {
  if (run.status === 'queued') return run.queuePosition ? `queued · #${run.queuePosition}` : 'queued';
  return run.status;
}

function figures(run: AiRunView): string[] {
  const m = run.metrics;
  if (!m) return [];
  const parts: string[] = [];
  if (m.ttftMs !== null) parts.push(`first token ${m.ttftMs} ms`);
  parts.push(`${m.tokens} tokens`);
  if (m.tokensPerSec !== null) parts.push(`${m.tokensPerSec} tok/s`);
  parts.push(`${(m.durationMs / 1000).toFixed(1)} s`);
  return parts;
}

function clock(ms: number): string {
  return ms ? new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
}

function LineCounts({ hunk }: { hunk: AiHunkView }) {
  // The same line diff as the hunk's bar in the editor (lib/review/hunks.ts), so both count alike.
  const { added, removed } = lineDiff(hunk.oldText, hunk.newText);
  return (
    <span className="ml-1.5 font-mono text-[10px]" data-testid="ai-hunk-lines">
      {added > 0 && <span className="text-emerald-400/80">+{added}</span>}
      {removed > 0 && <span className="ml-1 text-red-400/80">−{removed}</span>}
    </span>
  );
}

function HunkRow({ hunk }: { hunk: AiHunkView }) {
  const label = HUNK_LABEL[hunk.status];
  const verb = hunk.op === 'add' ? 'new file' : hunk.op === 'delete' ? 'deleted' : hunk.startLine ? `line ${hunk.startLine}` : 'edit';
  return (
    <li className="flex gap-1.5" data-testid="ai-hunk" data-hunk-id={hunk.id} data-status={hunk.status}>
      <span className={`w-3 shrink-0 text-center ${label.style}`} title={label.title} aria-label={label.title}>
        {label.mark}
      </span>
      <span className="min-w-0">
        <span className="text-zinc-400">{verb}</span>
        {hunk.status === 'applied' && <LineCounts hunk={hunk} />}
        {hunk.reason && hunk.status !== 'applied' && (
          <span className={`block ${label.style}`}>
            {hunk.status === 'rolledBack' ? `${label.title}: ` : ''}
            {hunk.reason}
          </span>
        )}
      </span>
    </li>
  );
}

/** Memoised: the thread re-renders while a run streams, and a finished run's card does not change. */
export const RunCard = memo(function RunCard({ run, canStop, onStop }: { run: AiRunView; canStop: boolean; onStop: (runId: string) => void }) {
  const live = isLive(run);
  const files = run.changes;
  const shownFigures = figures(run);
  return (
    <li
      className={`rounded-lg border p-2.5 text-xs ${live ? 'border-violet-400/40 bg-violet-500/[0.06]' : 'border-line bg-raised/60'}`}
      data-testid="ai-run"
      data-status={run.status}
      data-run-id={run.id}
    >
      <div className="flex items-center gap-2">
        <span className="flex h-5 w-5 shrink-0 items-center justify-center rounded-full bg-zinc-700 text-[9px] font-bold text-zinc-100">
          {initials(run.requestedBy.name)}
        </span>
        <span className="min-w-0 flex-1 truncate text-zinc-400">
          <span className="text-zinc-200" data-testid="ai-run-by">{run.requestedBy.name}</span>
          <span className="text-zinc-600"> · {clock(run.createdAt)}</span>

        </span>
        <span
          className={`flex items-center gap-1 rounded px-1.5 py-px text-[10px] font-medium ${STATUS_STYLE[run.status]}`}
          data-testid="ai-run-status"
        >
          {live && run.status !== 'queued' && <span className="h-1.5 w-1.5 rounded-full bg-current" />}
          {statusText(run)}
        </span>
        {live && canStop && (
          <button
            type="button"
            onClick={() => onStop(run.id)}
            title="Stop (Esc)"
            className="rounded border border-red-400/40 px-1.5 py-px text-[10px] font-medium text-red-200 hover:bg-red-500/15"
            data-testid="ai-stop"
          >
            Stop
          </button>
        )}
      </div>
      {live && run.waitingFor && (
        <p className="mt-1.5 flex items-center gap-1.5 text-[11px] text-amber-200" data-testid="ai-run-waiting" role="status">
          <span className="h-1.5 w-1.5 shrink-0 animate-pulse rounded-full bg-amber-300" />
          <span className="min-w-0 truncate">Waiting for {run.waitingFor} to finish this line…</span>
        </p>
      )}
      {(run.file || run.model) && (
        <p className="mt-1.5 flex gap-1 font-mono text-[10px] text-zinc-500">
          {run.file && (
            <span className="min-w-0 truncate" data-testid="ai-run-target">
              {run.file}
              {run.selection && <> · {describeSelection(run.selection)}</>}
            </span>
          )}
          {run.model && (
            <span className="ml-auto shrink-0 text-violet-300/80" data-testid="ai-run-model" title="The model this run went to">
              {run.model}
            </span>
          )}
        </p>
      )}
      <p className="mt-1 whitespace-pre-wrap break-words text-zinc-100">{run.prompt}</p>
      {run.redirects.length > 0 && (
        <ul className="mt-1.5 space-y-1" data-testid="ai-redirects">
          {run.redirects.map((r, i) => (
            <li key={i} className="flex gap-1.5 text-[11px] leading-snug" data-testid="ai-redirect" data-mode={r.mode}>
              <span className="shrink-0 text-violet-300" aria-hidden>↪</span>
              <span className="min-w-0 break-words text-zinc-300">
                <span className="text-zinc-400">{r.by}</span> {r.mode === 'steer' ? 'redirected' : 'queued a follow-up'}: <span className="text-zinc-100">{r.prompt}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
      {(run.explanation || run.status === 'thinking') && (
        <p className="mt-2 whitespace-pre-wrap break-words border-l-2 border-violet-400/50 pl-2 text-violet-100/90" data-testid="ai-explanation">
          {run.explanation.trim() || <span className="text-violet-300/60">thinking…</span>}
        </p>
      )}
      {files.length > 0 && (
        <ul className="mt-2 space-y-1.5" data-testid="ai-changes">
          {files.map((f) => (
            <li key={f.file}>
              <span className="font-mono text-[11px] text-zinc-200">{f.file}</span>
              <ul className="mt-0.5 space-y-0.5 pl-1">
                {run.hunks
                  .filter((h) => h.file === f.file)
                  .map((h) => (
                    <HunkRow key={h.id} hunk={h} />
                  ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {run.truncated && <p className="mt-1.5 text-zinc-500">Context: {run.truncated}</p>}
      {run.error && run.status === 'error' && (
        <p className="mt-2 rounded border border-red-400/30 bg-red-500/10 px-2 py-1 text-red-200" role="alert" data-testid="ai-error">
          {run.error.message}
        </p>
      )}
      {run.error && run.status === 'cancelled' && <p className="mt-1.5 text-zinc-400" data-testid="ai-cancelled">{run.error.message}</p>}
      {shownFigures.length > 0 && (
        <p className="mt-2 flex flex-wrap gap-x-2 font-mono text-[10px] text-zinc-500" data-testid="ai-figures">
          {shownFigures.map((f) => (
            <span key={f}>{f}</span>
          ))}
        </p>
      )}
    </li>
  );
});
