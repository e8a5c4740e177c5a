'use client';
// What changed in the document, as version counters, so per-frame readers (the review layer, the
// review panel) can skip work when nothing they read changed. While the AI streams, almost every
// transaction touches one file's text and nothing else: counting per file lets hunks and
// highlights of the other files stay as they are instead of being recomputed 60 times a second.
import * as Y from 'yjs';
import { filesOf } from '@/lib/schema.ts';
import { aiRunsOf } from '@/lib/ai/aiRuns.ts';

export interface DocVersions {
  /** Bumped by any change outside the files' texts (thread, hunks, review log, identities, the files map itself). */
  readonly structure: number;
  /** Bumped by every change to this file's text (or by a structure change). */
  file(path: string): number;
}

class Tracker implements DocVersions {
  structure = 0;
  private readonly files = new Map<string, number>();
  private readonly filesMap: Y.Map<Y.Text>;
  private readonly runsMap: Y.Map<unknown>;

  constructor(doc: Y.Doc) {
    this.filesMap = filesOf(doc);
    this.runsMap = aiRunsOf(doc) as Y.Map<unknown>;
    doc.on('afterTransaction', this.onTransaction);
  }

  file(path: string): number {
    return this.structure + (this.files.get(path) ?? 0);
  }

  private onTransaction = (tr: Y.Transaction): void => {
    for (const type of tr.changed.keys()) {
      const key = type._item?.parentSub ?? null;
      if (type instanceof Y.Text && type.parent === this.filesMap && key !== null) {
        this.files.set(key, (this.files.get(key) ?? 0) + 1);
        continue;
      }
      // The streamed explanation of a run: shown in the thread, read by no hunk or highlight.
      if (type instanceof Y.Text && key === 'explanation' && type.parent?.parent === this.runsMap) continue;
      this.structure++;
    }
  };
}

const trackers = new WeakMap<Y.Doc, Tracker>();

/** The document's version counters (one listener per document, for its lifetime). */
export function docVersions(doc: Y.Doc): DocVersions {
  let t = trackers.get(doc);
  if (!t) trackers.set(doc, (t = new Tracker(doc)));
  return t;
}
