// Turns an uploaded folder or .zip into workspace files. Only text is kept: binary and oversized
// files are skipped with a reason the page shows, because the document holds LF text only and the
// server bounds the document size.
import { unzipSync } from 'fflate';
import { normalisePath } from '@/lib/schema.ts';
import { IGNORED_DIRS, MAX_FILE_BYTES, decodeText } from '@/lib/textFiles.ts';

export const MAX_TOTAL_BYTES = 4 * 1024 * 1024;
export const MAX_FILES = 400;

export interface SkippedFile {
  path: string;
  reason: 'binary' | 'too large' | 'ignored folder' | 'limit reached' | 'bad path';
}

export interface UploadResult {
  files: Record<string, string>;
  skipped: SkippedFile[];
  totalBytes: number;
}

/** Drops a single top-level folder shared by every path (`project/src/a.ts` → `src/a.ts`). */
export function stripCommonRoot(paths: string[]): (path: string) => string {
  if (paths.length === 0) return (p) => p;
  const first = paths[0].split('/')[0];
  const shared = paths.every((p) => p.includes('/') && p.split('/')[0] === first);
  return shared ? (p) => p.slice(first.length + 1) : (p) => p;
}

class Collector {
  result: UploadResult = { files: {}, skipped: [], totalBytes: 0 };
  private count = 0;

  add(rawPath: string, bytes: Uint8Array | null, size: number): void {
    const path = normalisePath(rawPath);
    if (!path) return void this.result.skipped.push({ path: rawPath, reason: 'bad path' });
    if (path.split('/').some((part) => IGNORED_DIRS.has(part))) {
      return void this.result.skipped.push({ path, reason: 'ignored folder' });
    }
    if (size > MAX_FILE_BYTES) return void this.result.skipped.push({ path, reason: 'too large' });
    if (this.count >= MAX_FILES || this.result.totalBytes + size > MAX_TOTAL_BYTES) {
      return void this.result.skipped.push({ path, reason: 'limit reached' });
    }
    const text = bytes ? decodeText(bytes) : null;
    if (text === null) return void this.result.skipped.push({ path, reason: 'binary' });
    this.result.files[path] = text;
    this.result.totalBytes += size;
    this.count++;
  }
}

/** Reads the files of an `<input webkitdirectory>` selection. */
export async function readFolder(list: FileList | File[]): Promise<UploadResult> {
  const files = Array.from(list);
  const rel = (f: File) => f.webkitRelativePath || f.name;
  const strip = stripCommonRoot(files.map(rel));
  const collector = new Collector();
  for (const file of files) {
    const path = strip(rel(file));
    // Read only what can be kept: size limits are checked before the bytes are loaded.
    const readable = file.size <= MAX_FILE_BYTES;
    const bytes = readable ? new Uint8Array(await file.arrayBuffer()) : null;
    collector.add(path, bytes, file.size);
  }
  return collector.result;
}

/** Unzips a .zip in the browser (fflate) and keeps its text files. */
export async function readZip(file: File): Promise<UploadResult> {
  const data = new Uint8Array(await file.arrayBuffer());
  const oversized: SkippedFile[] = [];
  const entries = unzipSync(data, {
    filter: (f) => {
      if (f.name.endsWith('/')) return false;
      if (f.originalSize > MAX_FILE_BYTES) {
        oversized.push({ path: f.name, reason: 'too large' });
        return false;
      }
      return true;
    },
  });
  const names = Object.keys(entries).filter((n) => !n.startsWith('__MACOSX/'));
  const strip = stripCommonRoot(names);
  const collector = new Collector();
  for (const name of names) collector.add(strip(name), entries[name], entries[name].length);
  collector.result.skipped.push(...oversized);
  return collector.result;
}
