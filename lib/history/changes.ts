// What changed between two sets of files: the History listing (each checkpoint against the one
// before it) and the History panel (a checkpoint against the files now) both use it.
import type { CheckpointChange } from '../api.ts';

/** The files added, modified and deleted from `before` to `after`, by path. */
export function changesBetween(before: Record<string, string>, after: Record<string, string>): CheckpointChange[] {
  const out: CheckpointChange[] = [];
  for (const [path, text] of Object.entries(after)) {
    if (!Object.hasOwn(before, path)) out.push({ path, change: 'added' });
    else if (before[path] !== text) out.push({ path, change: 'modified' });
  }
  for (const path of Object.keys(before)) if (!Object.hasOwn(after, path)) out.push({ path, change: 'deleted' });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
