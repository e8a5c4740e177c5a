// A hunk's old lines as the model copied them and as the file has them, to write a line the
// model re-sends unchanged with the file's own bytes. The locator tolerates whitespace and
// punctuation (models copy imperfectly), so a line the model quotes with spaces where the file
// has tabs, or empty where the file has spaces, is still the file's line: it is context, not a
// change, and must not be rewritten. Lines are matched in order (a cursor that only moves
// forward, within a window), so a repeated line such as `}` maps to the next occurrence.
import type { PatchHunk } from '../../lib/edits/applyPatchParser.ts';

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

/** A matched range's lines, without the final LF's empty line. */
export function linesOf(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

/**
 * A whole apply_patch hunk's new side as the file has its lines: context lines, and added lines
 * that re-send a removed line unchanged, are the file's own (never rewritten). `matched` is the
 * located old side in the file; `kinds` each hunk line's kind in order. Without kinds, or when
 * the match is not line for line, the model's new lines as they are.
 */
export function newSideAsFile(hunk: PatchHunk, matched: string, kinds: readonly ('context' | 'remove' | 'add')[] | undefined): string[] {
  const fileLines = linesOf(matched);
  if (!kinds || fileLines.length !== hunk.oldLines.length || kinds.filter((k) => k !== 'add').length !== hunk.oldLines.length) return hunk.newLines;
  const removed = new UnchangedLines();
  const out: string[] = [];
  let k = 0;
  let n = 0;
  for (const kind of kinds) {
    if (kind === 'context') {
      out.push(fileLines[k++]);
      n++;
    } else if (kind === 'remove') {
      removed.addOld(hunk.oldLines[k], fileLines[k]);
      k++;
    } else out.push(removed.map(hunk.newLines[n++]));
  }
  return out;
}
