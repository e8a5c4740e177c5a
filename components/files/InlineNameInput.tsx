'use client';
// The text box used in the tree to name a new file or folder, or to rename one.
import { useEffect, useRef, useState } from 'react';

interface Props {
  initial: string;
  depth: number;
  icon: React.ReactNode;
  onSubmit: (value: string) => string | null;
  onCancel: () => void;
}

export function InlineNameInput({ initial, depth, icon, onSubmit, onCancel }: Props) {
  const [value, setValue] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLInputElement>(null);
  const done = useRef(false);

  useEffect(() => {
    const input = ref.current;
    if (!input) return;
    input.focus();
    // Select the name without its extension, as editors do on rename.
    const dot = initial.lastIndexOf('.');
    input.setSelectionRange(0, dot > 0 ? dot : initial.length);
  }, [initial]);

  const submit = () => {
    if (done.current) return;
    if (!value.trim() || value === initial) {
      done.current = true;
      onCancel();
      return;
    }
    const err = onSubmit(value.trim());
    if (err) setError(err);
    else done.current = true;
  };

  return (
    <div className="relative" style={{ paddingLeft: 8 + depth * 12 }}>
      <div className="flex h-[26px] items-center gap-1.5 pr-2">
        <span className="w-3" />
        {icon}
        <input
          ref={ref}
          value={value}
          aria-label="Name"
          data-testid="tree-name-input"
          spellCheck={false}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            e.stopPropagation();
            // The Enter must not go on to type a newline into the editor the new file opens in.
            if (e.key === 'Enter' || e.key === 'Escape') e.preventDefault();
            if (e.key === 'Enter') submit();
            if (e.key === 'Escape') {
              done.current = true;
              onCancel();
            }
          }}
          onBlur={() => {
            if (error) {
              done.current = true;
              onCancel();
            } else submit();
          }}
          className={`h-[22px] min-w-0 flex-1 rounded border bg-canvas px-1.5 font-mono text-[12px] text-zinc-100 outline-none ${
            error ? 'border-red-500/70' : 'border-accent'
          }`}
        />
      </div>
      {error && (
        <div role="alert" className="absolute left-6 right-2 z-20 mt-0.5 rounded border border-red-500/40 bg-red-950 px-2 py-1 text-[11px] text-red-200 shadow-lg">
          {error}
        </div>
      )}
    </div>
  );
}
