'use client';
// Asked once per browser, the first time a person opens a session: the name (and colour) the
// others see on their cursor and in the presence list. Enter or "Join" keeps what is typed; an
// empty name takes the suggestion shown. Remembered afterwards (profile.ts); the name chip in the
// header changes it later.
import { useMemo, useState } from 'react';
import { LogoMark } from '@/components/shared/icons.tsx';
import { MAX_NAME_LENGTH, PALETTE, cleanName, randomProfile, type Profile } from '@/components/shared/profile.ts';

interface Props {
  title: string;
  onDone: (profile: Profile) => void;
}

export function NamePrompt({ title, onDone }: Props) {
  const suggestion = useMemo(() => randomProfile(), []);
  const [name, setName] = useState('');
  const [color, setColor] = useState(suggestion.color);
  const submit = () => onDone({ name: cleanName(name) || suggestion.name, color });

  return (
    <div className="flex h-full items-center justify-center bg-canvas/80 px-6 backdrop-blur-sm" role="dialog" aria-modal="true" aria-labelledby="name-prompt-title" data-testid="name-prompt">
      <form
        className="w-full max-w-sm animate-pop-in rounded-2xl border border-line bg-panel p-7 shadow-2xl shadow-black/40"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <LogoMark size={32} />
        <h1 id="name-prompt-title" className="mt-4 text-lg font-semibold text-zinc-50">
          Join “{title}”
        </h1>
        <p className="mt-1.5 text-sm leading-relaxed text-zinc-400">How should the others see you? Your name shows on your cursor and in the list of people here.</p>
        <label htmlFor="name-prompt-input" className="mt-5 block text-[11px] font-medium uppercase tracking-wider text-zinc-500">
          Your name
        </label>
        <input
          id="name-prompt-input"
          data-testid="name-prompt-input"
          autoFocus
          value={name}
          placeholder={suggestion.name}
          maxLength={MAX_NAME_LENGTH}
          autoComplete="name"
          onChange={(e) => setName(e.target.value)}
          className="mt-1.5 w-full rounded-lg border border-line-strong bg-canvas px-3 py-2 text-sm text-zinc-100 outline-none placeholder:text-zinc-600 focus:border-accent"
        />
        <div className="mt-4 text-[11px] font-medium uppercase tracking-wider text-zinc-500">Colour</div>
        <div className="mt-1.5 flex flex-wrap gap-1.5">
          {PALETTE.map((c) => (
            <button
              key={c}
              type="button"
              aria-label={`Colour ${c}`}
              aria-pressed={c === color}
              onClick={() => setColor(c)}
              className={`h-6 w-6 rounded-full transition ${c === color ? 'ring-2 ring-white ring-offset-2 ring-offset-panel' : 'hover:scale-110'}`}
              style={{ background: c }}
            />
          ))}
        </div>
        <button type="submit" data-testid="name-prompt-join" className="mt-6 w-full rounded-lg bg-accent px-4 py-2 text-sm font-semibold text-white hover:bg-accent-strong">
          Join session
        </button>
        <p className="mt-3 text-center text-[11px] text-zinc-500">Remembered in this browser; change it any time from your name in the header.</p>
      </form>
    </div>
  );
}
