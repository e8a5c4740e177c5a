'use client';
// The Monaco editor for the open files. One editor instance; each open file has its own model,
// binding to its Y.Text and per-person undo history (FileBinding). Switching tabs swaps models and
// keeps each file's scroll and cursor.
import { useEffect, useRef } from 'react';
import type * as Y from 'yjs';
import type { editor as MonacoEditor } from 'monaco-editor';
import type { Awareness } from 'y-protocols/awareness';
import { filesOf } from '@/lib/schema.ts';
import type { EditorModules } from './editorModules.ts';
import { FileBinding, languageLabel } from './FileBinding.ts';
import type { EditorLayerFactory } from './EditorLayer.ts';
import { installTestHook } from './testHook.ts';
import { registerAuthorshipHover } from './authorshipHover.ts';
import { AuthorshipGutter } from './AuthorshipGutter.ts';

export interface CursorInfo {
  line: number;
  column: number;
  selected: number;
  language: string;
}

interface Props {
  modules: EditorModules;
  doc: Y.Doc;
  awareness: Awareness;
  readOnly: boolean;
  openPaths: string[];
  activePath: string | null;
  onCursor: (info: CursorInfo | null) => void;
  /** The editor instance once created (null after disposal), for following and review. */
  onEditor?: (editor: MonacoEditor.IStandaloneCodeEditor | null) => void;
  /** Made once the editor exists (review of AI hunks), destroyed with it. */
  layers: EditorLayerFactory[];
  /** Per-line author bars in the gutter, and the key that toggles them (AUTHORSHIP_KEYS). */
  authorGutter: boolean;
  onToggleAuthorGutter: () => void;
}

export const AUTHORSHIP_KEYS = 'Ctrl/⌘+Alt+G';

export function CodeEditor({ modules, doc, awareness, readOnly, openPaths, activePath, onCursor, onEditor, layers, authorGutter, onToggleAuthorGutter }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const editorRef = useRef<MonacoEditor.IStandaloneCodeEditor | null>(null);
  const bindings = useRef(new Map<string, FileBinding>());
  const activeRef = useRef<string | null>(null);
  const onCursorRef = useRef(onCursor);
  onCursorRef.current = onCursor;
  const onEditorRef = useRef(onEditor);
  onEditorRef.current = onEditor;
  const layerFactories = useRef(layers);
  layerFactories.current = layers;
  const gutterRef = useRef<AuthorshipGutter | null>(null);
  const onToggleGutterRef = useRef(onToggleAuthorGutter);
  onToggleGutterRef.current = onToggleAuthorGutter;
  const gutterOn = useRef(authorGutter);
  gutterOn.current = authorGutter;

  // Create the editor once per document.
  useEffect(() => {
    const { monaco } = modules;
    const el = container.current;
    if (!el) return;
    const editor = monaco.editor.create(el, {
      model: null,
      theme: 'tandem-dark',
      automaticLayout: true,
      fontFamily: '"JetBrains Mono", "Fira Code", "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      lineHeight: 20,
      // Room above the first line for remote name labels.
      padding: { top: 18, bottom: 12 },
      // Section headers make the minimap scan the file's text on every change it draws.
      minimap: { enabled: true, renderCharacters: false, scale: 1, showRegionSectionHeaders: false, showMarkSectionHeaders: false },
      scrollBeyondLastLine: false,
      smoothScrolling: true,
      cursorBlinking: 'smooth',
      cursorSmoothCaretAnimation: 'on',
      renderLineHighlight: 'all',
      roundedSelection: true,
      fixedOverflowWidgets: true,
      tabSize: 2,
      readOnly,
      readOnlyMessage: { value: 'You are viewing this session. Ask for an edit link to make changes.' },
    });
    editorRef.current = editor;
    const removeTestHook = installTestHook(monaco, doc);
    const drawn = layerFactories.current.map((make) => make(monaco, editor, doc));
    const hover = registerAuthorshipHover(monaco, doc);
    const gutter = new AuthorshipGutter(monaco, editor, doc);
    gutter.setEnabled(gutterOn.current);
    gutterRef.current = gutter;
    const toggleAction = editor.addAction({
      id: 'tandem.authorship.toggle',
      label: 'Toggle authorship gutter',
      keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyMod.Alt | monaco.KeyCode.KeyG],
      run: () => onToggleGutterRef.current(),
    });
    onEditorRef.current?.(editor);

    const active = () => (activeRef.current ? bindings.current.get(activeRef.current) : undefined);
    // Monaco's own undo would also revert other people's edits: route the keys to this person's
    // Y.UndoManager for the active file.
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyZ, () => active()?.undo());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.KeyZ, () => active()?.redo());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyY, () => active()?.redo());

    const report = () => {
      const model = editor.getModel();
      const pos = editor.getPosition();
      if (!model || !pos) return onCursorRef.current(null);
      const sel = editor.getSelection();
      onCursorRef.current({
        line: pos.lineNumber,
        column: pos.column,
        selected: sel ? model.getValueLengthInRange(sel) : 0,
        language: languageLabel(monaco, model.getLanguageId()),
      });
    };
    const d1 = editor.onDidChangeCursorSelection(report);
    const d2 = editor.onDidChangeModel(report);

    const all = bindings.current;
    return () => {
      d1.dispose();
      d2.dispose();
      for (const b of all.values()) b.destroy();
      all.clear();
      onEditorRef.current?.(null);
      hover.dispose();
      toggleAction.dispose();
      gutter.destroy();
      gutterRef.current = null;
      for (const layer of drawn) layer.destroy();
      editor.dispose();
      editorRef.current = null;
      removeTestHook();
    };
    // readOnly is applied by the effect below; the editor must not be recreated for it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [modules, doc]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly });
  }, [readOnly]);

  useEffect(() => {
    gutterRef.current?.setEnabled(authorGutter);
  }, [authorGutter]);

  // Keep one binding per open file, rebinding when a path now holds a different Y.Text (a
  // rename or re-create by someone else), then show the active one.
  useEffect(() => {
    const editor = editorRef.current;
    if (!editor) return;
    const files = filesOf(doc);
    const sync = () => {
      const map = bindings.current;
      for (const [path, b] of map) {
        if (!openPaths.includes(path) || files.get(path) !== b.ytext) {
          if (editor.getModel() === b.model) editor.setModel(null);
          b.destroy();
          map.delete(path);
        }
      }
      for (const path of openPaths) {
        const ytext = files.get(path);
        if (ytext && !map.has(path)) {
          map.set(path, new FileBinding(modules.monaco, editor, awareness, path, ytext));
        }
      }
      const target = activePath ? map.get(activePath) : undefined;
      const current = editor.getModel();
      if (target && current !== target.model) {
        const previous = [...map.values()].find((b) => b.model === current);
        if (previous) previous.viewState = editor.saveViewState();
        // The caret in the old file would linger for others until the next move.
        awareness.setLocalStateField('selection', null);
        editor.setModel(target.model);
        // No focus() here: a switch caused by someone else's rename must not steal focus.
        if (target.viewState) editor.restoreViewState(target.viewState);
      } else if (!target && current) {
        editor.setModel(null);
      }
      activeRef.current = target ? target.path : null;
    };
    sync();
    files.observe(sync);
    return () => files.unobserve(sync);
  }, [doc, modules, awareness, openPaths, activePath]);

  return <div ref={container} className="h-full w-full" data-testid="code-editor" />;
}
