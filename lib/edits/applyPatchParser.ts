// Incremental parser for the apply_patch format (docs/MODEL-PROTOCOLS.md §3), fed the tool input as it
// streams. It commits only complete lines and emits each event as soon as it is certain.
//
// Public API
//   new ApplyPatchParser()
//   parser.push(chunk: string): PatchEvent[]   events made certain by this chunk
//   parser.finish(): PatchEvent[]              end of stream: flushes a last line without LF,
//                                              then `end` or an `error` for a truncated patch
//   parseApplyPatch(text: string): PatchEvent[]  whole input at once (same events)
//
// Event order: begin, then per file: fileStart, [move], (hunkStart, line*, hunkEnd)* or, for an
// added file, line* (all `add`), then fileEnd; finally end. After an `error` event the parser
// ignores the rest of the input; nothing after the error should be applied.
//
// A hunk's old side (context + removed lines) interleaves with its new side, so it is complete
// only at `hunkEnd` (next `@@`, next file op, `*** End of File`, `*** End Patch` or finish()).
// `hunkEnd` carries both sides, ready to locate; the `line` events before it let a consumer
// show progress or locate speculatively on the old prefix it has so far.
//
// Tolerated: a missing `*** End Patch` (end.explicit = false), `@@` with or without text,
// consecutive `@@` lines (nested context, outermost first), unified-diff style headers
// (`@@ -12,5 +12,6 @@ text` gives lineHint 12), a blank line inside a hunk or an added file
// (an empty line, kept only when more lines of that hunk follow), CRLF, blank lines and a ```
// fence around the patch. Anything else is an error naming the line.

import { LineParser } from './lineParser.ts';

export type FileOp = 'add' | 'update' | 'delete';
export type LineKind = 'context' | 'remove' | 'add';

export interface PatchHunk {
  /** `@@` texts, outermost first; empty when the hunk had a bare `@@` or none. */
  context: string[];
  /** Line number from a unified-diff style header, a hint only. */
  lineHint?: number;
  /** Context and removed lines, in order, without LF. */
  oldLines: string[];
  /** Context and added lines, in order, without LF. */
  newLines: string[];
  /** The hunk was closed by `*** End of File`: it must end at the end of the file. */
  eof: boolean;
}

export type PatchEvent =
  | { type: 'begin' }
  | { type: 'fileStart'; op: FileOp; path: string }
  | { type: 'move'; to: string }
  | { type: 'hunkStart'; context: string[]; lineHint?: number }
  | { type: 'line'; kind: LineKind; text: string }
  | { type: 'hunkEnd'; hunk: PatchHunk }
  | { type: 'fileEnd'; op: FileOp; path: string }
  | { type: 'end'; explicit: boolean }
  | { type: 'error'; line: number; message: string };

type State = 'start' | 'top' | 'add' | 'update' | 'delete';

interface OpenFile {
  op: FileOp;
  path: string;
  moved: boolean;
  hunks: number;
  lines: number;
}

const FILE_MARKERS: ReadonlyArray<[string, FileOp]> = [
  ['*** Add File:', 'add'],
  ['*** Update File:', 'update'],
  ['*** Delete File:', 'delete'],
];
const UNIFIED_HEADER = /^-(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@ ?(.*)$/;
const PREVIEW = 60;

export class ApplyPatchParser extends LineParser<PatchEvent> {
  private state: State = 'start';
  private file: OpenFile | null = null;
  /** `@@` texts collected for the hunk about to start. */
  private pendingContext: string[] | null = null;
  private pendingHint: number | undefined;
  private hunk: PatchHunk | null = null;
  /** Blank lines held until we know whether more lines of the hunk or file follow. */
  private blanks = 0;

  protected end(): void {
    if (this.state === 'start') {
      this.fail(this.lineNo, "truncated patch: no '*** Begin Patch'");
    } else if (this.file === null) {
      this.fail(this.lineNo, 'truncated patch: no file operation');
    } else if (this.pendingContext !== null && this.hunk === null) {
      this.fail(this.lineNo, 'truncated patch: hunk header without lines');
    } else if (this.closeFile()) {
      this.emit({ type: 'end', explicit: false });
      this.done();
    }
  }

  private unexpected(line: string, expected: string): void {
    const preview = line.length > PREVIEW ? `${line.slice(0, PREVIEW)}…` : line;
    this.fail(this.lineNo, `expected ${expected}, got ${JSON.stringify(preview)}`);
  }

  protected line(line: string): void {
    if (this.state === 'start') {
      const t = line.trim();
      if (t === '' || t.startsWith('```')) return;
      if (t === '*** Begin Patch') {
        this.emit({ type: 'begin' });
        this.state = 'top';
        return;
      }
      this.unexpected(line, "'*** Begin Patch'");
      return;
    }
    const marker = line.trimEnd();
    if (marker === '*** End Patch') {
      if (this.file === null) {
        this.fail(this.lineNo, 'patch has no file operation');
        return;
      }
      if (!this.closeFile()) return;
      this.emit({ type: 'end', explicit: true });
      this.done();
      return;
    }
    for (const [prefix, op] of FILE_MARKERS) {
      if (marker.startsWith(prefix)) {
        const path = marker.slice(prefix.length).trim();
        if (path === '') {
          this.fail(this.lineNo, `${prefix} without a path`);
          return;
        }
        if (!this.closeFile()) return;
        this.file = { op, path, moved: false, hunks: 0, lines: 0 };
        this.state = op;
        this.emit({ type: 'fileStart', op, path });
        return;
      }
    }
    switch (this.state) {
      case 'top':
      case 'delete':
        if (line.trim() === '') return;
        this.unexpected(line, this.state === 'top' ? 'a file operation' : "the next file operation or '*** End Patch'");
        return;
      case 'add':
        this.addLine(line);
        return;
      case 'update':
        this.updateLine(line, marker);
        return;
    }
  }

  private addLine(line: string): void {
    if (line === '') {
      this.blanks++;
      return;
    }
    if (!line.startsWith('+')) {
      this.unexpected(line, "an added line starting with '+'");
      return;
    }
    this.flushBlanks('add');
    this.emit({ type: 'line', kind: 'add', text: line.slice(1) });
    this.file!.lines++;
  }

  private updateLine(line: string, marker: string): void {
    const file = this.file!;
    if (marker.startsWith('*** Move to:')) {
      const to = marker.slice('*** Move to:'.length).trim();
      if (file.moved || file.hunks > 0 || this.hunk !== null || this.pendingContext !== null || to === '') {
        this.unexpected(line, "'*** Move to: <path>' right after '*** Update File:'");
        return;
      }
      file.moved = true;
      this.emit({ type: 'move', to });
      return;
    }
    if (marker === '*** End of File') {
      if (this.hunk === null) {
        this.unexpected(line, "hunk lines before '*** End of File'");
        return;
      }
      this.blanks = 0;
      this.hunk.eof = true;
      this.closeHunk();
      return;
    }
    if (line.startsWith('@@')) {
      this.closeHunk();
      if (this.pendingContext === null) this.pendingContext = [];
      const rest = line.slice(2);
      const unified = UNIFIED_HEADER.exec(rest.trim());
      if (unified) {
        this.pendingHint = Number(unified[1]);
        if (unified[2].trim() !== '') this.pendingContext.push(unified[2].trim());
      } else if (rest.trim() !== '') {
        this.pendingContext.push(rest.startsWith(' ') ? rest.slice(1).trimEnd() : rest.trimEnd());
      }
      return;
    }
    if (line === '') {
      this.blanks++;
      return;
    }
    const sign = line[0];
    const kind: LineKind | null = sign === ' ' ? 'context' : sign === '-' ? 'remove' : sign === '+' ? 'add' : null;
    if (kind === null) {
      this.unexpected(line, "a hunk line starting with ' ', '-', '+' or '@@'");
      return;
    }
    this.openHunk();
    this.flushBlanks('context');
    this.hunkLine(kind, line.slice(1));
  }

  private openHunk(): void {
    if (this.hunk !== null) return;
    const context = this.pendingContext ?? [];
    const lineHint = this.pendingHint;
    this.hunk = { context, oldLines: [], newLines: [], eof: false };
    if (lineHint !== undefined) this.hunk.lineHint = lineHint;
    this.pendingContext = null;
    this.pendingHint = undefined;
    this.emit(lineHint === undefined ? { type: 'hunkStart', context } : { type: 'hunkStart', context, lineHint });
  }

  private hunkLine(kind: LineKind, text: string): void {
    const hunk = this.hunk!;
    if (kind !== 'add') hunk.oldLines.push(text);
    if (kind !== 'remove') hunk.newLines.push(text);
    this.emit({ type: 'line', kind, text });
  }

  private flushBlanks(kind: 'add' | 'context'): void {
    for (; this.blanks > 0; this.blanks--) {
      if (kind === 'add') {
        this.emit({ type: 'line', kind: 'add', text: '' });
        this.file!.lines++;
      } else {
        this.hunkLine('context', '');
      }
    }
  }

  private closeHunk(): void {
    this.blanks = 0;
    if (this.hunk === null) return;
    const hunk = this.hunk;
    this.hunk = null;
    this.file!.hunks++;
    this.emit({ type: 'hunkEnd', hunk });
  }

  /** Closes the open file; false (after emitting an error) when an update changed nothing. */
  private closeFile(): boolean {
    const file = this.file;
    if (file === null) return true;
    this.closeHunk();
    if (file.op === 'update' && file.hunks === 0 && !file.moved) {
      this.fail(this.lineNo, `no changes for ${file.path}`);
      return false;
    }
    this.pendingContext = null;
    this.pendingHint = undefined;
    this.blanks = 0;
    this.file = null;
    this.emit({ type: 'fileEnd', op: file.op, path: file.path });
    return true;
  }
}

/** Parses a complete patch; the events equal those of any chunked feed of the same text. */
export function parseApplyPatch(text: string): PatchEvent[] {
  const parser = new ApplyPatchParser();
  return [...parser.push(text), ...parser.finish()];
}
