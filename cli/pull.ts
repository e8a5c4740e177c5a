// `tandem pull <link> [dir]`: the session's files written into a folder once (atomically, file by
// file). Files already there with other contents are listed and left alone, unless `force`; the
// person commits with their own git.
import { resolve } from 'node:path';
import type { FilesResponse, SessionInfoResponse } from '../lib/api.ts';
import { apiCall, CliError, parseLink } from './api.ts';
import { readDisk, textOf, writeIfUnchanged } from './diskFiles.ts';

/** A folder name from a session title ("Checkout flow" → "checkout-flow"). */
function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
}

export async function pull(link: string, dirArg: string | undefined, force: boolean): Promise<number> {
  const { server, id, token } = parseLink(link);
  const path = `/api/sessions/${encodeURIComponent(id)}`;
  const info = await apiCall<SessionInfoResponse>(server, path, { token });
  const { files } = await apiCall<FilesResponse>(server, `${path}/files`, { token });
  const root = resolve(dirArg ?? (slug(info.title) || `tandem-${id}`));
  const written = await writeSessionFiles(root, files, force);
  console.log(`Pulled “${info.title}”: ${Object.keys(files).length} files into ${root} (${written} written, ${Object.keys(files).length - written} already the same).`);
  return 0;
}

/**
 * Writes a session's files into `root`, each atomically; returns how many were written. Files
 * there with other contents are listed and nothing is written, unless `force`.
 */
export async function writeSessionFiles(root: string, files: Record<string, string>, force: boolean): Promise<number> {
  const differing: string[] = [];
  const current = new Map<string, string | null>();
  for (const file of Object.keys(files).sort()) {
    const now = textOf(await readDisk(root, file));
    if (now === undefined) throw new CliError(`${file} exists in ${root} and is not a text file`);
    current.set(file, now);
    if (now !== null && now !== files[file]) differing.push(file);
  }
  if (differing.length > 0 && !force) {
    throw new CliError(`${differing.length} file(s) in ${root} differ from the session and were left alone (use --force to overwrite):\n  ${differing.slice(0, 20).join('\n  ')}`);
  }
  let written = 0;
  for (const [file, now] of current) {
    if (now === files[file]) continue;
    if (!(await writeIfUnchanged(root, file, files[file], now))) throw new CliError(`${file} changed while it was being written; nothing of it was overwritten`);
    written++;
  }
  return written;
}
