'use client';
// The right-hand side panel: a tab strip over one panel per tab, collapsible to a thin rail and
// resizable from its left edge (drag, or the arrow keys on the handle; its layout in
// useSideLayout.ts). On a narrow window it opens over the editor. Tabs stay mounted while hidden
// so a half-written prompt or a scroll position survives a switch. Adding a panel is one entry in
// the `tabs` list given by the workspace.
import { useRef } from 'react';
import { ChevronIcon } from '@/components/shared/icons.tsx';
import type { SideTab } from '@/components/shared/sideTab.ts';
import { DEFAULT_WIDTH, clampWidth, type SideLayout } from './useSideLayout.ts';

interface Props {
  tabs: SideTab[];
  active: string;
  layout: SideLayout;
  onActive: (id: string) => void;
}

/** Pixels one arrow key moves the edge. */
const KEY_STEP = 24;

export function SidePanel({ tabs, active, layout, onActive }: Props) {
  const { open, setOpen: onOpen, overlay, width, setWidth } = layout;
  const current = tabs.find((t) => t.id === active) ?? tabs[0];
  const drag = useRef<{ x: number; width: number } | null>(null);
  if (!open) {
    return (
      <aside className="flex w-9 shrink-0 flex-col items-center gap-1 border-l border-line bg-panel py-2" data-testid="side-panel" data-open="false">
        <button
          type="button"
          onClick={() => onOpen(true)}
          aria-label="Open the side panel"
          title="Open the side panel"
          className="rounded p-1 text-zinc-500 hover:bg-hover hover:text-zinc-200"
        >
          <ChevronIcon size={14} className="rotate-180" />
        </button>
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            onClick={() => {
              onActive(t.id);
              onOpen(true);
            }}
            data-testid={`side-rail-${t.id}`}
            className="flex flex-col items-center gap-1 rounded px-1 py-2 text-[10px] font-semibold uppercase tracking-wider text-zinc-400 [writing-mode:vertical-rl] hover:bg-hover hover:text-zinc-100"
          >
            {t.label}
            {t.badge}
          </button>
        ))}
      </aside>
    );
  }
  return (
    <aside
      className={`flex shrink-0 flex-col border-l border-line bg-panel ${overlay ? 'absolute inset-y-0 right-0 z-30 shadow-2xl shadow-black/60' : 'relative'}`}
      style={{ width: clampWidth(width) }}
      data-testid="side-panel"
      data-open="true"
      data-overlay={overlay || undefined}
    >
      <div
        role="separator"
        aria-orientation="vertical"
        aria-label="Resize the side panel"
        aria-valuenow={width}
        tabIndex={0}
        data-testid="side-resize"
        title="Drag to resize · double-click to reset"
        className="absolute inset-y-0 -left-1 z-10 w-2 cursor-col-resize outline-none hover:bg-accent/40 focus-visible:bg-accent/60"
        onPointerDown={(e) => {
          e.preventDefault();
          e.currentTarget.setPointerCapture(e.pointerId);
          drag.current = { x: e.clientX, width };
        }}
        onPointerMove={(e) => {
          if (drag.current) setWidth(drag.current.width + drag.current.x - e.clientX);
        }}
        onPointerUp={() => void (drag.current = null)}
        onDoubleClick={() => setWidth(DEFAULT_WIDTH)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowLeft') setWidth(width + KEY_STEP);
          else if (e.key === 'ArrowRight') setWidth(width - KEY_STEP);
          else return;
          e.preventDefault();
        }}
      />
      <div className="flex h-9 shrink-0 items-stretch border-b border-line" role="tablist" aria-label="Side panel">
        {tabs.map((t) => {
          const selected = t.id === current?.id;
          return (
            <button
              key={t.id}
              type="button"
              role="tab"
              aria-selected={selected}
              aria-controls={`side-${t.id}`}
              data-testid={`side-tab-${t.id}`}
              onClick={() => onActive(t.id)}
              className={`flex items-center gap-1.5 border-b-2 px-3 text-xs font-medium transition ${
                selected ? 'border-accent text-zinc-100' : 'border-transparent text-zinc-500 hover:text-zinc-300'
              }`}
            >
              {t.label}
              {t.badge}
            </button>
          );
        })}
        <span className="flex-1" />
        <button
          type="button"
          onClick={() => onOpen(false)}
          aria-label="Collapse the side panel"
          title="Collapse the side panel"
          data-testid="side-collapse"
          className="px-2.5 text-zinc-500 hover:bg-hover hover:text-zinc-200"
        >
          <ChevronIcon size={14} />
        </button>
      </div>
      {tabs.map((t) => (
        <div key={t.id} id={`side-${t.id}`} role="tabpanel" hidden={t.id !== current?.id} className="min-h-0 flex-1">
          {t.content}
        </div>
      ))}
    </aside>
  );
}
