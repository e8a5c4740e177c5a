// What another feature draws over the editor (review highlights and bars, say). The editor makes
// each layer once its Monaco instance exists and destroys it with the editor; the feature keeps
// its own reference for everything else, so the editor knows nothing about what a layer shows.
import type * as Y from 'yjs';
import type { editor as MonacoEditor } from 'monaco-editor';
import type { Monaco } from './monacoSetup.ts';

export interface EditorLayer {
  destroy(): void;
}

export type EditorLayerFactory = (monaco: Monaco, editor: MonacoEditor.IStandaloneCodeEditor, doc: Y.Doc) => EditorLayer;
