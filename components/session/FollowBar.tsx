'use client';
// Over the editor: "Following X — Esc to stop" with a frame in their colour while following.
// Above it, in the page's flow (never over the code): an offer to follow the AI when one of its
// runs starts, dismissed per run, by its × or by stopping to follow that run (Esc).
import { useRef, useState } from 'react';
import type { Follow } from './useFollow.ts';
import type { AiPresence } from './useAiPresence.ts';

export function FollowBar({ follow }: { follow: Follow }) {
  const { peer } = follow;
  if (peer) {
    return (
      <>
        <div
          className="pointer-events-none absolute inset-0 z-20 rounded-sm"
          style={{ boxShadow: `inset 0 0 0 2px ${peer.color}` }}
          aria-hidden="true"
        />
        <div
          className="absolute left-1/2 top-0 z-30 flex max-w-[90%] -translate-x-1/2 animate-pop-in items-center gap-2 whitespace-nowrap rounded-b-md px-3 py-1 text-xs font-medium text-zinc-950 shadow-lg"
          style={{ background: peer.color }}
          data-testid="follow-indicator"
          data-following={peer.name}
          role="status"
        >
          <span className="min-w-0 truncate">
            Following {peer.kind === 'ai' ? `the AI (${peer.name})` : peer.name}
            {peer.file ? <span className="font-mono opacity-75"> · {peer.file}</span> : null}
          </span>
          <span className="opacity-70">— Esc to stop</span>
          <button
            type="button"
            onClick={follow.stop}
            className="rounded bg-black/15 px-1.5 py-px text-[11px] hover:bg-black/25"
            data-testid="follow-stop"
          >
            Stop
          </button>
        </div>
      </>
    );
  }
  return null;
}

export function FollowAiOffer({ follow, activeAi }: { follow: Follow; activeAi: AiPresence | null }) {
  const [dismissedRun, setDismissedRun] = useState<string | null>(null);
  const runKey = activeAi ? activeAi.runId ?? `ai-${activeAi.clientId}` : null;
  // A run this person followed is not offered again once they stop (Esc, Stop): noted while
  // rendering, so the offer never flashes back in the render where following ends.
  const followed = useRef(new Set<string>());
  if (follow.peer?.kind === 'ai' && runKey) followed.current.add(runKey);
  if (!activeAi || runKey === dismissedRun || follow.peer || (runKey !== null && followed.current.has(runKey))) return null;
  // No backdrop blur and no endless animation: it stays while the AI writes, and either would
  // make the page repaint (blur) or recomposite (ping) on every frame.
  return (
    <div
      className="flex h-8 shrink-0 items-center gap-2 border-b border-violet-400/20 bg-[#1b1730] pl-3 pr-1.5 text-xs text-violet-100"
      data-testid="follow-ai-offer"
    >
      <span className="inline-flex h-2 w-2 rounded-full bg-violet-400 ring-2 ring-violet-400/30" />
      <span className="min-w-0 flex-1 truncate">
        {activeAi.name} is {activeAi.status === 'editing' ? 'editing' : 'thinking'}
        {activeAi.file ? <span className="font-mono text-violet-300"> · {activeAi.file}</span> : null}
      </span>
      <button
        type="button"
        onClick={() => follow.follow(activeAi.clientId)}
        className="rounded-md bg-violet-500 px-2 py-0.5 font-semibold text-white hover:bg-violet-400"
        data-testid="follow-ai"
      >
        Follow the AI
      </button>
      <button
        type="button"
        onClick={() => setDismissedRun(runKey)}
        aria-label="Dismiss"
        className="rounded px-1 text-violet-300 hover:bg-white/10"
      >
        ×
      </button>
    </div>
  );
}
