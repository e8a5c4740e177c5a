// In-memory, bounded record of what the model server saw and sent, for assertions and benchmarks.
import type { AbortRecord, RecordedRequest, TokenRecord } from './modelServerTypes.ts';

/** Keeps the newest `limit` entries; counts what it dropped. */
export class BoundedLog<T> {
  readonly limit: number;
  dropped = 0;
  #items: T[] = [];

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
  }

  push(item: T): void {
    this.#items.push(item);
    // Trim in batches so a long benchmark does not pay an O(n) shift per token.
    if (this.#items.length > this.limit + Math.ceil(this.limit / 8)) {
      const excess = this.#items.length - this.limit;
      this.#items.splice(0, excess);
      this.dropped += excess;
    }
  }

  /** Snapshot, oldest first, at most `limit` entries. */
  all(): T[] {
    const extra = this.#items.length - this.limit;
    return extra > 0 ? this.#items.slice(extra) : this.#items.slice();
  }

  get length(): number {
    return Math.min(this.#items.length, this.limit);
  }

  clear(): void {
    this.#items = [];
    this.dropped = 0;
  }
}

/** Epoch milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export class ModelServerStats {
  /** Successful WebSocket upgrades on /v1/responses. */
  wsHandshakes = 0;
  /** Upgrades refused (bad key, injected failure, wrong path). */
  wsRejected = 0;
  /** WebSocket connections currently open. */
  wsOpen = 0;
  /** HTTP requests per route, e.g. 'POST /v1/responses'. Upgrades are not counted here. */
  readonly http = new Map<string, number>();
  /** Every parsed request body (WebSocket frames and HTTP bodies). */
  readonly requests: BoundedLog<RecordedRequest>;
  /** One entry per delta event carrying output tokens. */
  readonly tokens: BoundedLog<TokenRecord>;
  /** Upgrade requests on /v1/responses (accepted or not), authorization redacted. */
  readonly handshakes: BoundedLog<{ at: number; url: string; status: number; headers: Record<string, string> }>;
  /** Responses that reached a terminal event, by status. */
  readonly responses = new Map<string, number>();
  /** Streamed answers the client closed the connection on before their end (legacy completions). */
  readonly aborted: BoundedLog<AbortRecord>;
  /** Steering input accepted over the WebSocket (`response.steer`). */
  readonly steers: BoundedLog<{ id: string; responseId: string; input: unknown; at: number }>;

  constructor(maxRecords: number) {
    this.requests = new BoundedLog(maxRecords);
    this.tokens = new BoundedLog(maxRecords);
    this.handshakes = new BoundedLog(Math.min(maxRecords, 10_000));
    this.aborted = new BoundedLog(Math.min(maxRecords, 10_000));
    this.steers = new BoundedLog(Math.min(maxRecords, 10_000));
  }

  countHttp(route: string): void {
    this.http.set(route, (this.http.get(route) ?? 0) + 1);
  }

  countResponse(status: string): void {
    this.responses.set(status, (this.responses.get(status) ?? 0) + 1);
  }

  httpCount(route: string): number {
    return this.http.get(route) ?? 0;
  }

  /** Request bodies of one transport, oldest first. */
  bodies(transport?: RecordedRequest['transport']): unknown[] {
    return this.requests.all().filter((r) => !transport || r.transport === transport).map((r) => r.body);
  }

  reset(): void {
    this.wsHandshakes = 0;
    this.wsRejected = 0;
    this.http.clear();
    this.requests.clear();
    this.tokens.clear();
    this.handshakes.clear();
    this.responses.clear();
    this.aborted.clear();
    this.steers.clear();
  }
}
