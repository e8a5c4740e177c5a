// JSON responses, typed API errors and bounded body reading for the HTTP API.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError } from '../../lib/api.ts';
import { statusOf, type ErrorCode } from './errorStatus.ts';

/** An error of the HTTP layer; its status comes from the code (errorStatus.ts). */
export class HttpError extends Error {
  readonly code: ErrorCode;
  /** For 429 and 503: when to try again (sent as Retry-After, whole seconds). */
  readonly retryAfterMs: number | undefined;
  constructor(code: ErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  get status(): number {
    return statusOf(this.code);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, code: ErrorCode, message: string, retryAfterMs?: number): void {
  const body: ApiError = { error: { code, message } };
  const status = statusOf(code);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, body, retryAfterMs === undefined ? {} : { 'Retry-After': Math.max(1, Math.ceil(retryAfterMs / 1000)) });
}

/** Reads a JSON body of at most `limit` bytes; an empty body reads as undefined. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw new HttpError('payload_too_large', `the body is larger than ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limit) throw new HttpError('payload_too_large', `the body is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  const type = String(req.headers['content-type'] ?? '');
  if (type && !/^application\/json\b/i.test(type)) {
    throw new HttpError('unsupported_media_type', 'send the body as application/json');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError('invalid_json', 'the body is not valid JSON');
  }
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}
