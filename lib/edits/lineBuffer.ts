// Splits a stream of text chunks into complete lines. Both edit parsers commit only complete
// lines (a half-received line can still turn out to be a marker), so they share this buffer.

/** Longest line the parsers accept; a model that streams megabytes without a newline is broken. */
export const MAX_LINE_LENGTH = 1_000_000;

export class LineBuffer {
  private partial = '';
  private readonly maxLine: number;

  constructor(maxLine: number = MAX_LINE_LENGTH) {
    this.maxLine = maxLine;
  }

  /** Returns the lines completed by `chunk`, without their LF and with one trailing CR removed. */
  push(chunk: string): string[] {
    const lines: string[] = [];
    let from = 0;
    let nl = chunk.indexOf('\n');
    while (nl !== -1) {
      lines.push(stripCR(this.partial + chunk.slice(from, nl)));
      this.partial = '';
      from = nl + 1;
      nl = chunk.indexOf('\n', from);
    }
    this.partial += chunk.slice(from);
    if (this.partial.length > this.maxLine) throw new RangeError(`line longer than ${this.maxLine} characters`);
    return lines;
  }

  /** The final line when the stream did not end with LF, else null. */
  finish(): string | null {
    const rest = this.partial;
    this.partial = '';
    return rest.length > 0 ? stripCR(rest) : null;
  }
}

function stripCR(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
