'use client';
// Who is in the session and what they are looking at, at the foot of the explorer. Clicking a
// person (or the AI) follows them: their file opens and their caret stays in view.
import { EyeIcon } from '@/components/shared/icons.tsx';
import type { Peer } from '@/components/shared/presence.ts';

interface Props {
  peers: Peer[];
  followingId: number | null;
  onFollow: (clientId: number) => void;
  onStopFollowing: () => void;
}

export function PeoplePanel({ peers, followingId, onFollow, onStopFollowing }: Props) {
  return (
    <section className="shrink-0 border-t border-line px-2 pb-2 pt-2.5" data-testid="people-panel">
      <h2 className="px-2 text-[11px] font-semibold uppercase tracking-wider text-zinc-500">
        In this session <span className="ml-1 rounded bg-raised px-1.5 py-px text-[10px] text-zinc-400">{peers.length}</span>
      </h2>
      <ul className="mt-1.5 max-h-40 overflow-y-auto">
        {peers.map((p) => {
          const following = p.clientId === followingId;
          return (
          <li key={p.clientId}>
            <button
              type="button"
              disabled={p.isSelf}
              onClick={() => (following ? onStopFollowing() : onFollow(p.clientId))}
              title={p.isSelf ? undefined : following ? 'Stop following (Esc)' : `Follow ${p.kind === 'ai' ? 'the AI' : p.name}: open their file and keep their cursor in view`}
              aria-pressed={p.isSelf ? undefined : following}
              data-testid="people-item"
              data-name={p.name}
              data-kind={p.kind}
              className={`group flex w-full items-center gap-2 rounded-md px-2 py-1 text-left enabled:hover:bg-hover ${following ? 'bg-hover' : ''}`}
            >
              <span className="h-2 w-2 shrink-0 rounded-full" style={{ background: p.color, boxShadow: `0 0 0 3px ${p.colorLight}` }} />
              <span className="min-w-0 flex-1">
                <span className="flex items-center gap-1.5 text-xs text-zinc-200">
                  <span className="truncate">{p.name}</span>
                  {p.isSelf && <span className="text-zinc-500">you</span>}
                  {p.kind === 'ai' && <span className="rounded bg-violet-500/20 px-1 text-[9px] font-semibold uppercase text-violet-200">AI</span>}
                  {p.role === 'view' && <EyeIcon size={11} className="shrink-0 text-sky-300" aria-label="viewer" />}
                  {!p.isSelf && (
                    <span className={`ml-auto shrink-0 text-[10px] ${following ? 'font-semibold' : 'hidden text-zinc-500 group-hover:inline'}`} style={following ? { color: p.color } : undefined}>
                      {following ? 'following' : 'follow'}
                    </span>
                  )}
                </span>
                <span className="block truncate font-mono text-[10px] text-zinc-500" data-testid={p.kind === 'ai' ? 'ai-peer-status' : undefined}>
                  {p.kind === 'ai' && p.status ? `${p.status}${p.file ? ` · ${p.file}` : ''}` : (p.file ?? 'no file open')}
                </span>
              </span>
            </button>
          </li>
          );
        })}
      </ul>
    </section>
  );
}
