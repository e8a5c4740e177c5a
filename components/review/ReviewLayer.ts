'use client';
// Review in the editor, for the file on screen: the AI's characters highlighted (live while a run
// streams, from the authoring clientID of each character; for pending hunks, from lib/review),
// a person's characters inside a hunk marked, ghost lines for what a hunk removed (view zones,
// never document content), a bar per pending hunk, and the review keys. Recomputed from the
// document at most once per animation frame, however fast the AI writes, and only when the file
// on screen or the thread changed; decorations are updated by difference (editor/decorationDiff.ts).
import type * as Y from 'yjs';
import type { editor as MonacoEditor, IDisposable } from 'monaco-editor';
import { filesOf } from '@/lib/schema.ts';
import type { HunkState } from '@/lib/review/hunks.ts';
import { clientRuns } from '@/lib/review/items.ts';
import { DecorationDiff } from '@/components/editor/decorationDiff.ts';
import type { EditorLayer } from '@/components/editor/EditorLayer.ts';
import type { Monaco } from '@/components/editor/monacoSetup.ts';
import { oncePerFrame } from '@/components/shared/oncePerFrame.ts';
import { pendingCache, type PendingCache } from './pendingCache.ts';
import { HunkWidget, type HunkActions } from './HunkWidget.ts';
import { mountReviewStyles } from './reviewStyles.ts';

const MAX_GHOST_LINES = 40;
const LINE_HEIGHT = 20;

interface Ghost {
  zoneId: string;
  key: string;
}

export interface ReviewLayerOptions {
  canReview: boolean;
  keep: (hunkIds: string[]) => void;
  reject: (hunkIds: string[]) => void;
  /** Opens another file and shows a hunk there (navigation across files). */
  reveal: (hunk: HunkState) => void;
}

export class ReviewLayer implements EditorLayer {
  options: ReviewLayerOptions;
  private readonly monaco: Monaco;
  private readonly editor: MonacoEditor.IStandaloneCodeEditor;
  private readonly doc: Y.Doc;
  private readonly decorations: DecorationDiff;
  private readonly cache: PendingCache;
  /** What the last render read; a frame with the same inputs has nothing to redraw. */
  private drawn: { model: MonacoEditor.ITextModel | null; structure: number; file: number; hunks: HunkState[] } | null = null;
  private readonly widgets = new Map<string, HunkWidget>();
  private readonly ghosts = new Map<string, Ghost>();
  private readonly disposables: IDisposable[] = [];
  private readonly frame = oncePerFrame(() => this.render());
  private hunks: HunkState[] = [];
  private destroyed = false;
  /** A hunk to show once its file is on screen (navigation across files). */
  private pendingShow: string | null = null;

  constructor(monaco: Monaco, editor: MonacoEditor.IStandaloneCodeEditor, doc: Y.Doc, options: ReviewLayerOptions) {
    mountReviewStyles();
    this.monaco = monaco;
    this.editor = editor;
    this.doc = doc;
    this.options = options;
    this.decorations = new DecorationDiff(editor);
    this.cache = pendingCache(doc);
    doc.on('afterTransaction', this.schedule);
    this.disposables.push(editor.onDidChangeModel(() => this.reset()));
    const { KeyMod, KeyCode } = monaco;
    const action = (id: string, label: string, keybindings: number[], run: () => void) =>
      this.disposables.push(editor.addAction({ id, label, keybindings, run }));
    action('tandem.review.next', 'Review: Next AI change', [KeyMod.Alt | KeyCode.BracketRight, KeyCode.F7], () => this.step(1));
    action('tandem.review.prev', 'Review: Previous AI change', [KeyMod.Alt | KeyCode.BracketLeft, KeyMod.Shift | KeyCode.F7], () => this.step(-1));
    action('tandem.review.keep', 'Review: Keep the AI change at the cursor', [KeyMod.CtrlCmd | KeyMod.Alt | KeyCode.KeyY], () => this.atCursor('keep'));
    action('tandem.review.reject', 'Review: Reject the AI change at the cursor', [KeyMod.CtrlCmd | KeyMod.Alt | KeyCode.KeyN], () => this.atCursor('reject'));
    this.schedule();
  }

  private schedule = (): void => {
    if (!this.destroyed) this.frame.schedule();
  };

  /** Another file on screen: zones and widgets belong to the old model. */
  private reset(): void {
    for (const w of this.widgets.values()) w.dispose();
    this.widgets.clear();
    this.editor.changeViewZones((acc) => {
      for (const g of this.ghosts.values()) acc.removeZone(g.zoneId);
    });
    this.ghosts.clear();
    this.drawn = null;
    this.schedule();
  }

  refresh(): void {
    for (const w of this.widgets.values()) w.dispose();
    this.widgets.clear();
    this.drawn = null;
    this.schedule();
  }

  private path(): string | null {
    const model = this.editor.getModel();
    return model ? model.uri.path.slice(1) : null;
  }

  private render(): void {
    const model = this.editor.getModel();
    const path = this.path();
    const text = path ? filesOf(this.doc).get(path) : undefined;
    if (!model || !path || !text) {
      this.hunks = [];
      this.drawn = null;
      this.decorations.clear();
      return;
    }
    const all = this.cache.pending();
    this.hunks = all;
    const inputs = { model, structure: this.cache.structureVersion, file: this.cache.fileVersion(path), hunks: all };
    const d = this.drawn;
    if (d && d.model === model && d.structure === inputs.structure && d.file === inputs.file && d.hunks === all && !this.pendingShow) return;
    this.drawn = inputs;
    const here = all.filter((h) => h.file === path && h.range);
    const { Range } = this.monaco;
    const toRange = (start: number, end: number) => {
      const a = model.getPositionAt(start);
      const b = model.getPositionAt(end);
      return new Range(a.lineNumber, a.column, b.lineNumber, b.column);
    };
    const decos: MonacoEditor.IModelDeltaDecoration[] = [];
    // Gutter class per AI line (the first span to claim a line decides it), drawn below as one
    // whole-line decoration per run of consecutive lines with the same class.
    const aiLines = new Map<number, string>();
    const markAi = (start: number, end: number, live: boolean) => {
      decos.push({ range: toRange(start, end), options: { inlineClassName: 'tdm-ai-ins', stickiness: 1 } });
      const first = model.getPositionAt(start).lineNumber;
      const last = model.getPositionAt(Math.max(start, end - 1)).lineNumber;
      const gutter = live ? 'tdm-ai-gutter-streaming' : 'tdm-ai-gutter';
      for (let l = first; l <= last; l++) if (!aiLines.has(l)) aiLines.set(l, gutter);
    };
    for (const h of here) {
      for (const s of h.aiSpans) markAi(s.start, s.end, false);
      for (const s of h.personSpans) decos.push({ range: toRange(s.start, s.end), options: { inlineClassName: 'tdm-human-ins' } });
    }
    // While a run writes, its hunks have no range yet: highlight by the characters' author.
    const live = this.cache.liveClients();
    if (live.size > 0) {
      for (const run of clientRuns(text, live)) markAi(run.start, run.end, true);
    }
    const lines = [...aiLines.keys()].sort((a, b) => a - b);
    for (let i = 0; i < lines.length; ) {
      const gutter = aiLines.get(lines[i])!;
      let j = i;
      while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1 && aiLines.get(lines[j + 1]) === gutter) j++;
      decos.push({ range: new Range(lines[i], 1, lines[j], 1), options: { isWholeLine: true, className: 'tdm-ai-line', linesDecorationsClassName: gutter } });
      i = j + 1;
    }
    this.decorations.set(decos);
    this.renderWidgets(here, all);
    this.renderGhosts(here);
    if (this.pendingShow) {
      const target = here.find((h) => h.hunkId === this.pendingShow);
      if (target) {
        this.pendingShow = null;
        this.show(target);
      }
    }
  }

  private actions(): HunkActions {
    return {
      canReview: this.options.canReview,
      keep: (id) => this.options.keep([id]),
      reject: (id) => this.options.reject([id]),
      move: (id, dir) => this.move(id, dir),
    };
  }

  private renderWidgets(here: HunkState[], all: HunkState[]): void {
    const seen = new Set<string>();
    const actions = this.actions();
    for (const h of here) {
      seen.add(h.hunkId);
      let w = this.widgets.get(h.hunkId);
      if (!w) this.widgets.set(h.hunkId, (w = new HunkWidget(this.editor, h.hunkId)));
      const ofRun = all.filter((x) => x.runId === h.runId);
      w.update(h, ofRun.indexOf(h) + 1, ofRun.length, actions);
    }
    for (const [id, w] of this.widgets) {
      if (!seen.has(id)) {
        w.dispose();
        this.widgets.delete(id);
      }
    }
  }

  private renderGhosts(here: HunkState[]): void {
    const wanted = new Map<string, { line: number; text: string }>();
    for (const h of here) {
      h.ghost.forEach((g, i) => wanted.set(`${h.hunkId}#${i}`, { line: g.beforeLine, text: g.text }));
    }
    this.editor.changeViewZones((acc) => {
      for (const [key, g] of this.ghosts) {
        const w = wanted.get(key);
        if (!w || `${w.line}:${w.text}` !== g.key) {
          acc.removeZone(g.zoneId);
          this.ghosts.delete(key);
        }
      }
      for (const [key, w] of wanted) {
        if (this.ghosts.has(key)) continue;
        let lines = w.text.replace(/\n$/, '').split('\n');
        if (lines.length > MAX_GHOST_LINES) lines = [...lines.slice(0, MAX_GHOST_LINES - 1), `… ${lines.length - MAX_GHOST_LINES + 1} more removed lines`];
        const dom = document.createElement('div');
        dom.dataset.testid = 'hunk-ghost';
        for (const line of lines) {
          const row = document.createElement('div');
          row.className = 'tdm-ghost';
          row.textContent = line || ' ';
          dom.append(row);
        }
        const zoneId = acc.addZone({ afterLineNumber: w.line - 1, heightInPx: lines.length * LINE_HEIGHT, domNode: dom, ordinal: 1 });
        this.ghosts.set(key, { zoneId, key: `${w.line}:${w.text}` });
      }
    });
  }

  /** Shows a hunk: in this editor if its file is open here, else through the workspace. */
  show(h: HunkState): void {
    const model = this.editor.getModel();
    if (!model || this.path() !== h.file || !h.range) {
      this.pendingShow = h.hunkId;
      this.options.reveal(h);
      return;
    }
    // The first character the AI wrote, not the matched context the range may start with.
    const pos = model.getPositionAt(h.aiSpans[0]?.start ?? h.range.start);
    this.editor.setPosition(pos);
    this.editor.revealLineInCenterIfOutsideViewport(pos.lineNumber, 0);
    this.editor.focus();
  }

  private move(fromId: string, dir: 1 | -1): void {
    const i = this.hunks.findIndex((h) => h.hunkId === fromId);
    const next = this.hunks[(i + dir + this.hunks.length) % this.hunks.length];
    if (next) this.show(next);
  }

  /** Next/previous pending hunk after the cursor, across files. */
  private step(dir: 1 | -1): void {
    const path = this.path();
    const model = this.editor.getModel();
    const pos = this.editor.getPosition();
    if (this.hunks.length === 0) return;
    if (!model || !pos) return this.show(this.hunks[0]);
    const offset = model.getOffsetAt(pos);
    const here = this.hunks.findIndex((h) => h.file === path && h.range !== null && h.range.start <= offset && offset <= h.range.end);
    if (here >= 0) return this.move(this.hunks[here].hunkId, dir);
    const firstAfter = this.hunks.findIndex((h) => h.file === path && h.range !== null && h.range.start > offset);
    const inFile = this.hunks.map((h, i) => ({ h, i })).filter(({ h }) => h.file === path && h.range && h.range.end < offset);
    if (dir === 1) return this.show(this.hunks[firstAfter >= 0 ? firstAfter : 0]);
    return this.show(inFile.length ? inFile[inFile.length - 1].h : this.hunks[this.hunks.length - 1]);
  }

  private atCursor(action: 'keep' | 'reject'): void {
    if (!this.options.canReview) return;
    const path = this.path();
    const model = this.editor.getModel();
    const pos = this.editor.getPosition();
    if (!model || !pos) return;
    const offset = model.getOffsetAt(pos);
    const h = this.hunks.find((x) => x.file === path && x.range && x.range.start <= offset && offset <= x.range.end && x.reviewable);
    if (h) this.options[action]([h.hunkId]);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.frame.cancel();
    this.doc.off('afterTransaction', this.schedule);
    for (const d of this.disposables) d.dispose();
    for (const w of this.widgets.values()) w.dispose();
    this.widgets.clear();
    this.editor.changeViewZones((acc) => {
      for (const g of this.ghosts.values()) acc.removeZone(g.zoneId);
    });
    this.ghosts.clear();
    this.decorations.clear();
  }
}
