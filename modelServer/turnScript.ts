// The queue of scripted outputs and the fallback when nothing is scripted.
import { missingMarkers } from './turnPauses.ts';
import type { Failure, ModelRequest, ScriptedTurn, Transport, TurnSource } from './modelServerTypes.ts';

const MAX_QUEUED_TURNS = 10_000;

/**
 * Collects every string found under text-bearing keys of a Responses input or chat messages
 * (legacy completions: of `prompt`, then `suffix`).
 */
export function extractInputText(body: Record<string, unknown>, fields: readonly string[] = ['input', 'messages']): string {
  const parts: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 8 || parts.length > 10_000) return;
    if (typeof value === 'string') {
      parts.push(value);
    } else if (Array.isArray(value)) {
      for (const v of value) visit(v, depth + 1);
    } else if (value && typeof value === 'object') {
      const o = value as Record<string, unknown>;
      for (const key of ['content', 'text', 'input', 'output']) {
        if (key in o) visit(o[key], depth + 1);
      }
    }
  };
  for (const field of fields) visit(body[field], 0);
  return parts.join('\n');
}

export function makeRequest(
  transport: Transport,
  body: Record<string, unknown>,
  connectionId: number | null,
): ModelRequest {
  return { transport, body, connectionId, inputText: extractInputText(body, transport === 'completions' ? ['prompt', 'suffix'] : undefined) };
}

/** Default output: a short echo of the last line of input. */
export function echoTurn(request: ModelRequest): ScriptedTurn {
  const lines = request.inputText.split('\n').filter((l) => l.trim() !== '');
  const last = (lines.at(-1) ?? '').slice(0, 200);
  return { text: `Echo: ${last}` };
}

export class Script {
  #queue: TurnSource[] = [];
  defaultTurn: TurnSource;
  globalFailure: Failure | null;

  constructor(defaultTurn: TurnSource | undefined, globalFailure: Failure | null | undefined) {
    this.defaultTurn = defaultTurn ?? echoTurn;
    this.globalFailure = globalFailure ?? null;
  }

  enqueue(turns: TurnSource[]): void {
    if (this.#queue.length + turns.length > MAX_QUEUED_TURNS) {
      throw new Error(`model server: more than ${MAX_QUEUED_TURNS} scripted turns queued`);
    }
    // A pause marker the output never contains would silently never pause: refuse it up front.
    for (const turn of turns) {
      const missing = typeof turn === 'function' ? [] : missingMarkers(turn);
      if (missing.length) throw new Error(`model server: pauseAt marker not in the turn's output: ${JSON.stringify(missing[0])}`);
    }
    this.#queue.push(...turns);
  }

  get pending(): number {
    return this.#queue.length;
  }

  clear(): void {
    this.#queue = [];
  }

  /**
   * The failure a `generate: false` warm-up meets: warm-ups never consume scripted turns,
   * but a global refusal (status, connection limit, cache miss) reaches them too.
   */
  warmupFailure(): Failure | undefined {
    const f = this.globalFailure;
    return f && (f.kind === 'http' || f.kind === 'connection_limit' || f.kind === 'previous_response_not_found') ? f : undefined;
  }

  /**
   * Takes the first queued turn this request may take (one without a condition, or whose
   * `whenInputIncludes` its input contains), or the default.
   */
  next(request: ModelRequest): ScriptedTurn {
    const at = this.#queue.findIndex((t) => typeof t === 'function' || t.whenInputIncludes === undefined || request.inputText.includes(t.whenInputIncludes));
    const source = at >= 0 ? this.#queue.splice(at, 1)[0] : this.defaultTurn;
    const turn = typeof source === 'function' ? source(request) : source;
    if (!turn.failure && this.globalFailure) return { ...turn, failure: this.globalFailure };
    return turn;
  }
}
