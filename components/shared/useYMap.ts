'use client';
// Re-renders when a Y.Map changes and returns a snapshot of its keys.
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';

export function useYMapKeys<T>(map: Y.Map<T>): string[] {
  const [keys, setKeys] = useState<string[]>(() => Array.from(map.keys()));
  useEffect(() => {
    const update = () => setKeys(Array.from(map.keys()));
    update();
    map.observe(update);
    return () => map.unobserve(update);
  }, [map]);
  return keys;
}

export function useYMapValue<T>(map: Y.Map<unknown>, key: string): T | undefined {
  const [value, setValue] = useState<T | undefined>(() => map.get(key) as T | undefined);
  useEffect(() => {
    const update = () => setValue(map.get(key) as T | undefined);
    update();
    map.observe(update);
    return () => map.unobserve(update);
  }, [map, key]);
  return value;
}
