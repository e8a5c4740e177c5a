// Shown in the editor area when no file is open.
import { LogoMark } from '@/components/shared/icons.tsx';

function Keys({ keys }: { keys: string[] }) {
  return (
    <span className="flex gap-1">
      {keys.map((k) => (
        <kbd key={k} className="rounded border border-line-strong bg-raised px-1.5 py-0.5 font-sans text-[10px] text-zinc-300">{k}</kbd>
      ))}
    </span>
  );
}

export function EmptyEditor({ readOnly }: { readOnly: boolean }) {
  return (
    <div className="absolute inset-0 flex items-center justify-center bg-[#0e1015]" data-testid="empty-editor">
      <div className="text-center">
        <LogoMark size={44} className="mx-auto opacity-80 grayscale-[35%]" />
        <p className="mt-4 text-sm text-zinc-300">{readOnly ? 'Pick a file to follow along' : 'Open a file from the explorer'}</p>
        <p className="mt-1 text-xs text-zinc-500">{readOnly ? 'You will see everyone’s edits and cursors live.' : 'Or create one with the + buttons above the tree.'}</p>
        {!readOnly && (
          <div className="mx-auto mt-6 grid w-64 grid-cols-[1fr_auto] gap-y-2 text-left text-xs text-zinc-400">
            <span>Undo your own edits</span><Keys keys={['Ctrl', 'Z']} />
            <span>Redo</span><Keys keys={['Ctrl', 'Shift', 'Z']} />
            <span>Rename selected</span><Keys keys={['F2']} />
            <span>Delete selected</span><Keys keys={['Del']} />
          </div>
        )}
      </div>
    </div>
  );
}
