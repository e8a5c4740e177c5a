// The page's Monaco and document on `window.__tandem`, for the end-to-end tests and the
// benchmarks, in test builds only (`npm run build:test`, see next.config.js). Elsewhere the switch
// is '' at build time and everything after the first line is dropped from the bundle.
import type * as Y from 'yjs';
import type { Monaco } from './monacoSetup.ts';

declare global {
  interface Window {
    /** Test hook: the page's Monaco and document, read by the Playwright specs and the benchmarks. */
    __tandem?: { monaco: Monaco; doc: Y.Doc };
  }
}

/** Publishes the editor's Monaco and `doc`; returns what removes them again. */
export function installTestHook(monaco: Monaco, doc: Y.Doc): () => void {
  if (process.env.NEXT_PUBLIC_TANDEM_TEST_HOOKS !== '1') return () => {};
  window.__tandem = { monaco, doc };
  return () => {
    if (window.__tandem?.doc === doc) delete window.__tandem;
  };
}
