'use client';
// The connection state in words and colour: connecting / synced / offline / reconnecting.
import type { ConnectionStatus } from './useCollab.ts';

const LOOK: Record<ConnectionStatus, { label: string; dot: string; text: string; hint: string }> = {
  connecting: { label: 'Connecting', dot: 'bg-amber-400 animate-pulse', text: 'text-amber-200', hint: 'Joining the session…' },
  synced: { label: 'Synced', dot: 'bg-emerald-400', text: 'text-emerald-200', hint: 'All changes are shared with everyone.' },
  reconnecting: { label: 'Reconnecting', dot: 'bg-amber-400 animate-pulse', text: 'text-amber-200', hint: 'Connection lost. Your edits are kept and will be sent when it is back.' },
  offline: { label: 'Offline', dot: 'bg-zinc-500', text: 'text-zinc-300', hint: 'Working offline. Edits are saved in this browser and merged when you reconnect.' },
  refused: { label: 'Disconnected', dot: 'bg-red-500', text: 'text-red-300', hint: 'The server closed this connection.' },
};

export function ConnectionBadge({ status, detail }: { status: ConnectionStatus; detail?: string | null }) {
  const look = LOOK[status];
  return (
    <span
      data-testid="connection-status"
      data-status={status}
      title={detail ? `${look.hint} (${detail})` : look.hint}
      className={`inline-flex h-7 items-center gap-2 rounded-full border border-line bg-raised/70 px-2.5 text-xs font-medium ${look.text}`}
    >
      <span className={`h-2 w-2 rounded-full ${look.dot}`} />
      {look.label}
    </span>
  );
}
