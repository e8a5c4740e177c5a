'use client';
// Tabs of the open files, with who else is looking at each one. The active tab is scrolled into
// view whenever it changes; when the tabs do not fit, a menu at the end lists them all; two open
// files with the same name show their folders, as VS Code does.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Peer } from '@/components/shared/presence.ts';
import { FileGlyph } from '@/components/shared/fileIcon.tsx';
import { ChevronIcon, CloseIcon } from '@/components/shared/icons.tsx';

interface Props {
  paths: string[];
  active: string | null;
  peers: Peer[];
  onSelect: (path: string) => void;
  onClose: (path: string) => void;
}

const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const folderOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : './');

/** Who else has the file open, in words (the dots' explanation). */
function lookingAt(others: Peer[]): string {
  const names = others.map((p) => p.name);
  const list = names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${list} ${names.length === 1 ? 'has' : 'have'} this file open`;
}

export function TabBar({ paths, active, peers, onSelect, onClose }: Props) {
  const strip = useRef<HTMLDivElement>(null);
  const [overflowing, setOverflowing] = useState(false);
  const [menuOpen, setMenuOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const el = strip.current;
    if (!el) return;
    const measure = () => setOverflowing(el.scrollWidth > el.clientWidth + 1);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [paths.length]);

  useEffect(() => {
    if (!active) return;
    const tab = strip.current?.querySelector<HTMLElement>(`[data-path="${CSS.escape(active)}"]`);
    tab?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [active, paths.length]);

  useEffect(() => {
    if (!menuOpen) return;
    const close = (e: MouseEvent) => !menu.current?.contains(e.target as Node) && setMenuOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setMenuOpen(false);
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', onKey);
    };
  }, [menuOpen]);

  if (paths.length === 0) return null;
  const counts = new Map<string, number>();
  for (const p of paths) counts.set(nameOf(p), (counts.get(nameOf(p)) ?? 0) + 1);
  const folderIfNeeded = (path: string) => ((counts.get(nameOf(path)) ?? 0) > 1 ? folderOf(path) : null);

  return (
    <div className="flex h-9 shrink-0 border-b border-line bg-panel">
      <div ref={strip} role="tablist" className="flex min-w-0 flex-1 items-stretch overflow-x-auto [scrollbar-width:none]" data-testid="tab-strip">
        {paths.map((path) => {
          const name = nameOf(path);
          const folder = folderIfNeeded(path);
          const isActive = path === active;
          const others = peers.filter((p) => !p.isSelf && p.file === path);
          return (
            <div
              key={path}
              role="tab"
              aria-selected={isActive}
              data-testid="tab"
              data-path={path}
              title={path}
              onClick={() => onSelect(path)}
              onMouseDown={(e) => {
                if (e.button === 1) {
                  e.preventDefault();
                  onClose(path);
                }
              }}
              className={`group relative flex shrink-0 cursor-pointer items-center gap-2 border-r border-line pl-3 pr-1.5 text-[13px] ${
                isActive ? 'bg-[#0e1015] text-zinc-100' : 'text-zinc-400 hover:bg-hover/60 hover:text-zinc-200'
              }`}
            >
              {isActive && <span className="absolute inset-x-0 top-0 h-[2px] bg-accent" />}
              <FileGlyph name={name} size={14} />
              <span className="max-w-48 truncate">{name}</span>
              {folder && (
                <span className="max-w-32 truncate text-[11px] text-zinc-500" data-testid="tab-folder">
                  {folder}
                </span>
              )}
              {others.length > 0 && (
                <span className="flex gap-0.5 py-2" title={lookingAt(others)} data-testid="tab-presence">
                  {others.slice(0, 3).map((p) => (
                    <span key={p.clientId} className="h-1.5 w-1.5 rounded-full" style={{ background: p.color }} />
                  ))}
                </span>
              )}
              <button
                type="button"
                aria-label={`Close ${name}`}
                onClick={(e) => {
                  e.stopPropagation();
                  onClose(path);
                }}
                className={`rounded p-0.5 hover:bg-raised hover:text-zinc-100 ${isActive ? 'text-zinc-400' : 'text-transparent group-hover:text-zinc-500'}`}
              >
                <CloseIcon size={13} />
              </button>
            </div>
          );
        })}
      </div>
      {overflowing && (
        <div ref={menu} className="relative flex shrink-0 border-l border-line">
          <button
            type="button"
            aria-label={`All ${paths.length} open files`}
            aria-haspopup="menu"
            aria-expanded={menuOpen}
            title="All open files"
            data-testid="tab-overflow"
            onClick={() => setMenuOpen((o) => !o)}
            className="flex items-center gap-1 px-2 text-xs text-zinc-400 hover:bg-hover/60 hover:text-zinc-100"
          >
            {paths.length}
            <ChevronIcon size={13} className="rotate-90" />
          </button>
          {menuOpen && (
            <div role="menu" data-testid="tab-menu" className="absolute right-0 top-9 z-40 max-h-96 w-72 animate-pop-in overflow-y-auto rounded-lg border border-line-strong bg-raised p-1 shadow-2xl shadow-black/50">
              {paths.map((path) => (
                <button
                  key={path}
                  type="button"
                  role="menuitem"
                  data-path={path}
                  onClick={() => {
                    onSelect(path);
                    setMenuOpen(false);
                  }}
                  className={`flex w-full items-center gap-2 rounded px-2 py-1.5 text-left text-xs ${path === active ? 'bg-hover text-zinc-100' : 'text-zinc-300 hover:bg-hover/70'}`}
                >
                  <FileGlyph name={nameOf(path)} size={13} />
                  <span className="truncate">{nameOf(path)}</span>
                  {path.includes('/') && <span className="ml-auto truncate text-[11px] text-zinc-500">{folderOf(path)}</span>}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
