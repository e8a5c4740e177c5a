// The part every provider session shares: the turn event stream (always ending in one
// `completed` or `error`), one turn at a time, and the retry policy — retries only before any
// output, for rate limits (honouring retry-after, capped), one server error, cache misses,
// connection limits and WebSocket transport failures (the subclass falls back).
import { log } from '../../log.ts';
import { cancelledError, providerError, stalledError } from './providerErrors.ts';
import { AttemptControl, Pipe, sleep } from './turnStream.ts';
import type { ModelSession, ProviderError, ProviderTarget, SessionOptions, TurnEvent, TurnOptions, TurnRequest, Usage } from './types.ts';

export type AttemptResult =
  | { kind: 'completed'; responseId: string; usage: Usage; chained?: boolean; transport?: 'websocket' | 'http' | 'chat' }
  | { kind: 'error'; error: ProviderError; outputStarted: boolean; transportFailure?: boolean; notFound?: boolean; reconnect?: boolean };

export interface Attempt {
  emit(event: TurnEvent): void;
}

const SERVER_ERROR_RETRY_MS = 500;

export abstract class TurnRunner implements ModelSession {
  abstract readonly kind: ModelSession['kind'];
  abstract readonly transport: ModelSession['transport'];
  readonly target: ProviderTarget;
  readonly stallMs: number;
  readonly rotateAfterMs: number;
  readonly maxRetryWaitMs: number;
  readonly rateLimitRetries: number;
  readonly connectTimeoutMs: number;
  #busy = false;

  constructor(target: ProviderTarget, options: SessionOptions) {
    this.target = target;
    this.stallMs = options.stallMs ?? 30_000;
    this.rotateAfterMs = options.rotateAfterMs ?? 55 * 60_000;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 20_000;
    this.rateLimitRetries = options.rateLimitRetries ?? 2;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  get model(): string {
    return this.target.model;
  }

  get label(): string {
    return this.target.label;
  }

  abstract warmUp(request: TurnRequest, options?: TurnOptions): Promise<ProviderError | null>;
  abstract resetHistory(): void;
  abstract close(): void;
  /** One upstream request; emits output events as they arrive. */
  protected abstract attempt(request: TurnRequest, state: { forceFull: boolean }, control: AttemptControl, emit: Attempt['emit'], sent: () => void): Promise<AttemptResult>;
  /** Switch transport after a failure before any event; false when there is nothing to switch to. */
  protected onTransportFailure(): boolean {
    return false;
  }
  protected onReconnect(): void {}

  async *turn(request: TurnRequest, options: TurnOptions = {}): AsyncIterable<TurnEvent> {
    if (this.#busy) {
      yield { type: 'error', error: providerError('busy', 'Another response is still running on this session.', { retryable: true }) };
      return;
    }
    this.#busy = true;
    const control = new AttemptControl(options.signal);
    const pipe = new Pipe<TurnEvent>();
    let finished = false;
    let told = false;
    const sent = () => {
      if (told) return;
      told = true;
      options.onSent?.();
    };
    const run = this.#run(request, control, (e) => pipe.push(e), sent)
      .catch((err: unknown): TurnEvent => {
        log.error('ai.provider.internal', err, { model: this.model });
        return { type: 'error', error: providerError('server_error', 'Internal error in the model connection.', { retryable: false }) };
      })
      .then((final) => {
        finished = true;
        pipe.push(final);
        pipe.end();
      });
    try {
      yield* pipe;
    } finally {
      // The consumer stopped iterating early: treat it as a cancel so the upstream closes.
      if (!finished) control.stop('cancelled');
      await run;
      control.dispose();
      this.#busy = false;
    }
  }

  async #run(request: TurnRequest, control: AttemptControl, emit: Attempt['emit'], sent: () => void): Promise<TurnEvent> {
    const state = { forceFull: false };
    const tries = { rate: 0, server: 0, notFound: 0, limit: 0, transport: 0 };
    for (;;) {
      const result = await this.attempt(request, state, control, emit, sent);
      if (result.kind === 'completed') {
        return { type: 'completed', responseId: result.responseId, usage: result.usage, transport: result.transport ?? this.transport, chained: result.chained ?? false };
      }
      if (control.reason) return { type: 'error', error: control.reason === 'stalled' ? stalledError(this.label, this.stallMs) : cancelledError() };
      const error = result.error;
      // Once output reached the caller it may have been applied: the caller rolls back, we never retry.
      if (result.outputStarted) return { type: 'error', error };
      if (result.transportFailure && tries.transport++ < 1 && this.onTransportFailure()) {
        log.warn('ai.provider.fallback', { model: this.model, to: this.transport });
        continue;
      }
      if (result.notFound && tries.notFound++ < 1) {
        state.forceFull = true;
        continue;
      }
      if (result.reconnect && tries.limit++ < 1) {
        this.onReconnect();
        continue;
      }
      if (error.code === 'rate_limited' && tries.rate < this.rateLimitRetries) {
        const wait = error.retryAfterMs ?? 1000 * 2 ** tries.rate;
        if (wait <= this.maxRetryWaitMs) {
          tries.rate++;
          if (!(await sleep(wait, control.signal))) return { type: 'error', error: cancelledError() };
          continue;
        }
      }
      if (error.code === 'server_error' && tries.server++ < 1) {
        if (!(await sleep(SERVER_ERROR_RETRY_MS, control.signal))) return { type: 'error', error: cancelledError() };
        continue;
      }
      return { type: 'error', error };
    }
  }
}
