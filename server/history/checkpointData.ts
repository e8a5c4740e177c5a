// What a checkpoint stores: every file's text, as gzip'd JSON (text compresses several times, and
// the retention counts these bytes).
import { gunzip, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { isFileKey } from '../../lib/schema.ts';

/** Files a listing names; the rest are counted. */
export const MAX_LISTED_CHANGES = 50;

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Compressed off the event loop (zlib's thread pool): a large session takes a while. */
export async function encodeFiles(files: Record<string, string>): Promise<Uint8Array> {
  return gzipAsync(JSON.stringify({ v: 1, files }), { level: 6 });
}

/** The files of stored data; throws on data that is not a checkpoint. */
export async function decodeFiles(data: Uint8Array): Promise<Record<string, string>> {
  const parsed = JSON.parse((await gunzipAsync(data)).toString('utf8')) as { v?: unknown; files?: unknown };
  if (parsed.v !== 1 || typeof parsed.files !== 'object' || parsed.files === null) throw new Error('not a checkpoint');
  const out: Record<string, string> = {};
  for (const [path, text] of Object.entries(parsed.files as Record<string, unknown>)) {
    if (isFileKey(path) && typeof text === 'string') out[path] = text;
  }
  return out;
}
