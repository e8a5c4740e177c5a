'use client';
// Whether the side panel is open and how wide it is. On a wide window both are remembered per
// browser; below NARROW_PX the panel starts collapsed (whatever was remembered) and opens over
// the editor instead of beside it, so the code keeps the width it needs; widening the window
// brings back the remembered layout.
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useStoredFlag } from '@/components/shared/useStoredFlag.ts';

export const NARROW_PX = 1000;
const WIDTH_KEY = 'tandem:side-width';
export const DEFAULT_WIDTH = 352;
export const MIN_WIDTH = 260;
const MAX_WIDTH = 720;

const narrowQuery = `(max-width: ${NARROW_PX - 1}px)`;
const subscribe = (onChange: () => void) => {
  const query = window.matchMedia(narrowQuery);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
};

/** The widest the panel may be in this window: the editor keeps at least 40% of it. */
export function clampWidth(width: number): number {
  const max = typeof window === 'undefined' ? MAX_WIDTH : Math.min(MAX_WIDTH, Math.round(window.innerWidth * 0.6));
  return Math.round(Math.max(MIN_WIDTH, Math.min(max, width)));
}

function storedWidth(): number {
  try {
    const value = Number(window.localStorage.getItem(WIDTH_KEY));
    return Number.isFinite(value) && value > 0 ? clampWidth(value) : DEFAULT_WIDTH;
  } catch {
    return DEFAULT_WIDTH;
  }
}

export interface SideLayout {
  open: boolean;
  setOpen: (open: boolean) => void;
  /** Opened over the editor (narrow window). */
  overlay: boolean;
  width: number;
  setWidth: (width: number) => void;
}

export function useSideLayout(): SideLayout {
  const [stored, setStored] = useStoredFlag('tandem:side-open', true);
  const narrow = useSyncExternalStore(subscribe, () => window.matchMedia(narrowQuery).matches, () => false);
  const [openNarrow, setOpenNarrow] = useState(false);
  useEffect(() => {
    if (!narrow) setOpenNarrow(false);
  }, [narrow]);
  const [width, setWidthState] = useState(storedWidth);
  const setWidth = useCallback((next: number) => {
    const value = clampWidth(next);
    setWidthState(value);
    try {
      window.localStorage.setItem(WIDTH_KEY, String(value));
    } catch {
      // Storage refused: the width lasts for this page only.
    }
  }, []);
  const setOpen = useCallback((open: boolean) => (narrow ? setOpenNarrow(open) : setStored(open)), [narrow, setStored]);
  return { open: narrow ? openNarrow : stored, setOpen, overlay: narrow, width, setWidth };
}
