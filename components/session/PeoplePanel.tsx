'use client';
// Who is in the session and what they are looking at, at the foot of the explorer. Clicking a
// person opens the file they have open.
import { EyeIcon } from '@/components/ui/icons.tsx';
import type { Peer } from './presence.ts';

export function PeoplePanel({ peers, onOpen }: { peers: Peer[]; onOpen: (path: string) => void }) {
  return (
    <section className="shrink-0 border-t border-line px-2 pb-2 pt-2.5" data-testid="people-panel">
      <h2 className="px-2 text-[11px] font-semibold uppercase tracking-wider text-zinc-500">
        In this session <span className="ml-1 rounded bg-raised px-1.5 py-px text-[10px] text-zinc-400">{peers.length}</span>
      </h2>
      <ul className="mt-1.5 max-h-40 overflow-y-auto">
        {peers.map((p) => (
          <li key={p.clientId}>
            <button
              type="button"
              disabled={!p.file || p.isSelf}
              onClick={() => p.file && onOpen(p.file)}
              title={p.file && !p.isSelf ? `Open ${p.file}` : undefined}
              className="flex w-full items-center gap-2 rounded-md px-2 py-1 text-left enabled:hover:bg-hover"
            >
              <span className="h-2 w-2 shrink-0 rounded-full" style={{ background: p.color, boxShadow: `0 0 0 3px ${p.colorLight}` }} />
              <span className="min-w-0 flex-1">
                <span className="flex items-center gap-1.5 text-xs text-zinc-200">
                  <span className="truncate">{p.name}</span>
                  {p.isSelf && <span className="text-zinc-500">you</span>}
                  {p.role === 'view' && <EyeIcon size={11} className="shrink-0 text-sky-300" aria-label="viewer" />}
                </span>
                <span className="block truncate font-mono text-[10px] text-zinc-500">{p.file ?? 'no file open'}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
