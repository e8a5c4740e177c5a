'use client';
// The bottom line: role, file, caret position and language.
import type { Role } from '@/lib/schema.ts';
import type { CursorInfo } from '@/components/editor/CodeEditor.tsx';
import { EyeIcon, PencilIcon, UserIcon } from '@/components/shared/icons.tsx';

interface Props {
  role: Role;
  path: string | null;
  cursor: CursorInfo | null;
  people: number;
  authorGutter: boolean;
  onToggleAuthorGutter: () => void;
  authorGutterKeys: string;
  /** Edit predictions: shown when the server has a prediction model. */
  predictions?: { model: string | null; on: boolean; toggle: () => void };
}

export function StatusBar({ role, path, cursor, people, authorGutter, onToggleAuthorGutter, authorGutterKeys, predictions }: Props) {
  return (
    <footer data-testid="status-bar" className="flex h-6 shrink-0 items-center gap-4 border-t border-line bg-panel px-3 text-[11px] text-zinc-400">
      <span className={`flex items-center gap-1.5 ${role === 'edit' ? 'text-accent-strong' : 'text-sky-300'}`} data-testid="status-role">
        {role === 'edit' ? <PencilIcon size={12} /> : <EyeIcon size={12} />}
        {role === 'edit' ? 'Editing' : 'View only'}
      </span>
      <span className="flex items-center gap-1.5">
        <UserIcon size={12} /> {people} {people === 1 ? 'person' : 'people'}
      </span>
      {path && <span className="min-w-0 truncate font-mono text-zinc-500">{path}</span>}
      <span className="ml-auto flex items-center gap-4">
        {predictions?.model && (
          <button
            type="button"
            onClick={predictions.toggle}
            aria-pressed={predictions.on}
            title={`${predictions.on ? 'Turn off' : 'Turn on'} edit predictions (${predictions.model}): suggestions as you type, only in your editor; Tab accepts, Esc dismisses`}
            data-testid="toggle-predictions"
            className={`-my-0.5 flex items-center gap-1.5 rounded px-1.5 py-0.5 hover:bg-hover hover:text-zinc-100 ${predictions.on ? 'bg-emerald-500/15 text-emerald-200' : ''}`}
          >
            <span aria-hidden="true" className={`h-1.5 w-1.5 rounded-full ${predictions.on ? 'bg-emerald-400' : 'bg-zinc-500'}`} />
            Predictions {predictions.on ? 'on' : 'off'}
          </button>
        )}
        <button
          type="button"
          onClick={onToggleAuthorGutter}
          aria-pressed={authorGutter}
          title={`${authorGutter ? 'Hide' : 'Show'} who wrote each line (${authorGutterKeys}); hover a line for details`}
          data-testid="toggle-authorship"
          className={`-my-0.5 flex items-center gap-1.5 rounded px-1.5 py-0.5 hover:bg-hover hover:text-zinc-100 ${authorGutter ? 'bg-violet-500/15 text-violet-200' : ''}`}
        >
          <span className="flex h-3 gap-px" aria-hidden="true">
            <span className="w-[3px] rounded-sm bg-pink-400" />
            <span className="w-[3px] rounded-sm bg-violet-400" />
            <span className="w-[3px] rounded-sm bg-sky-400" />
          </span>
          Authors
        </button>
        {cursor && (
          <>
            <span data-testid="status-cursor">
              Ln {cursor.line}, Col {cursor.column}
              {cursor.selected > 0 && ` (${cursor.selected} selected)`}
            </span>
            <span>Spaces: 2</span>
            <span>UTF-8</span>
            <span>LF</span>
            <span data-testid="status-language" className="text-zinc-300">{cursor.language}</span>
          </>
        )}
      </span>
    </footer>
  );
}
