// How the History panel names things: each kind of checkpoint's tag and colour, and a file's
// change between a checkpoint and now.
import type { CheckpointChange, CheckpointKind } from '@/lib/api.ts';

export const KIND_TAGS: Record<CheckpointKind, { tag: string; title: string; className: string }> = {
  'before-run': { tag: 'AI', title: 'Made automatically just before an AI run', className: 'bg-violet-500/15 text-violet-200' },
  'after-run': { tag: 'AI', title: 'Made automatically when an AI run ended', className: 'bg-violet-500/15 text-violet-200' },
  idle: { tag: 'Auto', title: 'Made automatically after a pause in editing', className: 'bg-zinc-500/15 text-zinc-300' },
  manual: { tag: 'Saved', title: 'Saved by name', className: 'bg-sky-500/15 text-sky-200' },
  deletion: { tag: 'Deleted', title: 'The files just before a deletion', className: 'bg-red-500/15 text-red-200' },
  'before-restore': { tag: 'Restore', title: 'The files just before a restore', className: 'bg-amber-500/15 text-amber-200' },
};

/** A file's change from a checkpoint to now. */
export const CHANGE_WORDS: Record<CheckpointChange['change'], string> = {
  modified: 'changed since',
  added: 'added since',
  deleted: 'deleted since',
};

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
