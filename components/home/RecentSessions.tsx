'use client';
// Sessions this browser has opened before (localStorage), newest first.
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { forgetSession, loadRemembered, type RememberedSession } from '@/components/shared/rememberedSessions.ts';
import { ClockIcon, CloseIcon, EyeIcon, PencilIcon } from '@/components/shared/icons.tsx';
import { timeAgo } from '@/components/shared/timeAgo.ts';

export function RecentSessions() {
  // Read after mount: localStorage does not exist during server rendering.
  const [list, setList] = useState<RememberedSession[] | null>(null);
  useEffect(() => setList(loadRemembered()), []);

  return (
    <section className="rounded-xl border border-line bg-panel/60 p-5">
      <h2 className="flex items-center gap-2 text-sm font-semibold text-zinc-100">
        <ClockIcon className="text-zinc-500" /> Recent sessions
      </h2>
      {list === null ? (
        <div className="mt-4 space-y-2" aria-hidden="true">
          {[0, 1, 2].map((i) => (
            <div key={i} className="h-12 animate-pulse rounded-lg bg-raised" />
          ))}
        </div>
      ) : list.length === 0 ? (
        <div className="mt-4 rounded-lg border border-dashed border-line-strong px-4 py-8 text-center">
          <p className="text-sm text-zinc-300">No sessions yet</p>
          <p className="mt-1 text-xs text-zinc-500">Sessions you create or open from a link show up here.</p>
        </div>
      ) : (
        <ul className="mt-3 space-y-1" data-testid="recent-sessions">
          {list.map((s) => (
            <li key={s.id} className="group relative">
              <Link
                href={`/s/${s.id}#token=${encodeURIComponent(s.token)}`}
                className="flex items-center gap-3 rounded-lg px-3 py-2.5 transition hover:bg-hover"
              >
                <span
                  className={`flex h-8 w-8 shrink-0 items-center justify-center rounded-md ${
                    s.role === 'edit' ? 'bg-accent/15 text-accent-strong' : 'bg-sky-500/10 text-sky-300'
                  }`}
                >
                  {s.role === 'edit' ? <PencilIcon size={15} /> : <EyeIcon size={15} />}
                </span>
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-sm text-zinc-100">{s.title || 'Untitled session'}</span>
                  <span className="block text-[11px] text-zinc-500">
                    {s.role === 'edit' ? 'Can edit' : 'View only'} · {timeAgo(s.lastOpened)}
                  </span>
                </span>
              </Link>
              <button
                type="button"
                aria-label={`Forget ${s.title}`}
                title="Remove from this list"
                onClick={() => {
                  forgetSession(s.id);
                  setList(loadRemembered());
                }}
                className="absolute right-2 top-1/2 -translate-y-1/2 rounded p-1 text-zinc-500 opacity-0 transition group-hover:opacity-100 hover:bg-raised hover:text-zinc-200"
              >
                <CloseIcon size={14} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
