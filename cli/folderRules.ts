// Which paths of a local folder belong in the session: not those its .gitignore files exclude
// (each applies to its own folder and below, as in git; matched by the `ignore` package, which
// implements git's pattern rules), not the folders people never mean to share, and not this
// tool's own temporary files. Then, per file: UTF-8 text, up to a size.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { IGNORED_DIRS, MAX_FILE_BYTES, decodeText } from '../lib/textFiles.ts';
import { isFileKey } from '../lib/schema.ts';

/** The temporary files of atomic writes (cli/diskFiles.ts), never synced. */
export const TEMP_MARK = '.tandem-sync-';

export class FolderRules {
  private readonly root: string;
  private readonly rules = new Map<string, Ignore>();

  constructor(root: string) {
    this.root = root;
    this.load('');
  }

  /** (Re)reads the .gitignore of a folder (relative path, '' for the root). */
  load(dir: string): void {
    let text: string;
    try {
      text = readFileSync(join(this.root, dir, '.gitignore'), 'utf8');
    } catch {
      this.rules.delete(dir);
      return;
    }
    this.rules.set(dir, ignore().add(text));
  }

  /** Whether a relative path (forward slashes) is left out. */
  ignores(rel: string, isDir: boolean): boolean {
    if (rel === '') return false;
    const parts = rel.split('/');
    if (parts.some((p) => IGNORED_DIRS.has(p)) || parts.at(-1)!.startsWith(TEMP_MARK)) return true;
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const rules = this.rules.get(dir);
      if (!rules) continue;
      const below = parts.slice(i).join('/');
      if (rules.ignores(isDir ? `${below}/` : below)) return true;
      // A file inside an ignored folder is ignored too.
      for (let j = i + 1; j < parts.length; j++) if (rules.ignores(`${parts.slice(i, j).join('/')}/`)) return true;
    }
    return false;
  }
}

export type FileVerdict = { kind: 'text'; text: string } | { kind: 'binary' } | { kind: 'large'; bytes: number } | { kind: 'bad-path' };

/** What a file's bytes are for the session. */
export function judge(rel: string, bytes: Buffer): FileVerdict {
  if (!isFileKey(rel)) return { kind: 'bad-path' };
  if (bytes.byteLength > MAX_FILE_BYTES) return { kind: 'large', bytes: bytes.byteLength };
  const text = decodeText(bytes);
  return text === null ? { kind: 'binary' } : { kind: 'text', text };
}

export interface FolderScan {
  files: Record<string, string>;
  binary: string[];
  large: string[];
  ignored: number;
  bytes: number;
}

/** Every text file of the folder that belongs in the session, and what was left out. */
export function scanFolder(root: string, rules: FolderRules): FolderScan {
  const scan: FolderScan = { files: {}, binary: [], large: [], ignored: 0, bytes: 0 };
  const walk = (dir: string) => {
    if (dir !== '') rules.load(dir);
    const entries = readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      const isDir = entry.isDirectory();
      if (rules.ignores(rel, isDir)) {
        scan.ignored++;
        continue;
      }
      if (isDir) walk(rel);
      else if (entry.isFile()) {
        if (statSync(join(root, rel)).size > MAX_FILE_BYTES) {
          scan.large.push(rel);
          continue;
        }
        const verdict = judge(rel, readFileSync(join(root, rel)));
        if (verdict.kind === 'text') {
          scan.files[rel] = verdict.text;
          scan.bytes += Buffer.byteLength(verdict.text);
        } else if (verdict.kind === 'binary') scan.binary.push(rel);
        else if (verdict.kind === 'large') scan.large.push(rel);
        else scan.ignored++;
      }
    }
  };
  walk('');
  return scan;
}
