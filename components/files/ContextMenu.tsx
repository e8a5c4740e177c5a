'use client';
// A right-click menu positioned at the pointer; closes on outside click, Escape or scroll.
import { useEffect, useRef } from 'react';

export interface MenuItem {
  label: string;
  shortcut?: string;
  danger?: boolean;
  onSelect: () => void;
}

export function ContextMenu({ x, y, items, onClose }: { x: number; y: number; items: MenuItem[]; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const close = (e: Event) => {
      if (e instanceof MouseEvent && ref.current?.contains(e.target as Node)) return;
      onClose();
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('mousedown', close);
    window.addEventListener('blur', close);
    window.addEventListener('keydown', onKey);
    window.addEventListener('wheel', close, { passive: true });
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('blur', close);
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('wheel', close);
    };
  }, [onClose]);

  return (
    <div
      ref={ref}
      role="menu"
      className="fixed z-50 min-w-44 animate-pop-in rounded-lg border border-line-strong bg-raised/95 p-1 text-[13px] shadow-2xl shadow-black/50 backdrop-blur"
      style={{ left: Math.min(x, window.innerWidth - 190), top: Math.min(y, window.innerHeight - items.length * 30 - 12) }}
    >
      {items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          onClick={() => {
            onClose();
            item.onSelect();
          }}
          className={`flex w-full items-center justify-between gap-6 rounded-md px-2.5 py-1.5 text-left ${
            item.danger ? 'text-red-300 hover:bg-red-500/15' : 'text-zinc-200 hover:bg-accent/20'
          }`}
        >
          {item.label}
          {item.shortcut && <span className="text-[11px] text-zinc-500">{item.shortcut}</span>}
        </button>
      ))}
    </div>
  );
}
