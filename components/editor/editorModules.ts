'use client';
// Monaco, loaded in the browser only. A load that fails (its code could not be fetched) is tried
// again a few times, pausing longer each time, and then left to a "Try again" the page offers.
import { useCallback, useEffect, useState } from 'react';
import { loadMonaco, type Monaco } from './monacoSetup.ts';

export interface EditorModules {
  monaco: Monaco;
}

let modules: Promise<EditorModules> | null = null;

export function loadEditorModules(): Promise<EditorModules> {
  if (modules) return modules;
  const attempt = loadMonaco().then((monaco) => ({ monaco }));
  modules = attempt;
  attempt.catch(() => {
    if (modules === attempt) modules = null;
  });
  return attempt;
}

/** Tries after the first, and the pause before the first of them (doubling each time). */
const AUTO_RETRIES = 2;
const FIRST_PAUSE_MS = 1000;

export interface EditorLoad {
  modules: EditorModules | null;
  /** Every automatic try failed. */
  failed: boolean;
  retry: () => void;
}

export function useEditorModules(): EditorLoad {
  const [modules, setModules] = useState<EditorModules | null>(null);
  const [failed, setFailed] = useState(false);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let cancelled = false;
    let timer: number | undefined;
    const attempt = (n: number) => {
      loadEditorModules().then(
        (m) => !cancelled && setModules(m),
        () => {
          if (cancelled) return;
          if (n < AUTO_RETRIES) timer = window.setTimeout(() => attempt(n + 1), FIRST_PAUSE_MS * 2 ** n);
          else setFailed(true);
        },
      );
    };
    attempt(0);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [round]);
  const retry = useCallback(() => {
    setFailed(false);
    setRound((r) => r + 1);
  }, []);
  return { modules, failed, retry };
}
