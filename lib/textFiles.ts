// Which files a workspace takes in, wherever they come from (a browser upload, a zip, a synced
// local folder): UTF-8 text only, up to a size, outside the folders people almost never mean to
// share. The document holds LF text only and the server bounds its size.
import { toLF } from './schema.ts';

/** Larger files are skipped. */
export const MAX_FILE_BYTES = 512 * 1024;
/** Folders people almost never mean to share: dependencies, VCS data, build output. */
export const IGNORED_DIRS: ReadonlySet<string> = new Set(['.git', 'node_modules', '.next', 'dist', 'build', '.venv', '__pycache__', '.DS_Store']);

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Text (with LF line ends) if the bytes are UTF-8 without NUL characters; null for anything that looks binary. */
export function decodeText(bytes: Uint8Array): string | null {
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) return null;
  try {
    return toLF(decoder.decode(bytes));
  } catch {
    return null;
  }
}
