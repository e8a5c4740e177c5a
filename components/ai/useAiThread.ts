'use client';
// The AI thread as React state, read from the shared document (lib/ai/schema.ts) so that every
// participant, late joiners included, sees the same runs live.
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { aiRunOrderOf, aiRunsOf, readThread, type AiRunView } from '@/lib/ai/schema.ts';

export function useAiThread(doc: Y.Doc): AiRunView[] {
  const [runs, setRuns] = useState<AiRunView[]>(() => readThread(doc));
  useEffect(() => {
    const runsMap = aiRunsOf(doc);
    const order = aiRunOrderOf(doc);
    let frame = 0;
    // Streaming writes arrive up to 60 times a second: re-read at most once per frame.
    const update = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        setRuns(readThread(doc));
      });
    };
    update();
    runsMap.observeDeep(update);
    order.observe(update);
    return () => {
      runsMap.unobserveDeep(update);
      order.unobserve(update);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [doc]);
  return runs;
}
