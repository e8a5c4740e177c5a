'use client';
// The AI peers in the room and what they are doing, from their awareness entries (the server's
// AI peer publishes `kind: 'ai'`, `status`, `runId` and `file`). Used to offer "Follow the AI"
// when a run starts.
import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { isAiPresenceStatus, type AiPresenceStatus } from '@/lib/ai/aiAwareness.ts';

export interface AiPresence {
  clientId: number;
  name: string;
  status: AiPresenceStatus;
  runId: string | null;
  file: string | null;
}

export function readAiPresence(awareness: Awareness): AiPresence[] {
  const out: AiPresence[] = [];
  awareness.getStates().forEach((state, clientId) => {
    if (state.kind !== 'ai') return;
    const user = state.user as { name?: unknown } | undefined;
    out.push({
      clientId,
      name: typeof user?.name === 'string' ? user.name.slice(0, 80) : 'AI',
      status: isAiPresenceStatus(state.status) ? state.status : 'idle',
      runId: typeof state.runId === 'string' ? state.runId.slice(0, 80) : null,
      file: typeof state.file === 'string' ? state.file.slice(0, 512) : null,
    });
  });
  return out;
}

/** AI peers that are working on a run right now. */
export function useActiveAi(awareness: Awareness): AiPresence | null {
  const [active, setActive] = useState<AiPresence | null>(null);
  useEffect(() => {
    const update = () => {
      const busy = readAiPresence(awareness).find((a) => a.status === 'thinking' || a.status === 'editing') ?? null;
      setActive((prev) =>
        prev && busy && prev.clientId === busy.clientId && prev.status === busy.status && prev.runId === busy.runId && prev.file === busy.file ? prev : busy,
      );
    };
    update();
    awareness.on('change', update);
    return () => awareness.off('change', update);
  }, [awareness]);
  return active;
}
