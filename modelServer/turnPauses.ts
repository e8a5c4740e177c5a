// Deterministic pauses in a scripted turn: the stream stops at a chosen token and waits, socket
// open and silent like a slow model, until a test releases it (or a bound passes), so a test can
// act "while the AI is still writing" without racing the token rate.
import { tokenize } from './tokenPacing.ts';
import type { ScriptedTurn } from './modelServerTypes.ts';

/** How long a pause waits for a release before the turn resumes by itself. */
export const DEFAULT_PAUSE_MAX_MS = 60_000;
const MAX_PAUSES_PER_TURN = 64;

/** One turn waiting at a pause point, as the control stats list it. */
export interface PausedTurn {
  /** The scripted turn's `id`, or null when it has none. */
  turn: string | null;
  responseId: string;
  /** Output tokens sent before the pause. */
  afterTokens: number;
  /** Epoch ms when the pause began. */
  since: number;
}

export type PauseEnd = 'released' | 'timeout' | 'aborted';

/** The text a turn streams, in wire order: its message, then each tool call's input. */
export function turnOutputText(turn: ScriptedTurn): string[] {
  return [turn.text ?? '', ...(turn.toolCall ? [turn.toolCall.input] : []), ...(turn.toolCalls ?? []).map((c) => c.input)];
}

/** The `pauseAt` markers of a turn that its output does not contain (a script error). */
export function missingMarkers(turn: ScriptedTurn): string[] {
  const all = turnOutputText(turn).join('');
  return asList(turn.pauseAt).filter((m) => m === '' || !all.includes(m));
}

/**
 * Token counts at which a turn pauses, ascending and distinct: each `pauseAfterTokens` as given
 * (capped at the output's length), and for each `pauseAt` marker the token that completes its
 * first occurrence in the output. A marker not in the output is ignored here (missingMarkers
 * reports it when the turn is scripted).
 */
export function pausePoints(turn: ScriptedTurn): number[] {
  const counts = asList(turn.pauseAfterTokens);
  const markers = asList(turn.pauseAt);
  if (counts.length === 0 && markers.length === 0) return [];
  // Each item is tokenised on its own (as the routes stream it), so ends line up with the wire.
  const tokens = turnOutputText(turn).flatMap((t) => tokenize(t));
  const ends: number[] = [];
  let end = 0;
  for (const t of tokens) ends.push((end += t.length));
  const all = turnOutputText(turn).join('');
  const points = counts.map((n) => Math.min(Math.max(0, Math.floor(n)), tokens.length));
  for (const marker of markers) {
    const at = marker === '' ? -1 : all.indexOf(marker);
    if (at < 0) continue;
    const stop = at + marker.length;
    points.push(ends.findIndex((e) => e >= stop) + 1);
  }
  return [...new Set(points)].sort((a, b) => a - b).slice(0, MAX_PAUSES_PER_TURN);
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

interface Waiter extends PausedTurn {
  end(how: PauseEnd): void;
}

/** Every turn currently paused on this server; releases them by turn id, response id or all. */
export class PauseBoard {
  #waiting = new Set<Waiter>();
  /** Pauses reached, released by a test, and ended by their bound (each since the last reset). */
  reached = 0;
  released = 0;
  timedOut = 0;

  /** Waits at a pause point until released, `maxMs` passes or the client goes away. */
  wait(info: Omit<PausedTurn, 'since'>, maxMs: number, signal: AbortSignal): Promise<PauseEnd> {
    if (signal.aborted) return Promise.resolve('aborted');
    this.reached++;
    return new Promise<PauseEnd>((resolve) => {
      const onAbort = () => waiter.end('aborted');
      const timer = setTimeout(() => waiter.end('timeout'), Math.max(0, maxMs));
      const waiter: Waiter = {
        ...info,
        since: Date.now(),
        end: (how) => {
          if (!this.#waiting.delete(waiter)) return;
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          if (how === 'released') this.released++;
          if (how === 'timeout') this.timedOut++;
          resolve(how);
        },
      };
      this.#waiting.add(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Releases the paused turns whose scripted id or response id is `id` (all when omitted); returns how many. */
  release(id?: string): number {
    let count = 0;
    for (const w of [...this.#waiting]) {
      if (id === undefined || w.turn === id || w.responseId === id) {
        w.end('released');
        count++;
      }
    }
    return count;
  }

  list(): PausedTurn[] {
    return [...this.#waiting].map(({ turn, responseId, afterTokens, since }) => ({ turn, responseId, afterTokens, since }));
  }

  /** Lets every paused turn go on and zeroes the counters (between tests). */
  reset(): void {
    this.release();
    this.reached = 0;
    this.released = 0;
    this.timedOut = 0;
  }
}

/** The pause points of one running turn, passed in order as its tokens go out. */
export class TurnPauses {
  readonly points: number[];
  #next = 0;
  readonly #board: PauseBoard;
  readonly #info: Omit<PausedTurn, 'since' | 'afterTokens'>;
  readonly #maxMs: number;
  readonly #signal: AbortSignal;
  readonly #delay: { ms: number };

  /** `delay` is the pacing schedule's offset: a pause pushes it back so output resumes at its rate. */
  constructor(board: PauseBoard, turn: ScriptedTurn, responseId: string, defaultMaxMs: number, signal: AbortSignal, delay: { ms: number }) {
    this.points = pausePoints(turn);
    this.#board = board;
    this.#info = { turn: turn.id ?? null, responseId };
    this.#maxMs = turn.pauseMaxMs ?? defaultMaxMs;
    this.#signal = signal;
    this.#delay = delay;
  }

  /** Waits at every point not yet passed that `sent` has reached; false when the client went away. */
  async reached(sent: number): Promise<boolean> {
    while (this.#next < this.points.length && this.points[this.#next]! <= sent) {
      const afterTokens = this.points[this.#next++]!;
      const began = performance.now();
      const end = await this.#board.wait({ ...this.#info, afterTokens }, this.#maxMs, this.#signal);
      this.#delay.ms += performance.now() - began;
      if (end === 'aborted') return false;
    }
    return !this.#signal.aborted;
  }
}
