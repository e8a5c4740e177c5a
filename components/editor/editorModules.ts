'use client';
// Monaco, loaded in the browser only.
import { loadMonaco, type Monaco } from './monacoSetup.ts';

export interface EditorModules {
  monaco: Monaco;
}

let modules: Promise<EditorModules> | null = null;

export function loadEditorModules(): Promise<EditorModules> {
  modules ??= loadMonaco().then((monaco) => ({ monaco }));
  return modules;
}
