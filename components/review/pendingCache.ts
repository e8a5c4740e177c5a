'use client';
// The pending AI hunks of a document (lib/review pendingHunks) and the clients of runs still
// writing, shared by every reader in the page and recomputed only for what changed: the whole
// list after a structure change (thread, hunks, review, identities), else only the hunks of files
// whose text changed. Unchanged hunks keep their object, and an unchanged list keeps its array,
// so readers can compare by identity and skip their own work.
import type * as Y from 'yjs';
import { aiRunOrderOf, aiRunsOf, isFinished, readRun, type AiRunView } from '@/lib/ai/aiRuns.ts';
import { aiClientsOf, computeHunk, type HunkState } from '@/lib/review/hunks.ts';
import { docVersions, type DocVersions } from '@/components/shared/docVersions.ts';
import { textViewOf } from '@/components/shared/textViews.ts';

interface RunEntry {
  run: AiRunView;
  clients: Set<number>;
}

function sameHunk(a: HunkState, b: HunkState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class PendingCache {
  private readonly doc: Y.Doc;
  private readonly versions: DocVersions;
  private structure = -1;
  private runs = new Map<string, RunEntry>();
  private live = new Set<number>();
  private hunks: HunkState[] = [];
  /** File → its version when its hunks were last computed. */
  private readonly seen = new Map<string, number>();

  constructor(doc: Y.Doc) {
    this.doc = doc;
    this.versions = docVersions(doc);
  }

  private readRuns(): void {
    const maps = aiRunsOf(this.doc);
    const runs = new Map<string, RunEntry>();
    const live = new Set<number>();
    for (const id of aiRunOrderOf(this.doc).toArray()) {
      const map = maps.get(id);
      if (!map) continue;
      const run = readRun(map);
      const clients = aiClientsOf(this.doc, run);
      runs.set(id, { run, clients });
      if (!isFinished(run.status)) for (const c of clients) live.add(c);
    }
    this.runs = runs;
    this.live = live;
  }

  /** The hunks waiting for review, in thread order (the same array while nothing in them changed). */
  pending(): HunkState[] {
    const structureChanged = this.structure !== this.versions.structure;
    if (structureChanged) {
      this.structure = this.versions.structure;
      this.readRuns();
    }
    const stale = (file: string) => structureChanged || this.seen.get(file) !== this.versions.file(file);
    const previous = new Map(this.hunks.map((h) => [h.hunkId, h]));
    const next: HunkState[] = [];
    let changed = false;
    for (const { run, clients } of this.runs.values()) {
      for (const h of run.hunks) {
        if (h.status !== 'applied' || h.review !== 'pending') continue;
        const old = previous.get(h.id);
        let state = old && !stale(h.file) ? old : computeHunk(this.doc, run, h, clients, textViewOf);
        if (old && state !== old && sameHunk(old, state)) state = old;
        if (state !== old) changed = true;
        next.push(state);
      }
    }
    if (next.length !== this.hunks.length || next.some((h, i) => h !== this.hunks[i])) changed = true;
    this.seen.clear();
    for (const h of next) this.seen.set(h.file, this.versions.file(h.file));
    if (changed) this.hunks = next;
    return this.hunks;
  }

  /** Clients of runs still writing (their characters are highlighted as they arrive). */
  liveClients(): Set<number> {
    if (this.structure !== this.versions.structure) this.pending();
    return this.live;
  }

  get structureVersion(): number {
    return this.versions.structure;
  }

  fileVersion(path: string): number {
    return this.versions.file(path);
  }
}

const caches = new WeakMap<Y.Doc, PendingCache>();

export function pendingCache(doc: Y.Doc): PendingCache {
  let c = caches.get(doc);
  if (!c) caches.set(doc, (c = new PendingCache(doc)));
  return c;
}
