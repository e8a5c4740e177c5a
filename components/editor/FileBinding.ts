'use client';
// One open file: its Monaco model, the binding to its Y.Text (MonacoYBinding), and this person's own
// undo history for it. A Y.UndoManager tracking only this binding's origin means Ctrl+Z never
// reverts what someone else (or the AI) typed, which Monaco's own undo stack cannot guarantee.
import * as Y from 'yjs';
import type { editor as MonacoEditor } from 'monaco-editor';
import type { Awareness } from 'y-protocols/awareness';
import type { Monaco } from './monacoSetup.ts';
import { MonacoYBinding } from './MonacoYBinding.ts';
import { registerTextModel } from '@/components/shared/textViews.ts';

/** Keystrokes closer together than this become one undo step. */
const UNDO_CAPTURE_MS = 500;

export class FileBinding {
  readonly path: string;
  readonly ytext: Y.Text;
  readonly model: MonacoEditor.ITextModel;
  readonly undoManager: Y.UndoManager;
  viewState: MonacoEditor.ICodeEditorViewState | null = null;
  private readonly binding: MonacoYBinding;
  private readonly editor: MonacoEditor.IStandaloneCodeEditor;
  private readonly onUndoApplied: (event: Y.YTextEvent) => void;
  private readonly unregister: () => void;
  private destroyed = false;

  constructor(
    monaco: Monaco,
    editor: MonacoEditor.IStandaloneCodeEditor,
    awareness: Awareness,
    path: string,
    ytext: Y.Text,
  ) {
    this.path = path;
    this.ytext = ytext;
    this.editor = editor;
    const uri = monaco.Uri.from({ scheme: 'tandem', path: `/${path}` });
    monaco.editor.getModel(uri)?.dispose();
    // The language comes from the extension in the URI; the model starts empty and the binding
    // fills it from the Y.Text, so there is exactly one source of truth.
    this.model = monaco.editor.createModel('', languageFor(monaco, path), uri);
    this.model.setEOL(monaco.editor.EndOfLineSequence.LF);
    this.binding = new MonacoYBinding(monaco, ytext, this.model, editor, awareness);
    this.unregister = registerTextModel(ytext, this.model);
    this.undoManager = new Y.UndoManager(ytext, {
      trackedOrigins: new Set([this.binding]),
      captureTimeout: UNDO_CAPTURE_MS,
    });
    // After an undo or redo, put the caret where the change happened, as editors do.
    this.onUndoApplied = (event) => {
      if (event.transaction.origin !== this.undoManager || this.editor.getModel() !== this.model) return;
      let index = 0;
      let caret: number | null = null;
      for (const op of event.delta) {
        if (op.retain !== undefined) index += op.retain;
        else if (typeof op.insert === 'string') {
          index += op.insert.length;
          caret = index;
        } else if (op.delete !== undefined) caret ??= index;
      }
      if (caret !== null) {
        const pos = this.model.getPositionAt(caret);
        this.editor.setPosition(pos);
        this.editor.revealPositionInCenterIfOutsideViewport(pos);
      }
    };
    ytext.observe(this.onUndoApplied);
  }

  undo(): void {
    this.undoManager.undo();
  }

  redo(): void {
    this.undoManager.redo();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.unregister();
    this.ytext.unobserve(this.onUndoApplied);
    this.undoManager.destroy();
    this.binding.destroy();
    this.model.dispose();
  }
}

/** Monaco's language id for a path, from its registered extensions and file names. */
export function languageFor(monaco: Monaco, path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const dot = name.lastIndexOf('.');
  const ext = dot >= 0 ? name.slice(dot) : '';
  for (const lang of monaco.languages.getLanguages()) {
    if (lang.filenames?.some((f) => f.toLowerCase() === name)) return lang.id;
  }
  if (ext) {
    for (const lang of monaco.languages.getLanguages()) {
      if (lang.extensions?.some((e) => e.toLowerCase() === ext)) return lang.id;
    }
  }
  return 'plaintext';
}

export function languageLabel(monaco: Monaco, id: string): string {
  const lang = monaco.languages.getLanguages().find((l) => l.id === id);
  return lang?.aliases?.[0] ?? id;
}
