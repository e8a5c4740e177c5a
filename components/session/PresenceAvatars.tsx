'use client';
// Everyone in the room as coloured initials; viewers carry an eye badge. Hover for details, click
// to follow someone (click again to stop).
import { initials } from '@/components/shared/profile.ts';
import { EyeIcon } from '@/components/shared/icons.tsx';
import type { Peer } from '@/components/shared/presence.ts';

const MAX_SHOWN = 6;

interface Props {
  peers: Peer[];
  followingId?: number | null;
  onFollow?: (clientId: number) => void;
  onStopFollowing?: () => void;
}

export function PresenceAvatars({ peers, followingId = null, onFollow, onStopFollowing }: Props) {
  const shown = peers.slice(0, MAX_SHOWN);
  const extra = peers.length - shown.length;
  return (
    <div className="flex items-center gap-1" data-testid="presence" aria-label={`${peers.length} in this session`}>
      {shown.map((p) => {
        const following = p.clientId === followingId;
        return (
        <button
          type="button"
          disabled={p.isSelf || !onFollow}
          onClick={() => (following ? onStopFollowing?.() : onFollow?.(p.clientId))}
          aria-label={p.isSelf ? `${p.name} (you)` : following ? `Stop following ${p.name}` : `Follow ${p.name}`}
          aria-pressed={p.isSelf ? undefined : following}
          key={p.clientId}
          data-testid="presence-avatar"
          data-name={p.name}
          data-role={p.role}
          data-self={p.isSelf || undefined}
          data-following={following || undefined}
          className="group relative block rounded-full enabled:cursor-pointer"
        >
          <div
            className="flex h-7 w-7 items-center justify-center rounded-full text-[11px] font-bold text-zinc-950 ring-2 ring-panel"
            style={{ background: p.color, ...(following ? { boxShadow: `0 0 0 2px #101217, 0 0 0 4px ${p.color}` } : {}) }}
          >
            {initials(p.name)}
          </div>
          {p.role === 'view' && (
            <span className="absolute -bottom-0.5 -right-0.5 flex h-3.5 w-3.5 items-center justify-center rounded-full bg-zinc-800 text-zinc-200 ring-2 ring-panel">
              <EyeIcon size={9} strokeWidth={2.4} />
            </span>
          )}
          <div className="pointer-events-none absolute right-0 top-9 z-40 hidden w-max max-w-64 animate-fade-in rounded-lg border border-line-strong bg-raised px-3 py-2 text-left text-xs shadow-xl group-hover:block">
            <div className="flex items-center gap-2 font-medium text-zinc-100">
              <span className="h-2 w-2 rounded-full" style={{ background: p.color }} />
              {p.name}
              {p.isSelf && <span className="text-zinc-500">(you)</span>}
            </div>
            <div className="mt-0.5 text-zinc-400">
              {p.kind === 'ai' ? `AI · ${p.status ?? 'idle'}` : p.role === 'view' ? 'Viewing' : 'Editing'}
              {p.file ? <> · <span className="font-mono text-zinc-300">{p.file}</span></> : null}
            </div>
            {!p.isSelf && onFollow && (
              <div className="mt-1 text-[11px] text-zinc-500">{following ? 'Following · click or Esc to stop' : 'Click to follow'}</div>
            )}
          </div>
        </button>
        );
      })}
      {extra > 0 && (
        <div className="flex h-7 w-7 items-center justify-center rounded-full bg-raised text-[11px] font-semibold text-zinc-300 ring-2 ring-panel">
          +{extra}
        </div>
      )}
    </div>
  );
}
