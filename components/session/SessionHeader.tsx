'use client';
// The top bar: where you are, who is here, whether your edits are flowing, and sharing.
import Link from 'next/link';
import { useState } from 'react';
import type { Role } from '@/lib/schema.ts';
import type { Profile } from '@/components/shared/profile.ts';
import { zipUrl } from '@/components/shared/serverApi.ts';
import { DownloadIcon, EyeIcon, LogoMark, ShareIcon } from '@/components/shared/icons.tsx';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { PresenceAvatars } from './PresenceAvatars.tsx';
import { NameChip } from './NameChip.tsx';
import { ShareDialog } from './ShareDialog.tsx';
import type { Peer } from '@/components/shared/presence.ts';
import type { ConnectionStatus } from './useCollab.ts';

interface Props {
  id: string;
  token: string;
  title: string;
  role: Role;
  status: ConnectionStatus;
  statusDetail: string | null;
  peers: Peer[];
  profile: Profile;
  onProfile: (p: Profile) => void;
  followingId?: number | null;
  onFollow?: (clientId: number) => void;
  onStopFollowing?: () => void;
}

export function SessionHeader({ id, token, title, role, status, statusDetail, peers, profile, onProfile, followingId, onFollow, onStopFollowing }: Props) {
  const [sharing, setSharing] = useState(false);
  return (
    <header className="flex h-12 shrink-0 items-center gap-3 border-b border-line bg-panel px-3">
      <Link href="/" aria-label="Tandem home" className="rounded-md p-1 transition hover:bg-hover">
        <LogoMark size={22} />
      </Link>
      <span className="text-zinc-700">/</span>
      <h1 data-testid="session-title" className="min-w-0 truncate text-sm font-medium text-zinc-100">
        {title || 'Untitled session'}
      </h1>
      {role === 'view' && (
        <span className="inline-flex shrink-0 items-center gap-1 rounded-full bg-sky-500/10 px-2 py-0.5 text-[11px] font-medium text-sky-300 ring-1 ring-sky-500/25">
          <EyeIcon size={12} /> View only
        </span>
      )}
      <div className="ml-auto flex shrink-0 items-center gap-3">
        <ConnectionBadge status={status} detail={statusDetail} />
        <PresenceAvatars peers={peers} followingId={followingId} onFollow={onFollow} onStopFollowing={onStopFollowing} />
        <div className="h-5 w-px bg-line" />
        <NameChip profile={profile} onChange={onProfile} />
        <a
          href={zipUrl(id, token)}
          download
          title="Download workspace as .zip"
          aria-label="Download workspace as zip"
          className="flex h-7 w-7 items-center justify-center rounded-md text-zinc-400 transition hover:bg-hover hover:text-zinc-100"
        >
          <DownloadIcon size={16} />
        </a>
        <button
          type="button"
          onClick={() => setSharing(true)}
          className="flex h-7 items-center gap-1.5 rounded-md bg-accent px-3 text-xs font-semibold text-white shadow-md shadow-accent/20 transition hover:bg-accent-strong"
        >
          <ShareIcon size={14} /> Share
        </button>
      </div>
      {sharing && <ShareDialog id={id} token={token} role={role} onClose={() => setSharing(false)} />}
    </header>
  );
}
