// A hunk's old lines as the model copied them and as the file has them, to write a line the
// model re-sends unchanged with the file's own bytes. The locator tolerates whitespace and
// punctuation (models copy imperfectly), so a line the model quotes with spaces where the file
// has tabs, or empty where the file has spaces, is still the file's line: it is context, not a
// change, and must not be rewritten. Lines are matched in order (a cursor that only moves
// forward, within a window), so a repeated line such as `}` maps to the next occurrence.
const WINDOW = 64;

export class UnchangedLines {
  private readonly model: string[] = [];
  private readonly file: string[] = [];
  private cursor = 0;
  private differs = false;

  /** One old line: the model's copy and the file's line (both without LF). */
  addOld(model: string, file: string): void {
    this.model.push(model);
    this.file.push(file);
    if (model !== file) this.differs = true;
  }

  /** The line to write for a new line the model sent: the file's when it is an old line. */
  map(line: string): string {
    if (!this.differs) return line;
    const limit = Math.min(this.model.length, this.cursor + WINDOW);
    for (let j = this.cursor; j < limit; j++) {
      if (this.model[j] === line) {
        this.cursor = j + 1;
        return this.file[j];
      }
    }
    return line;
  }
}
