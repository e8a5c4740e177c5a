'use client';
// Loads Monaco from the local package (never a CDN) with its web workers (started again when
// their script fails to load: retryingWorker.ts), once per page.
// Imported only through `import()` from browser code: Monaco touches `window` when evaluated.
import type * as MonacoNs from 'monaco-editor';
import { retryingWorker } from './retryingWorker.ts';

export type Monaco = typeof MonacoNs;

let loading: Promise<Monaco> | null = null;

function installWorkers(): void {
  (self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
    getWorker(_workerId: string, label: string): Worker {
      switch (label) {
        case 'json':
          return retryingWorker(() => new Worker(new URL('monaco-editor/language/json/json.worker', import.meta.url), { type: 'module' }));
        case 'css':
        case 'scss':
        case 'less':
          return retryingWorker(() => new Worker(new URL('monaco-editor/language/css/css.worker', import.meta.url), { type: 'module' }));
        case 'html':
        case 'handlebars':
        case 'razor':
          return retryingWorker(() => new Worker(new URL('monaco-editor/language/html/html.worker', import.meta.url), { type: 'module' }));
        case 'typescript':
        case 'javascript':
          return retryingWorker(() => new Worker(new URL('monaco-editor/language/typescript/ts.worker', import.meta.url), { type: 'module' }));
        default:
          return retryingWorker(() => new Worker(new URL('monaco-editor/editor/editor.worker', import.meta.url), { type: 'module' }));
      }
    },
  };
}

function defineTheme(monaco: Monaco): void {
  monaco.editor.defineTheme('tandem-dark', {
    base: 'vs-dark',
    inherit: true,
    rules: [
      { token: 'comment', foreground: '6b7280', fontStyle: 'italic' },
      { token: 'keyword', foreground: 'c4a7ff' },
      { token: 'string', foreground: '9fe0a8' },
      { token: 'number', foreground: 'f6b27a' },
      { token: 'type', foreground: '7dd3fc' },
    ],
    colors: {
      'editor.background': '#0e1015',
      'editor.foreground': '#e4e4e7',
      'editorLineNumber.foreground': '#3f4350',
      'editorLineNumber.activeForeground': '#a1a1aa',
      'editor.lineHighlightBackground': '#161922',
      'editor.lineHighlightBorder': '#00000000',
      'editor.selectionBackground': '#8b7cf640',
      'editor.inactiveSelectionBackground': '#8b7cf622',
      'editorCursor.foreground': '#a594ff',
      'editorIndentGuide.background1': '#1f222b',
      'editorIndentGuide.activeBackground1': '#34384a',
      'editorWidget.background': '#161920',
      'editorWidget.border': '#2e323d',
      'editorGutter.background': '#0e1015',
      'scrollbarSlider.background': '#2e323d80',
      'scrollbarSlider.hoverBackground': '#3a3f4d',
      'minimap.background': '#0e1015',
    },
  });
}

export function loadMonaco(): Promise<Monaco> {
  if (loading) return loading;
  const attempt = (async () => {
    installWorkers();
    const [monaco, { loader }] = await Promise.all([import('monaco-editor'), import('@monaco-editor/react')]);
    // Any <Editor>/<DiffEditor> from @monaco-editor/react must use this instance, not a CDN copy.
    loader.config({ monaco });
    defineTheme(monaco);
    // A workspace is a slice of a project without its node_modules or tsconfig: semantic errors
    // ("Cannot find module") would paint every import red. Syntax errors are still shown.
    for (const defaults of [monaco.typescript.typescriptDefaults, monaco.typescript.javascriptDefaults]) {
      defaults.setDiagnosticsOptions({ noSemanticValidation: true, noSuggestionDiagnostics: true, noSyntaxValidation: false });
    }
    return monaco;
  })();
  loading = attempt;
  // A failed load is not remembered: the next call fetches Monaco's code again.
  attempt.catch(() => {
    if (loading === attempt) loading = null;
  });
  return attempt;
}
