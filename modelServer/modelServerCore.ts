// State shared by every route of the model server: options, script, stats, stored responses.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { DEFAULT_PAUSE_MAX_MS, PauseBoard } from './turnPauses.ts';
import { Script } from './turnScript.ts';
import { ModelServerStats } from './modelServerStats.ts';
import type { HandshakeFailure, ModelServerOptions } from './modelServerTypes.ts';

const MAX_STORED_RESPONSES = 10_000;
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface ResolvedOptions {
  apiKey: string | null;
  model: string;
  rate: number;
  chunkTokens: number;
  connectionLifetimeMs: number;
  maxQueuedPerConnection: number;
  pauseMaxMs: number;
}

export class ModelServerCore {
  readonly options: ResolvedOptions;
  readonly stats: ModelServerStats;
  readonly script: Script;
  /** Turns waiting at a scripted pause. */
  readonly pauses = new PauseBoard();
  /** Responses created with store !== false, reachable by id from any connection (context tokens). */
  readonly stored = new Map<string, number>();
  readonly #handshakeFailures: HandshakeFailure[] = [];

  constructor(options: ModelServerOptions) {
    this.options = {
      apiKey: options.apiKey === undefined ? 'test-key' : options.apiKey,
      model: options.model ?? 'tandem-test-model',
      rate: options.rate ?? 1000,
      chunkTokens: options.chunkTokens ?? 1,
      connectionLifetimeMs: options.connectionLifetimeMs ?? 60 * 60 * 1000,
      maxQueuedPerConnection: options.maxQueuedPerConnection ?? 16,
      pauseMaxMs: options.pauseMaxMs ?? DEFAULT_PAUSE_MAX_MS,
    };
    this.stats = new ModelServerStats(options.maxRecords ?? 100_000);
    this.script = new Script(options.defaultTurn, options.failure);
  }

  /** True when the request carries the accepted key (or any key is accepted). */
  authorized(headers: IncomingHttpHeaders): boolean {
    if (this.options.apiKey === null) return true;
    return headers.authorization === `Bearer ${this.options.apiKey}`;
  }

  store(id: string, contextTokens: number): void {
    this.stored.set(id, contextTokens);
    if (this.stored.size > MAX_STORED_RESPONSES) {
      const oldest = this.stored.keys().next().value;
      if (oldest !== undefined) this.stored.delete(oldest);
    }
  }

  failHandshakes(failure: HandshakeFailure): void {
    this.#handshakeFailures.push({ ...failure, times: failure.times ?? 1 });
  }

  /** Consumes one injected handshake failure, if any is pending. */
  takeHandshakeFailure(): HandshakeFailure | null {
    const next = this.#handshakeFailures[0];
    if (!next) return null;
    next.times = (next.times ?? 1) - 1;
    if (next.times <= 0) this.#handshakeFailures.shift();
    return next;
  }
}

/** Headers worth recording, with credentials redacted. */
export function redactedHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = name === 'authorization' || name === 'api-key' ? text.replace(/^(Bearer\s+).*/i, '$1<redacted>') : text;
  }
  return out;
}

/** Reads a request body up to MAX_BODY_BYTES; rejects beyond it. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Destroys a socket once what was already written has left the process, so a "drop after
 * N tokens" delivers exactly N tokens and then cuts the connection without a goodbye.
 */
export function destroyAfterFlush(pending: () => number, destroy: () => void): void {
  const check = (): void => {
    if (pending() > 0) setImmediate(check);
    else destroy();
  };
  check();
}
