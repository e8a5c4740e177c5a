'use client';
// Tabs of the open files, with who else is looking at each one.
import type { Peer } from '@/components/shared/presence.ts';
import { FileGlyph } from '@/components/shared/fileIcon.tsx';
import { CloseIcon } from '@/components/shared/icons.tsx';

interface Props {
  paths: string[];
  active: string | null;
  peers: Peer[];
  onSelect: (path: string) => void;
  onClose: (path: string) => void;
}

export function TabBar({ paths, active, peers, onSelect, onClose }: Props) {
  if (paths.length === 0) return null;
  return (
    <div role="tablist" className="flex h-9 shrink-0 items-stretch overflow-x-auto border-b border-line bg-panel [scrollbar-width:none]">
      {paths.map((path) => {
        const name = path.slice(path.lastIndexOf('/') + 1);
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
            className={`group relative flex cursor-pointer items-center gap-2 border-r border-line pl-3 pr-1.5 text-[13px] ${
              isActive ? 'bg-[#0e1015] text-zinc-100' : 'text-zinc-400 hover:bg-hover/60 hover:text-zinc-200'
            }`}
          >
            {isActive && <span className="absolute inset-x-0 top-0 h-[2px] bg-accent" />}
            <FileGlyph name={name} size={14} />
            <span className="max-w-48 truncate">{name}</span>
            {others.length > 0 && (
              <span className="flex gap-0.5">
                {others.slice(0, 3).map((p) => (
                  <span key={p.clientId} title={p.name} className="h-1.5 w-1.5 rounded-full" style={{ background: p.color }} />
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
  );
}
