// Reading and writing a synced folder's files. A write is atomic (a temporary file in the same
// folder, renamed over the target, so an editor or a build never reads half a file), and it
// happens only if the file still holds what the sync last read: a save that lands in between is
// never overwritten, it is synced instead. Written here rather than with write-file-atomic
// because the temporary names must be ones the watcher recognises as ours (folderRules.ts), and
// the check must come right before the rename.
import { mkdir, readFile, rename, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { judge, TEMP_MARK, type FileVerdict } from './folderRules.ts';

export type DiskState = FileVerdict | { kind: 'missing' };

/** The absolute path of a workspace path inside `root`; throws if it would leave it. */
export function inside(root: string, rel: string): string {
  const abs = resolve(root, rel);
  const back = relative(root, abs);
  if (back === '' || isAbsolute(back) || back.split(sep).includes('..')) throw new Error(`${rel} is outside the folder`);
  return abs;
}

export async function readDisk(root: string, rel: string): Promise<DiskState> {
  try {
    return judge(rel, await readFile(inside(root, rel)));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return { kind: 'missing' };
    throw err;
  }
}

/** The text on disk, null when missing; undefined for a file that is not text. */
export function textOf(state: DiskState): string | null | undefined {
  return state.kind === 'text' ? state.text : state.kind === 'missing' ? null : undefined;
}

/**
 * Writes `text` to `rel` if it still holds `expected` (null: must not exist). Returns false,
 * writing nothing, when the file changed meanwhile.
 */
export async function writeIfUnchanged(root: string, rel: string, text: string, expected: string | null): Promise<boolean> {
  const abs = inside(root, rel);
  await mkdir(dirname(abs), { recursive: true });
  const temp = join(dirname(abs), `${TEMP_MARK}${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(temp, text, 'utf8');
  try {
    if (textOf(await readDisk(root, rel)) !== expected) {
      await rm(temp, { force: true });
      return false;
    }
    await rename(temp, abs);
    return true;
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** Deletes `rel` if it still holds `expected`, then its folders that became empty. */
export async function removeIfUnchanged(root: string, rel: string, expected: string): Promise<boolean> {
  const abs = inside(root, rel);
  if (textOf(await readDisk(root, rel)) !== expected) return false;
  await unlink(abs);
  for (let dir = dirname(abs); dir !== resolve(root) && dir.startsWith(resolve(root)); dir = dirname(dir)) {
    try {
      await rmdir(dir);
    } catch {
      break;
    }
  }
  return true;
}
