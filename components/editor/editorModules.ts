'use client';
// Monaco and y-monaco, loaded together in the browser only.
import { loadMonaco, type Monaco } from './monacoSetup.ts';

export type YMonaco = typeof import('y-monaco');

export interface EditorModules {
  monaco: Monaco;
  yMonaco: YMonaco;
}

let modules: Promise<EditorModules> | null = null;

export function loadEditorModules(): Promise<EditorModules> {
  // y-monaco imports Monaco's API itself: load Monaco (and its environment) first.
  modules ??= loadMonaco().then(async (monaco) => ({ monaco, yMonaco: await import('y-monaco') }));
  return modules;
}
