'use client';
// The AI panel: ask (Ctrl/Cmd+Enter; Ctrl/Cmd+I from anywhere focuses the prompt), Stop (button,
// or Esc in the panel while a run is active), and the shared thread. The active file and the
// person's selection go with each request. When no model is connected it shows the server's
// explanation of how to connect one. Viewers see the thread but cannot ask.
import { useCallback, useEffect, useRef, useState } from 'react';
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import type { Peer } from '@/components/shared/presence.ts';
import type { AiProviderStatus } from '@/lib/api.ts';
import { aiStatus, askAi, cancelAi, redirectAi } from '@/components/shared/serverApi.ts';
import { describeSelection, isEmptySelection, readLocalSelection, useLocalSelection } from './editorSelection.ts';
import { isLive, RunCard } from './RunCard.tsx';
import { useAiThread } from './useAiThread.ts';

export interface AiPanelProps {
  doc: Y.Doc;
  awareness: Awareness;
  sessionId: string;
  token: string;
  canEdit: boolean;
  userName: string;
  activeFile: string | null;
  /** The AI's presence entry, for its live status. */
  aiPeer: Peer | null;
  /** Makes the panel visible (Ctrl/Cmd+I while it is collapsed or on another tab). */
  onReveal: () => void;
  /** The page is connected to the server: asks can go. */
  online: boolean;
}

// Static dots: an endless animation while the AI works makes the compositor redraw the page every
// frame for as long as it writes, which on a machine without a GPU competes with the text itself.
const PRESENCE_STYLE: Record<string, string> = {
  idle: 'bg-zinc-500',
  queued: 'bg-amber-400',
  thinking: 'bg-violet-400 ring-2 ring-violet-400/30',
  editing: 'bg-violet-400 ring-2 ring-violet-400/30',
  error: 'bg-red-400',
};

export function AiPanel({ doc, awareness, sessionId, token, canEdit, userName, activeFile, aiPeer, onReveal, online }: AiPanelProps) {
  const runs = useAiThread(doc);
  const selection = useLocalSelection(awareness, doc, activeFile);
  const [status, setStatus] = useState<AiProviderStatus | null>(null);
  const [prompt, setPrompt] = useState('');
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // The model a new ask goes to, when the server offers a choice (null: its default).
  const [model, setModel] = useState<string | null>(null);
  const models = status?.models ?? [];
  const listEnd = useRef<HTMLLIElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  // The run the prompt steers: the one working on the file this person has open (runs on other
  // files go on beside a new ask; with no file open, any run working).
  const running = runs.find((r) => (r.status === 'thinking' || r.status === 'editing') && (activeFile === null || r.file === null || r.file === activeFile)) ?? null;

  // Re-checked while no model is connected: starting a local model server is picked up without a
  // reload. Back online, it is checked again and errors from while it was away are cleared.
  const configured = status?.configured ?? false;
  useEffect(() => {
    if (online) setProblem(null);
    let live = true;
    const check = () =>
      aiStatus(sessionId, token).then(
        (s) => live && setStatus(s),
        // Offline, the banner above the page already says why.
        (e: Error) => live && online && setProblem(e.message),
      );
    void check();
    const timer = configured ? undefined : window.setInterval(check, 15_000);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [sessionId, token, configured, online]);

  const last = runs.at(-1);
  useEffect(() => {
    listEnd.current?.scrollIntoView({ block: 'end' });
  }, [runs.length, last?.explanation.length, last?.hunks.length, last?.status]);

  // Ctrl/Cmd+I anywhere (the editor included) reveals the panel and focuses the prompt. Capture
  // phase, so Monaco's own binding for the chord never sees it.
  useEffect(() => {
    if (!canEdit) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'i' || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey) return;
      e.preventDefault();
      e.stopPropagation();
      onReveal();
      requestAnimationFrame(() => input.current?.focus());
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [canEdit, onReveal]);

  // While a run works, what is sent is a follow-up to it: steered into it (Ctrl/⌘+Enter, the
  // default) or queued after it as a run of its own (Ctrl/⌘+Shift+Enter).
  const send = async (mode: 'ask' | 'steer' | 'queue' = running ? 'steer' : 'ask') => {
    const text = prompt.trim();
    if (!text || sending || !canEdit || !online) return;
    setSending(true);
    setProblem(null);
    // Read fresh: the file may have changed under the caret since the last render.
    const sel = readLocalSelection(awareness, doc, activeFile);
    const requestedBy = { name: userName, clientId: doc.clientID };
    try {
      if (mode !== 'ask' && running) {
        await redirectAi(sessionId, token, running.id, { prompt: text, mode, requestedBy });
      } else {
        await askAi(sessionId, token, {
          prompt: text,
          ...(activeFile ? { file: activeFile } : {}),
          ...(activeFile && sel ? { selection: sel } : {}),
          requestedBy,
          ...(model && model !== models[0] && models.includes(model) ? { model } : {}),
        });
      }
      setPrompt('');
    } catch (err) {
      setProblem((err as Error).message);
    } finally {
      setSending(false);
    }
  };

  const stop = useCallback(
    (runId: string) => {
      cancelAi(sessionId, token, runId, userName).catch((err: Error) => setProblem(err.message));
    },
    [sessionId, token, userName],
  );

  return (
    <section
      className="flex h-full min-h-0 flex-col"
      data-testid="ai-panel"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && running && canEdit) {
          e.preventDefault();
          stop(running.id);
        }
      }}
    >
      <header className="flex items-center gap-2 border-b border-line px-3 py-2" data-testid="ai-header">
        <span className={`h-2 w-2 shrink-0 rounded-full ${aiPeer?.status ? PRESENCE_STYLE[aiPeer.status] : status?.configured ? 'bg-zinc-500' : 'bg-zinc-700'}`} />
        <span
          className="min-w-0 flex-1 truncate text-xs text-zinc-300"
          title={status?.configured ? `${status.model} · ${status.provider}${status.transport ? ` · ${status.transport}` : ''}` : undefined}
        >
          {status?.configured ? (
            <>
              <span className="font-mono" data-testid="ai-model">{status.model}</span>
              <span className="text-zinc-500"> · {status.provider}</span>
            </>
          ) : status ? (
            'No model connected'
          ) : (
            'Checking the model…'
          )}
        </span>
        {aiPeer?.status && (
          <span className="text-[10px] uppercase tracking-wider text-zinc-500" data-testid="ai-presence-status">
            {aiPeer.status}
          </span>
        )}
      </header>
      <ol className="min-h-0 flex-1 space-y-2 overflow-y-auto p-2" data-testid="ai-thread" aria-live="polite">
        {runs.map((run) => (
          <RunCard key={run.id} run={run} canStop={canEdit && isLive(run)} onStop={stop} />
        ))}
        {runs.length === 0 && status?.configured && (
          <li className="px-2 py-6 text-center text-xs leading-relaxed text-zinc-500">
            Ask for a change. The AI edits the shared files live, as a collaborator: everyone here watches it type, and you can keep typing
            while it does.
          </li>
        )}
        <li ref={listEnd} aria-hidden className="h-px" />
      </ol>
      {status && !status.configured && (
        <div className="m-2 rounded-lg border border-amber-400/30 bg-amber-500/[0.06] p-2.5" data-testid="ai-connect-help">
          <p className="text-xs font-medium text-amber-200">The host has not connected a model</p>
          <p className="mt-1 text-xs leading-relaxed text-zinc-400">
            Editing together works as usual; the AI joins once whoever runs this Tandem server connects one.
          </p>
          {/* The recipe is for whoever runs the server, not for everyone who opens a link. */}
          <details className="group mt-2" data-testid="ai-host-setup">
            <summary className="cursor-pointer select-none text-xs text-amber-200/90 hover:text-amber-100">For the host: how to connect a model</summary>
            <pre className="mt-1.5 max-h-[28rem] overflow-y-auto whitespace-pre-wrap font-mono text-[11px] leading-relaxed text-zinc-300">{status.help}</pre>
          </details>
        </div>
      )}
      {problem && (
        <p className="mx-2 mb-1 rounded border border-red-400/30 bg-red-500/10 px-2 py-1 text-xs text-red-200" role="alert" data-testid="ai-problem">
          {problem}
        </p>
      )}
      {canEdit ? (
        <form
          className="border-t border-line p-2"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <p className="mb-1 truncate font-mono text-[10px] text-zinc-500" data-testid="ai-context">
            {activeFile ? (
              <>
                {activeFile}
                {selection && <> · {isEmptySelection(selection) ? `caret at ${describeSelection(selection)}` : `${describeSelection(selection)} selected`}</>}
              </>
            ) : (
              'No file open: the AI sees the whole workspace'
            )}
          </p>
          <textarea
            ref={input}
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
                e.preventDefault();
                void send(running ? (e.shiftKey ? 'queue' : 'steer') : 'ask');
              }
            }}
            rows={3}
            maxLength={20_000}
            disabled={status !== null && !status.configured}
            placeholder={running ? 'Redirect the AI while it works, or queue a follow-up…' : activeFile ? `Ask the AI to change ${activeFile}…` : 'Ask the AI…'}
            className="w-full resize-none rounded-md border border-line bg-raised px-2 py-1.5 text-xs text-zinc-100 outline-none placeholder:text-zinc-600 focus:border-violet-400 disabled:opacity-50"
            data-testid="ai-prompt"
            aria-label="Ask the AI"
          />
          <div className="mt-1.5 flex items-center justify-between gap-2">
            <span className="min-w-0 text-[10px] text-zinc-500" data-testid="ai-keys">
              {!online ? 'Offline: the AI can be asked once the connection is back' : running ? 'Ctrl/⌘+Enter steers · +Shift queues · Esc stops' : 'Ctrl/⌘+Enter to send · Ctrl/⌘+I to come here'}
            </span>
            <span className="flex shrink-0 gap-1.5">
              {models.length > 1 && !running && (
                <select
                  value={model ?? models[0]}
                  onChange={(e) => setModel(e.target.value)}
                  title="The model this request goes to"
                  aria-label="Model"
                  className="max-w-32 truncate rounded-md border border-line bg-raised px-1.5 py-1 font-mono text-[11px] text-zinc-200 outline-none focus:border-violet-400"
                  data-testid="ai-model-select"
                >
                  {models.map((m) => (
                    <option key={m} value={m}>
                      {m}
                    </option>
                  ))}
                </select>
              )}
              {running && (
                <button
                  type="button"
                  onClick={() => void send('queue')}
                  disabled={sending || !online || prompt.trim() === ''}
                  title="Queue after this run (Ctrl/⌘+Shift+Enter)"
                  className="rounded-md border border-line px-2.5 py-1 text-xs font-medium text-zinc-200 enabled:hover:bg-raised disabled:opacity-40"
                  data-testid="ai-queue"
                >
                  Queue
                </button>
              )}
              <button
                type="submit"
                disabled={sending || !online || prompt.trim() === '' || (status !== null && !status.configured)}
                title={running ? 'Steer the run now: the hunk being written is rolled back and the AI goes on with this (Ctrl/⌘+Enter)' : 'Send (Ctrl/⌘+Enter)'}
                className="rounded-md bg-violet-500 px-2.5 py-1 text-xs font-medium text-white enabled:hover:bg-violet-400 disabled:opacity-40"
                data-testid="ai-send"
              >
                {sending ? 'Sending…' : running ? 'Steer' : 'Send'}
              </button>
            </span>
          </div>
        </form>
      ) : (
        <p className="border-t border-line p-3 text-xs leading-relaxed text-zinc-400" data-testid="ai-viewer-note">
          You are viewing this session: you see the AI thread live, but only people with the edit link can ask the AI or stop it.
        </p>
      )}
    </section>
  );
}
