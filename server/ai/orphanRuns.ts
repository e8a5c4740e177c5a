// Runs a stopped process left unfinished in the thread. A node that dies (or a server killed
// mid-run) leaves its running run as 'thinking' or 'editing', perhaps with a hunk half written,
// and its queued runs as 'queued'. The node that loads the room next ends the running one
// cleanly — the half-written hunk rolled back, an error in the thread — and takes the queued
// ones over. A streaming hunk records what rolling it back needs as it goes (`aiFrom`, the AI
// client's clock when it began, and `removedSoFar`, the characters it deleted with their text),
// so the rollback is exact without the writer that is gone: the hunk's own characters are
// removed, the ones it deleted are put back where they were, and what people typed stays.
import * as Y from 'yjs';
import { aiRunsOf, readThread, type AiRunView } from '../../lib/ai/aiRuns.ts';
import { filesOf } from '../../lib/schema.ts';
import { indexOfId, visibleItems } from '../../lib/review/index.ts';
import { aiOrigin } from '../../lib/origins.ts';

/** One deleted run of characters: [client, clock of the first, their text]. */
export type RemovedChars = [client: number, clock: number, text: string];

export const INTERRUPTED = {
  code: 'interrupted',
  message: 'the server running this request stopped; its unfinished change was rolled back',
} as const;

/** Unfinished runs of the thread, oldest first: those that were running and those still queued. */
export function unfinishedRuns(doc: Y.Doc): { running: AiRunView[]; queued: AiRunView[] } {
  const runs = readThread(doc);
  return {
    running: runs.filter((r) => r.status === 'thinking' || r.status === 'editing'),
    queued: runs.filter((r) => r.status === 'queued').sort((a, b) => a.createdAt - b.createdAt),
  };
}

/**
 * Ends a run that was running when its process stopped: rolls back its streaming hunks and
 * marks it as an error. `restoreAs`: the clientID the restored characters are written under.
 */
export function endInterruptedRun(doc: Y.Doc, run: AiRunView, restoreAs: number, now = Date.now()): void {
  const map = aiRunsOf(doc).get(run.id);
  if (!map) return;
  const origin = aiOrigin(run.id);
  const hunks = (map.get('hunks') as Y.Array<Y.Map<unknown>>).toArray().filter((h) => h.get('status') === 'streaming');
  for (const hunk of hunks) rollBack(doc, hunk, run.aiClientId, restoreAs, origin);
  doc.transact(() => {
    for (const hunk of hunks) {
      hunk.set('status', 'rolledBack');
      hunk.set('reason', INTERRUPTED.message);
      hunk.set('start', null);
      hunk.set('end', null);
      hunk.set('removedSoFar', null);
    }
    map.set('status', 'error');
    map.set('error', { ...INTERRUPTED });
    map.set('finishedAt', now);
    map.set('queuePosition', null);
  }, origin);
}

function rollBack(doc: Y.Doc, hunk: Y.Map<unknown>, aiClientId: number | null, restoreAs: number, origin: unknown): void {
  const file = hunk.get('file') as string;
  const text = filesOf(doc).get(file);
  const from = hunk.get('aiFrom');
  if (!text || aiClientId === null || typeof from !== 'number') return;
  // The hunk's own characters: the run's client, written since the hunk began.
  const own: [number, number][] = [];
  for (const it of visibleItems(text)) {
    if (it.client !== aiClientId || it.clock + (it.end - it.start) <= from) continue;
    own.push([it.start + Math.max(0, from - it.clock), it.end]);
  }
  doc.transact(() => {
    for (const [start, end] of own.reverse()) text.delete(start, end - start);
  }, origin);
  // What it deleted goes back where it was (the tombstones still mark the place), written under
  // a clientID of its own, as the hunk writer's own rollback does.
  const removed = ((hunk.get('removedSoFar') as Y.Array<RemovedChars> | undefined)?.toArray() ?? [])
    .map(([client, clock, chars]) => ({ at: indexOfId(text, client, clock), chars }))
    .filter((r): r is { at: number; chars: string } => r.at !== null)
    .sort((a, b) => b.at - a.at);
  const ownId = doc.clientID;
  doc.clientID = restoreAs;
  try {
    doc.transact(() => {
      for (const r of removed) text.insert(r.at, r.chars);
    }, origin);
  } finally {
    doc.clientID = ownId;
  }
  if (hunk.get('created') === true && text.length === 0) doc.transact(() => filesOf(doc).delete(file), origin);
}
