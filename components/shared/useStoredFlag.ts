'use client';
// A yes/no choice remembered per browser in localStorage (side panel open, authorship gutter shown).
import { useCallback, useState } from 'react';

export function useStoredFlag(key: string, initial: boolean): [boolean, (next: boolean | ((on: boolean) => boolean)) => void] {
  const [on, setOn] = useState(() => {
    try {
      const stored = window.localStorage.getItem(key);
      return stored === null ? initial : stored === 'true';
    } catch {
      return initial;
    }
  });
  const set = useCallback(
    (next: boolean | ((on: boolean) => boolean)) => {
      setOn((prev) => {
        const value = typeof next === 'function' ? next(prev) : next;
        try {
          window.localStorage.setItem(key, String(value));
        } catch {
          // Storage refused (private mode): the choice lasts for this page only.
        }
        return value;
      });
    },
    [key],
  );
  return [on, set];
}
