'use client';
// A set of editor decorations replaced by difference, not wholesale: Monaco keeps decorations in
// place as the text is edited, so after a streamed batch most of the wanted set is already there.
// Replacing every decoration each frame (what a decorations collection's set() does) costs work
// per decoration in the model and makes the view, minimap included, redraw all of them.
import type { editor as MonacoEditor } from 'monaco-editor';

type Deco = MonacoEditor.IModelDeltaDecoration;
type Range = { startLineNumber: number; startColumn: number; endLineNumber: number; endColumn: number };

function optionsKey(o: MonacoEditor.IModelDecorationOptions): string {
  return [o.className, o.inlineClassName, o.linesDecorationsClassName, o.isWholeLine ? 1 : 0, o.stickiness ?? '', o.afterContentClassName, o.beforeContentClassName].join('|');
}

function key(range: Range, options: MonacoEditor.IModelDecorationOptions): string {
  // A whole-line decoration is drawn per line: only its lines matter, not where its columns drifted.
  const where = options.isWholeLine
    ? `${range.startLineNumber}-${range.endLineNumber}`
    : `${range.startLineNumber}:${range.startColumn}-${range.endLineNumber}:${range.endColumn}`;
  return `${where}#${optionsKey(options)}`;
}

export class DecorationDiff {
  private readonly editor: MonacoEditor.ICodeEditor;
  private model: MonacoEditor.ITextModel | null = null;
  /** Decoration id → its options' key part (ranges are read back from the model). */
  private readonly current = new Map<string, MonacoEditor.IModelDecorationOptions>();

  constructor(editor: MonacoEditor.ICodeEditor) {
    this.editor = editor;
  }

  /** Makes the editor's decorations from this set exactly `wanted`, touching only the difference. */
  set(wanted: Deco[]): void {
    const model = this.editor.getModel();
    // The editor drops its decorations from a model it detaches.
    if (model !== this.model) {
      this.current.clear();
      this.model = model;
    }
    if (!model) return;
    const have = new Map<string, string[]>();
    const remove: string[] = [];
    for (const [id, options] of this.current) {
      const range = model.getDecorationRange(id);
      if (!range) {
        this.current.delete(id);
        continue;
      }
      const k = key(range, options);
      const ids = have.get(k);
      if (ids) ids.push(id);
      else have.set(k, [id]);
    }
    const add: Deco[] = [];
    for (const d of wanted) {
      const ids = have.get(key(d.range, d.options));
      if (ids && ids.length > 0) ids.pop();
      else add.push(d);
    }
    for (const ids of have.values()) remove.push(...ids);
    if (remove.length === 0 && add.length === 0) return;
    const added = this.editor.deltaDecorations(remove, add);
    for (const id of remove) this.current.delete(id);
    added.forEach((id, i) => this.current.set(id, add[i].options));
  }

  clear(): void {
    this.set([]);
  }
}

/** Do the decorations `ids` (read back from the model) already show exactly `next`, in order? */
export function sameDecorations(model: MonacoEditor.ITextModel, ids: string[], next: Deco[]): boolean {
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
