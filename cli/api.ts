// The HTTP API from the command line: JSON in and out, the server's own error messages kept,
// and share links taken apart (`https://host/s/<id>#token=…`).
import type { ApiError } from '../lib/api.ts';

/** A failure to tell the person as it is (no stack trace). */
export class CliError extends Error {}

export async function apiCall<T>(server: string, path: string, opts: { method?: string; token?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${server}${path}`, { method: opts.method ?? 'GET', headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  } catch (err) {
    throw new CliError(`could not reach Tandem at ${server} (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message})`);
  }
  const json = (await res.json().catch(() => undefined)) as (T & Partial<ApiError>) | undefined;
  if (res.ok && json !== undefined) return json;
  throw new CliError(`${server} answered ${res.status}: ${json?.error?.message ?? 'not a Tandem API answer'}`);
}

export interface SessionLink {
  server: string;
  id: string;
  token: string;
}

export function parseLink(link: string): SessionLink {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new CliError(`${link} is not a link (expected https://host/s/<id>#token=…)`);
  }
  const id = /^\/s\/([^/]+)\/?$/.exec(url.pathname)?.[1];
  const token = new URLSearchParams(url.hash.slice(1)).get('token');
  if (!id || !token) throw new CliError(`${link} is not a Tandem session link (expected …/s/<id>#token=…)`);
  return { server: url.origin, id: decodeURIComponent(id), token };
}
