'use client';
// The AI thread as React state, read from the shared document (lib/ai/aiRuns.ts) so that every
// participant, late joiners included, sees the same runs live. Only the runs that changed are
// read again (a run with a large patch is costly to read, and the explanation of the running one
// streams at up to 60 batches a second); the others keep their object, so their cards skip
// rendering.
import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import { aiRunOrderOf, aiRunsOf, readRun, type AiRunView } from '@/lib/ai/aiRuns.ts';
import { oncePerFrame } from '@/components/shared/oncePerFrame.ts';

export function useAiThread(doc: Y.Doc): AiRunView[] {
  const [runs, setRuns] = useState<AiRunView[]>(() => read(doc, new Map(), null));
  useEffect(() => {
    const runsMap = aiRunsOf(doc);
    const order = aiRunOrderOf(doc);
    const views = new Map<string, AiRunView>();
    // Run ids changed since the last read; null: read every run.
    let dirty: Set<string> | null = null;
    // Streaming writes arrive up to 60 times a second: re-read at most once per frame.
    const frame = oncePerFrame(() => {
      const changed = dirty;
      dirty = new Set();
      setRuns(read(doc, views, changed));
    });
    const schedule = frame.schedule;
    const onRuns = (events: Y.YEvent<Y.AbstractType<unknown>>[]) => {
      for (const e of events) {
        // A run added or removed, or something inside one: the first step of its path names the run.
        const id = e.target === runsMap ? null : e.path[0];
        if (typeof id === 'string') dirty?.add(id);
        else if (e.target === runsMap) for (const key of (e as Y.YMapEvent<unknown>).keysChanged) dirty?.add(key);
      }
      schedule();
    };
    schedule();
    runsMap.observeDeep(onRuns);
    order.observe(schedule);
    return () => {
      runsMap.unobserveDeep(onRuns);
      order.unobserve(schedule);
      frame.cancel();
    };
  }, [doc]);
  return runs;
}

/** The thread in order, reusing the views of runs not in `changed` (null: none reused). */
function read(doc: Y.Doc, views: Map<string, AiRunView>, changed: Set<string> | null): AiRunView[] {
  const maps = aiRunsOf(doc);
  const out: AiRunView[] = [];
  const ids = aiRunOrderOf(doc).toArray();
  for (const id of ids) {
    const map = maps.get(id);
    if (!map) continue;
    let view = views.get(id);
    if (!view || changed === null || changed.has(id)) views.set(id, (view = readRun(map)));
    out.push(view);
  }
  for (const id of views.keys()) if (!maps.has(id)) views.delete(id);
  return out;
}
