'use client';
// A short-lived notice at the bottom left of the session screen ("Deleted src/a.ts · Undo",
// "Restored a.ts · Undo"): one look for every such message.
import type { ReactNode } from 'react';

export function Notice({ children, testId }: { children: ReactNode; testId: string }) {
  return (
    <div
      role="status"
      data-testid={testId}
      className="fixed bottom-10 left-4 z-50 flex max-w-md animate-pop-in items-center gap-3 rounded-lg border border-line-strong bg-raised px-3 py-2 text-xs text-zinc-200 shadow-2xl shadow-black/50"
    >
      {children}
    </div>
  );
}

/** The action button of a notice (Undo). */
export function NoticeAction({ onClick, testId, children }: { onClick: () => void; testId: string; children: ReactNode }) {
  return (
    <button type="button" onClick={onClick} data-testid={testId} className="shrink-0 font-semibold text-accent-strong hover:text-zinc-50">
      {children}
    </button>
  );
}
