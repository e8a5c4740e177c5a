'use client';
// Binds one Y.Text to one Monaco model, with this person's remote-caret view of the room.
//
// Written here instead of using y-monaco's MonacoBinding because that class costs every incoming
// update more than the change itself, which is what kept a watcher seconds behind an AI that
// writes 60 batches a second:
// - it applies a remote change as one `applyEdits` call per delta op (each one a full round of
//   Monaco's content-change listeners, decorations and view events); here a transaction becomes
//   one `applyEdits` with every op in it;
// - before every transaction in the document (the AI thread and other files included) it saved
//   the caret as Yjs relative positions, a walk from the start of the text; here the caret is
//   carried through the change by the delta itself, only when this file changed;
// - it redrew every remote caret after each text change and again after each awareness change;
//   here carets are drawn at most once per animation frame, and only what changed is replaced.
// The shapes it publishes and reads are y-monaco's (`selection: {anchor, head}` as relative
// positions, `.yRemoteSelection-<clientID>` classes), so pages and clients of either kind agree.
import * as Y from 'yjs';
import type { editor as MonacoEditor, IDisposable } from 'monaco-editor';
import type { Awareness } from 'y-protocols/awareness';
import type { Monaco } from './monacoSetup.ts';
import { sanitizeCursorState } from './cursorAwareness.ts';
import { sameDecorations } from './decorationDiff.ts';
import { CaretLabels } from './caretLabels.ts';
import { flushFrameUpdates } from '@/components/shared/frameUpdates.ts';
import { oncePerFrame } from '@/components/shared/oncePerFrame.ts';
import { deltaToEdits, mapOffset } from '@/lib/textDelta.ts';

export class MonacoYBinding {
  readonly ytext: Y.Text;
  readonly model: MonacoEditor.ITextModel;
  private readonly doc: Y.Doc;
  private readonly monaco: Monaco;
  private readonly editor: MonacoEditor.IStandaloneCodeEditor;
  private readonly awareness: Awareness;
  private readonly disposables: IDisposable[] = [];
  /** Set while a remote change is written into the model, so it is not sent back. */
  private applying = false;
  private caretIds: string[] = [];
  private readonly labels = new CaretLabels();
  /** Redraws the carets when the next name label is due to hide. */
  private labelTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly caretFrame = oncePerFrame(() => this.renderCarets());
  private destroyed = false;

  constructor(monaco: Monaco, ytext: Y.Text, model: MonacoEditor.ITextModel, editor: MonacoEditor.IStandaloneCodeEditor, awareness: Awareness) {
    this.monaco = monaco;
    this.doc = ytext.doc!;
    this.ytext = ytext;
    this.model = model;
    this.editor = editor;
    this.awareness = awareness;
    const value = ytext.toString();
    if (model.getValue() !== value) model.setValue(value);
    ytext.observe(this.onText);
    this.disposables.push(
      model.onDidChangeContent(this.onModel),
      model.onWillDispose(() => this.destroy()),
      editor.onDidChangeCursorSelection(() => this.publishSelection()),
      editor.onDidChangeModel(() => {
        this.caretIds = [];
        this.scheduleCarets();
      }),
    );
    awareness.on('change', this.scheduleCarets);
    this.scheduleCarets();
  }

  private get shown(): boolean {
    return this.editor.getModel() === this.model;
  }

  private onText = (event: Y.YTextEvent): void => {
    if (event.transaction.origin === this) return;
    const delta = event.delta;
    const model = this.model;
    const { Range, Selection } = this.monaco;
    const edits = deltaToEdits(delta).map((e) => {
      const a = model.getPositionAt(e.start);
      const b = e.end === e.start ? a : model.getPositionAt(e.end);
      return { range: new Range(a.lineNumber, a.column, b.lineNumber, b.column), text: e.text };
    });
    if (edits.length === 0) return;
    // Every caret of this editor, as offsets before the change, carried through it below.
    const carets = this.shown
      ? (this.editor.getSelections() ?? []).map((s) => ({
          anchor: model.getOffsetAt(s.getSelectionStart()),
          head: model.getOffsetAt(s.getPosition()),
        }))
      : [];
    this.applying = true;
    try {
      model.applyEdits(edits);
      if (carets.length > 0) {
        const next = carets.map(({ anchor, head }) => {
          const a = model.getPositionAt(mapOffset(delta, anchor));
          const h = model.getPositionAt(mapOffset(delta, head));
          return new Selection(a.lineNumber, a.column, h.lineNumber, h.column);
        });
        const current = this.editor.getSelections() ?? [];
        if (next.length !== current.length || next.some((s, i) => !s.equalsSelection(current[i]))) this.editor.setSelections(next);
      }
    } finally {
      this.applying = false;
    }
    this.scheduleCarets();
  };

  private onModel = (event: MonacoEditor.IModelContentChangedEvent): void => {
    if (this.applying) return;
    // Right to left, so each change's offsets hold when it is applied.
    const changes = [...event.changes].sort((a, b) => b.rangeOffset - a.rangeOffset);
    this.doc.transact(() => {
      for (const c of changes) {
        if (c.rangeLength > 0) this.ytext.delete(c.rangeOffset, c.rangeLength);
        if (c.text) this.ytext.insert(c.rangeOffset, c.text);
      }
    }, this);
  };

  private publishSelection(): void {
    if (!this.shown) return;
    const sel = this.editor.getSelection();
    if (!sel) return;
    let anchor = this.model.getOffsetAt(sel.getStartPosition());
    let head = this.model.getOffsetAt(sel.getEndPosition());
    if (sel.getDirection() === this.monaco.SelectionDirection.RTL) [anchor, head] = [head, anchor];
    this.awareness.setLocalStateField('selection', {
      anchor: Y.createRelativePositionFromTypeIndex(this.ytext, anchor),
      head: Y.createRelativePositionFromTypeIndex(this.ytext, head),
    });
  }

  private scheduleCarets = (): void => {
    if (!this.destroyed) this.caretFrame.schedule();
  };

  /** Every other client's caret and selection in this file, replaced only where it changed. */
  private renderCarets(): void {
    if (this.destroyed || !this.shown) return;
    // A caret may point at text that arrived with it and waits for this frame.
    flushFrameUpdates(this.doc);
    const next: MonacoEditor.IModelDeltaDecoration[] = [];
    const { Range } = this.monaco;
    const now = performance.now();
    const drawn = new Set<number>();
    this.awareness.getStates().forEach((raw, clientId) => {
      if (clientId === this.doc.clientID || raw.selection == null) return;
      const sel = sanitizeCursorState(raw).selection as { anchor: Y.RelativePosition; head: Y.RelativePosition } | null;
      if (!sel) return;
      const anchor = Y.createAbsolutePositionFromRelativePosition(sel.anchor, this.doc);
      const head = Y.createAbsolutePositionFromRelativePosition(sel.head, this.doc);
      if (!anchor || !head || anchor.type !== this.ytext || head.type !== this.ytext) return;
      const forward = anchor.index < head.index;
      const start = this.model.getPositionAt(Math.min(anchor.index, head.index));
      const end = this.model.getPositionAt(Math.max(anchor.index, head.index));
      drawn.add(clientId);
      const labelled = this.labels.shown(clientId, head.index, now) ? ' yRemoteSelectionHead--labelled' : '';
      const headClass = `yRemoteSelectionHead yRemoteSelectionHead-${clientId}${labelled}`;
      next.push({
        range: new Range(start.lineNumber, start.column, end.lineNumber, end.column),
        options: {
          className: `yRemoteSelection yRemoteSelection-${clientId}`,
          afterContentClassName: forward ? headClass : null,
          beforeContentClassName: forward ? null : headClass,
        },
      });
    });
    this.labels.keepOnly(drawn);
    if (this.labelTimer !== null) clearTimeout(this.labelTimer);
    const hide = this.labels.nextHide(now);
    this.labelTimer = hide === null ? null : setTimeout(this.scheduleCarets, hide + 1);
    if (sameDecorations(this.model, this.caretIds, next)) return;
    this.caretIds = this.editor.deltaDecorations(this.caretIds, next);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.caretFrame.cancel();
    if (this.labelTimer !== null) clearTimeout(this.labelTimer);
    this.ytext.unobserve(this.onText);
    this.awareness.off('change', this.scheduleCarets);
    for (const d of this.disposables) d.dispose();
    if (!this.model.isDisposed() && this.caretIds.length > 0) this.model.deltaDecorations(this.caretIds, []);
  }
}
