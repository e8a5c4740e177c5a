'use client';
// The AI panel: ask (Ctrl/Cmd+Enter), Stop, and the shared thread with each run's status, queue
// position, explanation, changed hunks, figures and errors. When no model is connected it shows
// the server's explanation of how to connect one. Viewers see the thread but cannot ask.
import { useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { AiRunView, AiSelection } from '@/lib/ai/schema.ts';
import { aiStatus, askAi, cancelAi, type AiProviderStatus } from './aiApi.ts';
import { useAiThread } from './useAiThread.ts';

export interface AiPanelProps {
  doc: Y.Doc;
  sessionId: string;
  token: string;
  canEdit: boolean;
  userName: string;
  activeFile: string | null;
  selection: AiSelection | null;
}

const STATUS_STYLE: Record<AiRunView['status'], string> = {
  queued: 'bg-zinc-700 text-zinc-200',
  thinking: 'bg-violet-500/20 text-violet-200',
  editing: 'bg-violet-500/30 text-violet-100',
  done: 'bg-emerald-500/15 text-emerald-300',
  error: 'bg-red-500/15 text-red-300',
  cancelled: 'bg-zinc-700 text-zinc-300',
};

function figures(run: AiRunView): string | null {
  const m = run.metrics;
  if (!m) return null;
  const parts = [`${m.tokens} tokens`];
  if (m.tokensPerSec !== null) parts.push(`${m.tokensPerSec} tok/s`);
  if (m.ttftMs !== null) parts.push(`first token ${m.ttftMs} ms`);
  parts.push(`${(m.durationMs / 1000).toFixed(1)} s`);
  return parts.join(' · ');
}

function RunCard({ run, canStop, onStop }: { run: AiRunView; canStop: boolean; onStop: () => void }) {
  const live = run.status === 'queued' || run.status === 'thinking' || run.status === 'editing';
  const applied = run.hunks.filter((h) => h.status === 'applied').length;
  const refused = run.hunks.filter((h) => h.status === 'refused');
  return (
    <li className="rounded-md border border-line bg-raised/60 p-2.5 text-xs" data-testid="ai-run" data-status={run.status}>
      <div className="flex items-center gap-2">
        <span className="min-w-0 flex-1 truncate text-zinc-400">
          {run.requestedBy.name}
          {run.file && <span className="font-mono text-zinc-500"> · {run.file}</span>}
        </span>
        <span className={`rounded px-1.5 py-px text-[10px] font-medium ${STATUS_STYLE[run.status]}`} data-testid="ai-run-status">
          {run.status === 'queued' && run.queuePosition ? `queued #${run.queuePosition}` : run.status}
        </span>
        {live && canStop && (
          <button type="button" onClick={onStop} className="rounded border border-line px-1.5 py-px text-[10px] text-zinc-200 hover:bg-hover" data-testid="ai-stop">
            Stop
          </button>
        )}
      </div>
      <p className="mt-1.5 whitespace-pre-wrap text-zinc-200">{run.prompt}</p>
      {run.explanation && <p className="mt-1.5 whitespace-pre-wrap text-violet-200" data-testid="ai-explanation">{run.explanation.trim()}</p>}
      {run.hunks.length > 0 && (
        <p className="mt-1.5 text-zinc-400" data-testid="ai-changes">
          {applied} change{applied === 1 ? '' : 's'} in {new Set(run.hunks.filter((h) => h.status === 'applied').map((h) => h.file)).size} file(s)
          {refused.length > 0 && <span className="text-amber-300"> · {refused.length} not applied</span>}
        </p>
      )}
      {refused.map((h) => (
        <p key={h.id} className="mt-1 text-amber-300/90">
          <span className="font-mono">{h.file}</span>: {h.reason}
        </p>
      ))}
      {run.truncated && <p className="mt-1 text-zinc-500">Context {run.truncated}</p>}
      {run.error && run.status !== 'cancelled' && <p className="mt-1.5 text-red-300" data-testid="ai-error">{run.error.message}</p>}
      {run.status === 'cancelled' && run.error && <p className="mt-1.5 text-zinc-400">{run.error.message}</p>}
      {figures(run) && <p className="mt-1.5 font-mono text-[10px] text-zinc-500" data-testid="ai-figures">{figures(run)}</p>}
    </li>
  );
}

export function AiPanel({ doc, sessionId, token, canEdit, userName, activeFile, selection }: AiPanelProps) {
  const runs = useAiThread(doc);
  const [status, setStatus] = useState<AiProviderStatus | null>(null);
  const [prompt, setPrompt] = useState('');
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const listEnd = useRef<HTMLLIElement>(null);

  useEffect(() => {
    let live = true;
    aiStatus(sessionId, token).then((s) => live && setStatus(s), (e: Error) => live && setProblem(e.message));
    return () => {
      live = false;
    };
  }, [sessionId, token]);

  useEffect(() => {
    listEnd.current?.scrollIntoView({ block: 'end' });
  }, [runs.length]);

  const send = async () => {
    const text = prompt.trim();
    if (!text || sending || !canEdit) return;
    setSending(true);
    setProblem(null);
    try {
      await askAi(sessionId, token, {
        prompt: text,
        ...(activeFile ? { file: activeFile } : {}),
        ...(activeFile && selection ? { selection } : {}),
        requestedBy: { name: userName, clientId: doc.clientID },
      });
      setPrompt('');
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setSending(false);
    }
  };

  const stop = (runId: string) => {
    cancelAi(sessionId, token, runId, userName).catch((err: Error) => setProblem(err.message));
  };

  return (
    <section className="flex h-full min-h-0 flex-col" data-testid="ai-panel">
      <header className="flex items-center gap-2 border-b border-line px-3 py-2">
        <h2 className="text-[11px] font-semibold uppercase tracking-wider text-zinc-500">AI</h2>
        {status?.configured && <span className="truncate font-mono text-[10px] text-zinc-500">{status.model} · {status.provider}</span>}
      </header>
      <ol className="min-h-0 flex-1 space-y-2 overflow-y-auto p-2" data-testid="ai-thread">
        {runs.map((run) => (
          <RunCard key={run.id} run={run} canStop={canEdit} onStop={() => stop(run.id)} />
        ))}
        {runs.length === 0 && status?.configured && <li className="px-1 text-xs text-zinc-500">Ask for a change; everyone here sees the AI type.</li>}
        <li ref={listEnd} aria-hidden />
      </ol>
      {status && !status.configured && (
        <pre className="m-2 whitespace-pre-wrap rounded-md border border-line bg-raised p-2 text-[11px] text-zinc-300" data-testid="ai-connect-help">
          {status.help}
        </pre>
      )}
      {problem && <p className="mx-2 mb-1 text-xs text-red-300" role="alert" data-testid="ai-problem">{problem}</p>}
      {canEdit ? (
        <form
          className="border-t border-line p-2"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <textarea
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
                e.preventDefault();
                void send();
              }
            }}
            rows={3}
            maxLength={20_000}
            placeholder={activeFile ? `Ask the AI about ${activeFile}…` : 'Ask the AI…'}
            className="w-full resize-none rounded-md border border-line bg-raised px-2 py-1.5 text-xs text-zinc-100 outline-none focus:border-violet-400"
            data-testid="ai-prompt"
          />
          <div className="mt-1.5 flex items-center justify-between">
            <span className="text-[10px] text-zinc-500">Ctrl/⌘ + Enter to send</span>
            <button
              type="submit"
              disabled={sending || prompt.trim() === ''}
              className="rounded-md bg-violet-500 px-2.5 py-1 text-xs font-medium text-white enabled:hover:bg-violet-400 disabled:opacity-50"
              data-testid="ai-send"
            >
              {sending ? 'Sending…' : 'Send'}
            </button>
          </div>
        </form>
      ) : (
        <p className="border-t border-line p-2 text-xs text-zinc-500">Viewers see the AI thread but cannot ask.</p>
      )}
    </section>
  );
}
