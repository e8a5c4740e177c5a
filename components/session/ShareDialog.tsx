'use client';
// Share links for the session. Editors get both links from the server (GET …/links); a viewer
// only knows the token it was opened with, plus any this browser kept (rememberedSessions.ts).
import { useEffect, useRef, useState } from 'react';
import type { Role } from '@/lib/schema.ts';
import { findRemembered } from '@/components/shared/rememberedSessions.ts';
import { sessionLink } from '@/components/shared/sessionLinks.ts';
import { getSessionLinks } from '@/components/shared/serverApi.ts';
import { CheckIcon, CloseIcon, CopyIcon, EyeIcon, PencilIcon } from '@/components/shared/icons.tsx';

interface Props {
  id: string;
  token: string;
  role: Role;
  onClose: () => void;
}

export function ShareDialog({ id, token, role, onClose }: Props) {
  const dialog = useRef<HTMLDivElement>(null);
  const recent = findRemembered(id);
  const editToken = role === 'edit' ? token : recent?.editToken;
  const viewToken = role === 'view' ? token : recent?.viewToken;
  const [served, setServed] = useState<{ editUrl: string; viewUrl: string } | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);

  useEffect(() => {
    if (role !== 'edit') return;
    let live = true;
    getSessionLinks(id, token).then(
      (links) => live && setServed(links),
      () => live && setLoadFailed(true),
    );
    return () => {
      live = false;
    };
  }, [id, token, role]);
  const editUrl = served?.editUrl ?? (editToken ? sessionLink(id, editToken) : null);
  const viewUrl = served?.viewUrl ?? (viewToken ? sessionLink(id, viewToken) : null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    dialog.current?.focus();
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center bg-black/50 pt-[14vh] backdrop-blur-[2px] animate-fade-in" onMouseDown={onClose}>
      <div
        ref={dialog}
        role="dialog"
        aria-modal="true"
        aria-labelledby="share-title"
        tabIndex={-1}
        onMouseDown={(e) => e.stopPropagation()}
        className="w-[min(520px,92vw)] animate-pop-in rounded-2xl border border-line-strong bg-panel p-5 shadow-2xl shadow-black/60 outline-none"
      >
        <div className="flex items-start justify-between">
          <div>
            <h2 id="share-title" className="text-base font-semibold text-zinc-50">Share this session</h2>
            <p className="mt-1 text-xs text-zinc-400">Anyone with a link can join. Links carry their own access: keep edit links to people you trust.</p>
          </div>
          <button type="button" aria-label="Close" onClick={onClose} className="rounded-md p-1 text-zinc-500 hover:bg-hover hover:text-zinc-200">
            <CloseIcon />
          </button>
        </div>
        <div className="mt-5 space-y-3">
          {editUrl && (
            <LinkRow
              testId="edit-link"
              icon={<PencilIcon size={15} />}
              title="Can edit"
              description="Full access: edit files, create and delete them."
              url={editUrl}
            />
          )}
          {viewUrl ? (
            <LinkRow
              testId="view-link"
              icon={<EyeIcon size={15} />}
              title="View only"
              description="Watch live, with cursors. Typing changes nothing."
              url={viewUrl}
            />
          ) : (
            <p className="rounded-lg border border-dashed border-line-strong px-3 py-2.5 text-xs text-zinc-400">
              {role === 'edit' && !loadFailed
                ? 'Fetching the view-only link…'
                : role === 'edit'
                  ? 'The view-only link could not be fetched; try again in a moment.'
                  : 'Only editors can see the other links.'}
            </p>
          )}
        </div>
      </div>
    </div>
  );
}

function LinkRow({ icon, title, description, url, testId }: { icon: React.ReactNode; title: string; description: string; url: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // Clipboard permission denied: select the text so the person can copy it by hand.
      const input = document.querySelector<HTMLInputElement>(`[data-testid="${testId}"] input`);
      input?.select();
      return;
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 1600);
  };
  return (
    <div data-testid={testId} className="rounded-xl border border-line bg-raised/60 p-3">
      <div className="flex items-center gap-2 text-sm font-medium text-zinc-100">
        <span className="text-accent-strong">{icon}</span>
        {title}
        <span className="text-xs font-normal text-zinc-500">· {description}</span>
      </div>
      <div className="mt-2 flex gap-2">
        <input
          readOnly
          value={url}
          onFocus={(e) => e.target.select()}
          className="min-w-0 flex-1 rounded-lg border border-line-strong bg-canvas px-2.5 py-1.5 font-mono text-[11px] text-zinc-300 outline-none"
        />
        <button
          type="button"
          onClick={copy}
          className={`flex w-24 shrink-0 items-center justify-center gap-1.5 rounded-lg px-3 text-xs font-semibold transition ${
            copied ? 'bg-emerald-500/20 text-emerald-300' : 'bg-accent text-white hover:bg-accent-strong'
          }`}
        >
          {copied ? <CheckIcon size={14} /> : <CopyIcon size={14} />}
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
