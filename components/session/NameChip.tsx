'use client';
// This person's display name and colour, editable in place and remembered in the browser.
import { useEffect, useRef, useState } from 'react';
import { cleanName, MAX_NAME_LENGTH, PALETTE, type Profile } from '@/components/shared/profile.ts';

export function NameChip({ profile, onChange }: { profile: Profile; onChange: (p: Profile) => void }) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState(profile.name);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    setDraft(profile.name);
    const close = (e: MouseEvent) => {
      if (!panel.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener('mousedown', close);
    return () => window.removeEventListener('mousedown', close);
  }, [open, profile.name]);

  const commit = () => {
    const name = cleanName(draft);
    if (name && name !== profile.name) onChange({ ...profile, name });
    setOpen(false);
  };

  return (
    <div className="relative" ref={panel}>
      <button
        type="button"
        data-testid="name-chip"
        onClick={() => setOpen(!open)}
        className="flex h-7 items-center gap-2 rounded-full border border-line bg-raised/70 pl-1 pr-3 text-xs text-zinc-200 hover:border-line-strong hover:bg-hover"
      >
        <span className="h-5 w-5 rounded-full ring-1 ring-black/30" style={{ background: profile.color }} />
        <span className="max-w-32 truncate">{profile.name}</span>
      </button>
      {open && (
        <div className="absolute right-0 top-9 z-40 w-64 animate-pop-in rounded-xl border border-line-strong bg-raised p-3 shadow-2xl shadow-black/50">
          <label htmlFor="display-name" className="text-[11px] font-medium uppercase tracking-wider text-zinc-500">
            Your name
          </label>
          <input
            id="display-name"
            autoFocus
            value={draft}
            maxLength={MAX_NAME_LENGTH}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commit();
              if (e.key === 'Escape') setOpen(false);
            }}
            className="mt-1.5 w-full rounded-lg border border-line-strong bg-canvas px-2.5 py-1.5 text-sm text-zinc-100 outline-none focus:border-accent"
          />
          <div className="mt-3 text-[11px] font-medium uppercase tracking-wider text-zinc-500">Colour</div>
          <div className="mt-1.5 flex flex-wrap gap-1.5">
            {PALETTE.map((c) => (
              <button
                key={c}
                type="button"
                aria-label={`Colour ${c}`}
                onClick={() => onChange({ ...profile, color: c })}
                className={`h-6 w-6 rounded-full transition ${c === profile.color ? 'ring-2 ring-white ring-offset-2 ring-offset-raised' : 'hover:scale-110'}`}
                style={{ background: c }}
              />
            ))}
          </div>
          <button
            type="button"
            onClick={commit}
            className="mt-3 w-full rounded-lg bg-accent py-1.5 text-xs font-semibold text-white hover:bg-accent-strong"
          >
            Save
          </button>
        </div>
      )}
    </div>
  );
}
