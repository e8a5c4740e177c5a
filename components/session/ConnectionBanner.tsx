'use client';
// Says plainly, under the header, when this page has lost the server: the edits made meanwhile
// are kept (in this browser, IndexedDB) and sync when the connection is back; then, for a moment,
// that it is back. A blip shorter than SHOW_AFTER_MS shows nothing (the header badge still does).
import { useEffect, useRef, useState } from 'react';
import type { ConnectionStatus } from './useCollab.ts';

const SHOW_AFTER_MS = 1000;
const RECONNECTED_MS = 3000;

type Shown = 'none' | 'offline' | 'reconnecting' | 'reconnected';

export function ConnectionBanner({ status }: { status: ConnectionStatus }) {
  const [shown, setShown] = useState<Shown>('none');
  const lost = status === 'offline' || status === 'reconnecting';
  const wasShown = useRef(false);

  useEffect(() => {
    if (lost) {
      // Already on screen: follow the status at once; else only once it has lasted.
      if (wasShown.current) return void setShown(status);
      const timer = window.setTimeout(() => {
        wasShown.current = true;
        setShown(status);
      }, SHOW_AFTER_MS);
      return () => window.clearTimeout(timer);
    }
    if (status === 'synced' && wasShown.current) {
      wasShown.current = false;
      setShown('reconnected');
      const timer = window.setTimeout(() => setShown('none'), RECONNECTED_MS);
      return () => window.clearTimeout(timer);
    }
    if (status !== 'synced') setShown('none');
  }, [status, lost]);

  if (shown === 'none') return null;
  if (shown === 'reconnected') {
    return (
      <div role="status" data-testid="connection-banner" data-kind="reconnected" className="flex items-center justify-center gap-2 border-b border-emerald-400/20 bg-emerald-500/10 px-4 py-1.5 text-xs text-emerald-200">
        <span className="h-1.5 w-1.5 rounded-full bg-emerald-400" />
        Reconnected. Your edits are synced with everyone.
      </div>
    );
  }
  return (
    <div role="alert" data-testid="connection-banner" data-kind={shown} className="flex items-center justify-center gap-2 border-b border-amber-400/20 bg-amber-500/10 px-4 py-1.5 text-xs text-amber-100">
      <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-amber-400" />
      {shown === 'offline' ? 'You are offline.' : 'Connection lost, reconnecting…'} Your edits are kept in this browser and will sync when the connection is back.
    </div>
  );
}
