'use client';
// The toggleable authorship gutter: a thin bar beside each line in the colour of who wrote it
// (a person's colour, the AI's violet, grey for the session's original files), split in bands
// when several people wrote one line. From the CRDT like the hover (lib/review lineAuthorship),
// recomputed at most once per animation frame while on, only when the file on screen or who is who
// changed, and applied by difference (one decoration per run of lines with the same bar); nothing
// at all while off.
import type * as Y from 'yjs';
import type { editor as MonacoEditor } from 'monaco-editor';
import { filesOf } from '@/lib/schema.ts';
import { lineAuthorship, type Author } from '@/lib/review/authorship.ts';
import { docVersions, type DocVersions } from '@/components/shared/docVersions.ts';
import { oncePerFrame } from '@/components/shared/oncePerFrame.ts';
import type { Monaco } from './monacoSetup.ts';
import { DecorationDiff } from './decorationDiff.ts';

/** Bands drawn for one line; more authors than this share the last band's colour. */
const MAX_BANDS = 3;
/** Distinct colour combinations given a CSS class; past this, lines fall back to the first author. */
const MAX_CLASSES = 200;
const FALLBACK = '#94a3b8';
const HEX = /^#[0-9a-f]{3,8}$/i;

function safeColor(c: string): string {
  // Colours come from other browsers' identity entries: only plain hex reaches the stylesheet.
  return HEX.test(c) ? c : FALLBACK;
}

export class AuthorshipGutter {
  private readonly editor: MonacoEditor.IStandaloneCodeEditor;
  private readonly doc: Y.Doc;
  private readonly monaco: Monaco;
  private readonly decorations: DecorationDiff;
  private readonly versions: DocVersions;
  /** What the last render read: a frame with the same inputs has nothing to redraw. */
  private drawn: { model: MonacoEditor.ITextModel; version: number } | null = null;
  private readonly classes = new Map<string, string>();
  private readonly style: HTMLStyleElement;
  private readonly onModel: { dispose(): void };
  private enabled = false;
  private readonly frame = oncePerFrame(() => this.render());

  constructor(monaco: Monaco, editor: MonacoEditor.IStandaloneCodeEditor, doc: Y.Doc) {
    this.monaco = monaco;
    this.editor = editor;
    this.doc = doc;
    this.decorations = new DecorationDiff(editor);
    this.versions = docVersions(doc);
    this.style = document.createElement('style');
    this.style.dataset.tandem = 'authorship-gutter';
    this.style.textContent =
      '.tdm-author { margin-left: 9px; width: 3px !important; border-radius: 1px; opacity: 0.85; }';
    document.head.appendChild(this.style);
    this.onModel = editor.onDidChangeModel(() => this.schedule());
  }

  get on(): boolean {
    return this.enabled;
  }

  setEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    // Room for the bar right of the review gutter mark.
    this.editor.updateOptions({ lineDecorationsWidth: on ? 14 : 10 });
    if (on) {
      this.doc.on('afterTransaction', this.schedule);
      this.schedule();
    } else {
      this.doc.off('afterTransaction', this.schedule);
      this.frame.cancel();
      this.drawn = null;
      this.decorations.clear();
    }
  }

  private schedule = (): void => {
    if (this.enabled) this.frame.schedule();
  };

  private classFor(authors: Author[]): string {
    const colors = authors.slice(0, MAX_BANDS).map((a) => safeColor(a.color));
    const key = colors.join(',');
    let cls = this.classes.get(key);
    if (cls) return cls;
    if (this.classes.size >= MAX_CLASSES) return this.classFor(authors.slice(0, 1));
    cls = `tdm-author-c${this.classes.size}`;
    this.classes.set(key, cls);
    const step = 100 / colors.length;
    const bands = colors.map((c, i) => `${c} ${(i * step).toFixed(2)}% ${((i + 1) * step).toFixed(2)}%`).join(', ');
    this.style.textContent += `\n.${cls} { background: linear-gradient(${bands}); }`;
    return cls;
  }

  private render(): void {
    const model = this.editor.getModel();
    const path = model ? model.uri.path.slice(1) : null;
    const text = path ? filesOf(this.doc).get(path) : undefined;
    if (!model || !path || !text || !this.enabled) {
      this.drawn = null;
      this.decorations.clear();
      return;
    }
    // Authorship depends on the file's items and on identities (a structure change).
    const version = this.versions.file(path);
    if (this.drawn && this.drawn.model === model && this.drawn.version === version) return;
    this.drawn = { model, version };
    const decos: MonacoEditor.IModelDeltaDecoration[] = [];
    const lines = model.getLineCount();
    let run: { from: number; to: number; cls: string } | null = null;
    const close = () => {
      if (run) decos.push({ range: new this.monaco.Range(run.from, 1, run.to, 1), options: { isWholeLine: true, linesDecorationsClassName: run.cls } });
      run = null;
    };
    for (const { line, authors } of lineAuthorship(this.doc, text)) {
      if (authors.length === 0 || line > lines) {
        close();
        continue;
      }
      const kind = authors.some((a) => a.kind === 'ai') ? 'ai' : authors[0].kind;
      const cls = `tdm-author tdm-author-${kind} ${this.classFor(authors)}`;
      if (run && run.cls === cls && run.to === line - 1) run.to = line;
      else {
        close();
        run = { from: line, to: line, cls };
      }
    }
    close();
    this.decorations.set(decos);
  }

  destroy(): void {
    this.setEnabled(false);
    this.onModel.dispose();
    this.style.remove();
  }
}
