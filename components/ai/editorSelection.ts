'use client';
// The local person's selection in the active file, as the AI request wants it (1-based lines and
// columns). The editor binding already publishes it in awareness as Yjs relative positions, so reading it
// from there keeps the editor component untouched and always matches what others see.
import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { filesOf } from '@/lib/schema.ts';
import { lineColumn } from '@/lib/textPosition.ts';
import type { AiSelection } from '@/lib/ai/aiRuns.ts';
import { oncePerFrame } from '@/components/shared/oncePerFrame.ts';

/** The selection (or bare caret) the local person has in `path`, or null. */
export function readLocalSelection(awareness: Awareness, doc: Y.Doc, path: string | null): AiSelection | null {
  if (!path) return null;
  const ytext = filesOf(doc).get(path);
  const sel = awareness.getLocalState()?.selection as { anchor?: unknown; head?: unknown } | null | undefined;
  if (!ytext || !sel?.anchor || !sel.head) return null;
  const a = Y.createAbsolutePositionFromRelativePosition(sel.anchor as Y.RelativePosition, doc);
  const b = Y.createAbsolutePositionFromRelativePosition(sel.head as Y.RelativePosition, doc);
  if (!a || !b || a.type !== ytext || b.type !== ytext) return null;
  const text = ytext.toString();
  const start = lineColumn(text, Math.min(a.index, b.index));
  const end = lineColumn(text, Math.max(a.index, b.index));
  return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
}

export function isEmptySelection(s: AiSelection): boolean {
  return s.startLine === s.endLine && s.startColumn === s.endColumn;
}

/** "line 4", "line 4, 3 columns", "lines 4–9". */
export function describeSelection(s: AiSelection): string {
  if (s.startLine !== s.endLine) return `lines ${s.startLine}–${s.endLine}`;
  if (isEmptySelection(s)) return `line ${s.startLine}`;
  return `line ${s.startLine}, col ${s.startColumn}–${s.endColumn}`;
}

/**
 * Live version of readLocalSelection, refreshed when this person's caret moves, at most once per
 * frame (it reads the file's text, and the caret moves with every keystroke).
 */
export function useLocalSelection(awareness: Awareness, doc: Y.Doc, path: string | null): AiSelection | null {
  const [sel, setSel] = useState<AiSelection | null>(() => readLocalSelection(awareness, doc, path));
  useEffect(() => {
    const frame = oncePerFrame(() => {
      const next = readLocalSelection(awareness, doc, path);
      setSel((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
    });
    const update = (change: { added: number[]; updated: number[]; removed: number[] }) => {
      const self = awareness.clientID;
      if (!change.added.includes(self) && !change.updated.includes(self)) return;
      frame.schedule();
    };
    setSel(readLocalSelection(awareness, doc, path));
    awareness.on('change', update);
    return () => {
      awareness.off('change', update);
      frame.cancel();
    };
  }, [awareness, doc, path]);
  return sel;
}
