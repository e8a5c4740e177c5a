'use client';
// The Monaco models that hold a file's text, as lib/review's TextView: the review state of a file
// on screen reads lines and slices from the editor's model (a piece tree: O(log n) per lookup)
// instead of copying the whole file out of Yjs every frame while the AI writes into it.
import type * as Y from 'yjs';
import type { editor as MonacoEditor } from 'monaco-editor';
import type { TextView } from '@/lib/review/hunks.ts';

const models = new WeakMap<Y.Text, MonacoEditor.ITextModel>();

/** `model` mirrors `text` from now on (the editor binding keeps them equal after every change). */
export function registerTextModel(text: Y.Text, model: MonacoEditor.ITextModel): () => void {
  models.set(text, model);
  return () => {
    if (models.get(text) === model) models.delete(text);
  };
}

export function textViewOf(text: Y.Text): TextView | null {
  const model = models.get(text);
  // A model that is gone or out of step (never expected) is not trusted: the caller reads Yjs.
  if (!model || model.isDisposed() || model.getValueLength() !== text.length) return null;
  return {
    lineAt: (offset) => model.getPositionAt(offset).lineNumber,
    slice(start, end) {
      const a = model.getPositionAt(start);
      const b = model.getPositionAt(end);
      return model.getValueInRange({ startLineNumber: a.lineNumber, startColumn: a.column, endLineNumber: b.lineNumber, endColumn: b.column });
    },
  };
}
