// The streaming skeleton both edit parsers share: feed chunks through a LineBuffer, number the
// complete lines, hand each to the parser's line handler, and stop for good after `end` or an
// error. A subclass implements only `line()` (one complete line) and `end()` (the stream ended
// cleanly with no error so far); it reports through `emit`, `fail` and `done`.

import { LineBuffer } from './lineBuffer.ts';

export interface ParseErrorEvent {
  type: 'error';
  line: number;
  message: string;
}

export abstract class LineParser<E> {
  private readonly buffer = new LineBuffer();
  private halted = false;
  private out: Array<E | ParseErrorEvent> = [];
  /** 1-based number of the line being handled (the last line read, once the stream ends). */
  protected lineNo = 0;

  /** Events made certain by this chunk. */
  push(chunk: string): Array<E | ParseErrorEvent> {
    if (this.halted) return [];
    let lines: string[];
    try {
      lines = this.buffer.push(chunk);
    } catch (e) {
      this.fail(this.lineNo + 1, (e as Error).message);
      return this.take();
    }
    for (const line of lines) {
      if (this.halted) break;
      this.lineNo++;
      this.line(line);
    }
    return this.take();
  }

  /** End of stream: handles a last line without LF, then `end()` unless the parser stopped. */
  finish(): Array<E | ParseErrorEvent> {
    if (this.halted) return [];
    const last = this.buffer.finish();
    if (last !== null) {
      this.lineNo++;
      this.line(last);
    }
    if (!this.halted) this.end();
    return this.take();
  }

  protected abstract line(line: string): void;
  protected abstract end(): void;

  protected emit(event: E): void {
    this.out.push(event);
  }

  /** Emits an error and ignores the rest of the input. */
  protected fail(line: number, message: string): void {
    this.out.push({ type: 'error', line, message });
    this.halted = true;
  }

  /** The input is complete (after the final event): ignore the rest. */
  protected done(): void {
    this.halted = true;
  }

  private take(): Array<E | ParseErrorEvent> {
    const events = this.out;
    this.out = [];
    return events;
  }
}
