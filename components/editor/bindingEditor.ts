'use client';
// The editor as y-monaco's MonacoBinding sees it. y-monaco redraws every remote caret after each
// text change and again after each awareness change, replacing all of them each time; after a
// change elsewhere, or when the awareness update only confirms where the text change already
// moved a caret, the new set equals what Monaco already shows (it tracks decorations through
// edits). Replacing an identical set still counts as a decorations change: the view redraws its
// overlays and the minimap. This passes through only real changes.
import type { editor as MonacoEditor } from 'monaco-editor';

type Deco = MonacoEditor.IModelDeltaDecoration;

function same(model: MonacoEditor.ITextModel, ids: string[], next: Deco[]): boolean {
  if (ids.length !== next.length) return false;
  for (let i = 0; i < ids.length; i++) {
    const range = model.getDecorationRange(ids[i]);
    const options = model.getDecorationOptions(ids[i]);
    const want = next[i];
    if (!range || !options) return false;
    if (
      range.startLineNumber !== want.range.startLineNumber ||
      range.startColumn !== want.range.startColumn ||
      range.endLineNumber !== want.range.endLineNumber ||
      range.endColumn !== want.range.endColumn
    ) {
      return false;
    }
    const o = want.options;
    if ((options.className ?? null) !== (o.className ?? null)) return false;
    if ((options.afterContentClassName ?? null) !== (o.afterContentClassName ?? null)) return false;
    if ((options.beforeContentClassName ?? null) !== (o.beforeContentClassName ?? null)) return false;
  }
  return true;
}

/** The members y-monaco uses, with decoration updates that change nothing skipped. */
export function bindingEditor(editor: MonacoEditor.IStandaloneCodeEditor): MonacoEditor.IStandaloneCodeEditor {
  const view = {
    getModel: () => editor.getModel(),
    getSelection: () => editor.getSelection(),
    setSelection: (selection: Parameters<MonacoEditor.IStandaloneCodeEditor['setSelection']>[0]) => editor.setSelection(selection),
    onDidChangeCursorSelection: (listener: Parameters<MonacoEditor.IStandaloneCodeEditor['onDidChangeCursorSelection']>[0]) => editor.onDidChangeCursorSelection(listener),
    deltaDecorations: (old: string[], next: Deco[]): string[] => {
      const model = editor.getModel();
      if (model && same(model, old, next)) return old;
      return editor.deltaDecorations(old, next);
    },
  };
  return view as unknown as MonacoEditor.IStandaloneCodeEditor;
}
