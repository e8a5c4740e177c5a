// Incremental parser for SEARCH/REPLACE blocks (Aider's `diff` format) in a model's plain-text
// answer. It commits only complete lines and emits each event as soon as it is certain.
//
// Public API
//   new SearchReplaceParser()
//   parser.push(chunk: string): SearchReplaceEvent[]
//   parser.finish(): SearchReplaceEvent[]    flushes a last line without LF; `end`, or an
//                                            `error` when the stream stops inside a block
//   parseSearchReplace(text: string): SearchReplaceEvent[]   whole input (same events)
//
// A block is
//     path/to/file.ts            (optionally `path`, **path**, path:, inside or before a ``` fence)
//     ```ts
//     <<<<<<< SEARCH
//     old lines
//     =======
//     new lines
//     >>>>>>> REPLACE
//     ```
// Events per block: blockStart, searchLine*, searchEnd (the old side is complete: locate now),
// replaceLine* (the new side streams), blockEnd. An empty SEARCH means "create the file, or
// append to it". A block without a path line reuses the previous block's path. Lines outside
// blocks are `text` events (the explanation); a line that may turn out to be the next block's
// path or fence is held until the next non-blank line decides it. After an `error` the parser
// ignores the rest of the input.

import { LineParser } from './lineParser.ts';

export type SearchReplaceEvent =
  | { type: 'text'; text: string }
  | { type: 'blockStart'; path: string }
  | { type: 'searchLine'; text: string }
  | { type: 'searchEnd'; oldLines: string[] }
  | { type: 'replaceLine'; text: string }
  | { type: 'blockEnd'; path: string; oldLines: string[]; newLines: string[] }
  | { type: 'end' }
  | { type: 'error'; line: number; message: string };

const SEARCH = /^\s*<{5,9} ?SEARCH\s*$/;
const DIVIDER = /^\s*={5,9}\s*$/;
const REPLACE = /^\s*>{5,9} ?REPLACE\s*$/;
const FENCE = /^\s*(```|~~~)/;

type State = 'prose' | 'search' | 'replace';

export class SearchReplaceParser extends LineParser<SearchReplaceEvent> {
  private state: State = 'prose';
  /** Prose lines that may still be the next block's path/fence preamble. */
  private held: string[] = [];
  /** The last block sat inside a fence whose closing line is not prose. */
  private openFence = false;
  private lastPath: string | null = null;
  private path = '';
  private oldLines: string[] = [];
  private newLines: string[] = [];

  protected end(): void {
    if (this.state === 'prose') {
      this.flushHeld();
      this.emit({ type: 'end' });
      this.done();
    } else {
      this.fail(this.lineNo, `truncated block for ${this.path}: no '>>>>>>> REPLACE'`);
    }
  }

  protected line(line: string): void {
    switch (this.state) {
      case 'prose':
        this.proseLine(line);
        return;
      case 'search':
        if (DIVIDER.test(line)) {
          this.emit({ type: 'searchEnd', oldLines: this.oldLines.slice() });
          this.state = 'replace';
        } else if (SEARCH.test(line) || REPLACE.test(line)) {
          this.fail(this.lineNo, "expected '=======' before the next marker");
        } else {
          this.oldLines.push(line);
          this.emit({ type: 'searchLine', text: line });
        }
        return;
      case 'replace':
        if (REPLACE.test(line)) {
          this.emit({ type: 'blockEnd', path: this.path, oldLines: this.oldLines, newLines: this.newLines });
          this.oldLines = [];
          this.newLines = [];
          this.state = 'prose';
        } else if (SEARCH.test(line)) {
          this.fail(this.lineNo, "expected '>>>>>>> REPLACE' before the next block");
        } else {
          this.newLines.push(line);
          this.emit({ type: 'replaceLine', text: line });
        }
        return;
    }
  }

  private proseLine(line: string): void {
    if (SEARCH.test(line)) {
      this.startBlock();
      return;
    }
    if (DIVIDER.test(line) || REPLACE.test(line)) {
      this.fail(this.lineNo, "'=======' or '>>>>>>> REPLACE' outside a block");
      return;
    }
    if (FENCE.test(line) && this.openFence && line.trim().replace(/^(```|~~~)/, '') === '') {
      // Closing fence of the previous block: neither prose nor a preamble.
      this.openFence = false;
      this.flushHeld();
      return;
    }
    if (line.trim() === '' || FENCE.test(line)) {
      this.held.push(line);
      return;
    }
    this.flushHeld();
    this.held.push(line);
  }

  private startBlock(): void {
    // Walk back over the held preamble: [path] [blank*] [fence] [blank*].
    let i = this.held.length - 1;
    while (i >= 0 && this.held[i].trim() === '') i--;
    let fenced = this.openFence;
    let fencePath: string | null = null;
    if (i >= 0 && FENCE.test(this.held[i])) {
      fenced = true;
      fencePath = pathFromFence(this.held[i]);
      i--;
      while (i >= 0 && this.held[i].trim() === '') i--;
    }
    let path: string | null = null;
    let cut = i + 1;
    if (i >= 0) {
      const candidate = cleanPath(this.held[i]);
      if (candidate !== null) {
        path = candidate;
        cut = i;
      }
    }
    path ??= fencePath ?? this.lastPath;
    if (path === null) {
      this.fail(this.lineNo, 'SEARCH block without a file path on the line before it');
      return;
    }
    for (const text of this.held.slice(0, cut)) this.emit({ type: 'text', text });
    this.held = [];
    this.openFence = fenced;
    this.lastPath = path;
    this.path = path;
    this.state = 'search';
    this.emit({ type: 'blockStart', path });
  }

  private flushHeld(): void {
    for (const text of this.held) this.emit({ type: 'text', text });
    this.held = [];
  }
}

const BARE_NAMES = /^(?:[A-Z][a-z]*file|LICENSE|README|CHANGELOG|CODEOWNERS)$/;

/** The path named by a preamble line, or null when the line reads like prose. */
function cleanPath(line: string): string | null {
  let s = line.trim();
  s = s.replace(/^#+\s*/, '').replace(/^(?:file(?:name)?|path)\s*:\s*/i, '');
  s = s.replace(/^[*_`'"]+/, '').replace(/[*_`'"]+$/, '').replace(/:$/, '').trim();
  s = s.replace(/^[*_`'"]+/, '').replace(/[*_`'"]+$/, '');
  // Paths with spaces are rare; prose lines almost always have them.
  if (s === '' || s.length > 512 || /\s/.test(s)) return null;
  if (/[./]/.test(s) && !/[.,;!?]$/.test(s)) return s;
  return BARE_NAMES.test(s) ? s : null;
}

/** ```ts path/to/file.ts or ```path/to/file.ts: a fence that names the file. */
function pathFromFence(line: string): string | null {
  const info = line.trim().replace(/^(```|~~~)/, '').trim();
  const words = info.split(/\s+/).filter(Boolean);
  const last = words.at(-1);
  if (last === undefined || !/[./]/.test(last)) return null;
  return cleanPath(last.replace(/^[a-z0-9+#-]+:/i, ''));
}

/** Parses a complete answer; the events equal those of any chunked feed of the same text. */
export function parseSearchReplace(text: string): SearchReplaceEvent[] {
  const parser = new SearchReplaceParser();
  return [...parser.push(text), ...parser.finish()];
}
