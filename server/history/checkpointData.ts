// What a checkpoint stores: every file's text, as gzip'd JSON (text compresses several times, and
// the retention counts these bytes).
import { gunzipSync, gzipSync } from 'node:zlib';
import { isFileKey } from '../../lib/schema.ts';

/** Files a listing names; the rest are counted. */
export const MAX_LISTED_CHANGES = 50;

export function encodeFiles(files: Record<string, string>): Uint8Array {
  return gzipSync(JSON.stringify({ v: 1, files }), { level: 6 });
}

/** The files of stored data; throws on data that is not a checkpoint. */
export function decodeFiles(data: Uint8Array): Record<string, string> {
  const parsed = JSON.parse(gunzipSync(data).toString('utf8')) as { v?: unknown; files?: unknown };
  if (parsed.v !== 1 || typeof parsed.files !== 'object' || parsed.files === null) throw new Error('not a checkpoint');
  const out: Record<string, string> = {};
  for (const [path, text] of Object.entries(parsed.files as Record<string, unknown>)) {
    if (isFileKey(path) && typeof text === 'string') out[path] = text;
  }
  return out;
}
