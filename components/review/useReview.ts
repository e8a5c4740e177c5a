'use client';
// Pending AI hunks and the review log as React state, recomputed from the document at most once
// per animation frame (the AI can write 60 batches a second; the panel must not re-render per
// token), and only set when something in it changed: this state lives in the workspace, so a new
// object re-renders the whole page.
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { aiRunsOf, readRun, type AiRunView } from '@/lib/ai/aiRuns.ts';
import type { HunkState } from '@/lib/review/hunks.ts';
import { readLog, type ReviewLogEntry } from '@/lib/review/reviewLog.ts';
import { oncePerFrame } from '@/components/shared/oncePerFrame.ts';
import { pendingCache } from './pendingCache.ts';

export interface RunInfo {
  prompt: string;
  requestedBy: string;
  model: string | null;
  status: string;
}

export interface ReviewState {
  pending: HunkState[];
  log: ReviewLogEntry[];
  runs: Map<string, RunInfo>;
  /** The latest run's changes refused because people changed the same text meanwhile. */
  conflicts: ConflictInfo[];
}

export interface ConflictInfo {
  hunkId: string;
  file: string;
  reason: string;
  /** What the model wanted instead of the lines it quoted. */
  newText: string;
  /** The request of the run, for asking again. */
  prompt: string;
}

/** Conflicts of the most recent run (a later run has read the file again: older ones are moot). */
function latestConflicts(maps: Y.Map<Y.Map<unknown>>): ConflictInfo[] {
  // Only the latest run is read whole (a run's hunks carry their texts).
  let latest: Y.Map<unknown> | null = null;
  let at = -1;
  for (const map of maps.values()) {
    const created = map.get('createdAt');
    const t = typeof created === 'number' ? created : 0;
    if (t > at) [latest, at] = [map, t];
  }
  if (!latest) return [];
  const run: AiRunView = readRun(latest);
  return run.hunks
    .filter((h) => h.conflict && h.status === 'refused')
    .map((h) => ({ hunkId: h.id, file: h.file, reason: h.reason ?? '', newText: h.newText, prompt: run.prompt }));
}

function read(doc: Y.Doc): ReviewState {
  const pending = pendingCache(doc).pending();
  const runs = new Map<string, RunInfo>();
  const maps = aiRunsOf(doc);
  for (const h of pending) {
    if (runs.has(h.runId)) continue;
    const map = maps.get(h.runId);
    if (!map) continue;
    const run = readRun(map);
    runs.set(h.runId, { prompt: run.prompt, requestedBy: run.requestedBy.name, model: run.model, status: run.status });
  }
  return { pending, log: readLog(doc), runs, conflicts: latestConflicts(maps) };
}

export function useReview(doc: Y.Doc): ReviewState {
  const [state, setState] = useState<ReviewState>(() => read(doc));
  useEffect(() => {
    const cache = pendingCache(doc);
    // The log and the runs' fields change only with the structure; the hunks keep their array
    // while none of them changed (typing or AI text in a file without pending hunks).
    let shown: { pending: HunkState[]; structure: number } | null = null;
    const frame = oncePerFrame(() => {
      const pending = cache.pending();
      if (shown && shown.pending === pending && shown.structure === cache.structureVersion) return;
      shown = { pending, structure: cache.structureVersion };
      setState(read(doc));
    });
    const update = frame.schedule;
    update();
    doc.on('afterTransaction', update);
    return () => {
      doc.off('afterTransaction', update);
      frame.cancel();
    };
  }, [doc]);
  return state;
}
