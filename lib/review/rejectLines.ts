// Where a reject must add line breaks so that a person's text keeps its own line.
//
// Removing a hunk's AI items also removes the AI's newlines, which can glue text a person typed
// on an AI line to the restored or old text of another line (a comment typed at the end of an
// AI line would comment out the restored code after it). The rule:
//
//   After a reject, a person's non-blank text shares a line only with text from the line it
//   was on before the reject: that line's surviving old characters, the old text restored at
//   tombstones on that line (only when some of the line's old characters survive, i.e. the AI
//   edited that line rather than writing it), and other person text typed on it.
//
// Wherever the reject would break this, one fresh newline (attributed to the reviewer) goes at
// the boundary: after the person's line's trailing blanks, before the next line's indentation.
// Text that only whitespace separates is not split, and no separator ever creates an empty line.
//
// "Person text" = characters typed after the hunk began: by a client the hunk's record did not
// see on the lines it touched, or with a clock past the one recorded (lib/review/record.ts).
import type * as Y from 'yjs';
import type { AiHunkItems } from '../ai/aiRuns.ts';
import type { Span } from './hunks.ts';

export interface RejectLines {
  /** The text the reject leaves (AI spans removed, old text restored), before any separator. */
  result: string;
  /** Offsets in `result` where a newline goes, ascending. */
  separators: number[];
}

type Kind = 'old' | 'person' | 'restored';

interface Piece {
  text: string;
  line: number;
  kind: Kind;
}

interface Group {
  key: number;
  line: number;
  start: number;
  solid: boolean;
  person: boolean;
}

const BLANK = /^\s*$/;

/** One visible item's text as pieces: removed spans dropped, cut at newlines and where the person's typing begins. */
function pushVisible(out: Piece[], str: string, offset: number, clock: number, removed: readonly Span[], lineOf: (s: string) => number, personFrom: number): void {
  let i = 0;
  let cut = 0;
  while (i < str.length) {
    const at = offset + i;
    while (cut < removed.length && removed[cut].end <= at) cut++;
    const r = removed[cut];
    if (r && r.start <= at) {
      const skip = Math.min(str.length, r.end - offset) - i;
      lineOf(str.slice(i, i + skip));
      i += skip;
      continue;
    }
    let j = r ? Math.min(str.length, r.start - offset) : str.length;
    const c = clock + i;
    if (c < personFrom && clock + j > personFrom) j = personFrom - clock;
    const nl = str.indexOf('\n', i);
    if (nl !== -1 && nl < j) j = nl + 1;
    const piece = str.slice(i, j);
    out.push({ text: piece, line: lineOf(''), kind: c >= personFrom ? 'person' : 'old' });
    lineOf(piece);
    i = j;
  }
}

/**
 * Lays out what rejecting a hunk leaves in `text` and where separators go. `removed` are the AI
 * spans the reject deletes (sorted offsets), `items` the hunk's record; `oldClients` are clients
 * whose characters never count as a person's (a reviewer's own earlier restores).
 */
export function rejectLines(text: Y.Text, removed: readonly Span[], items: AiHunkItems | null, aiClients: ReadonlySet<number>, oldClients: ReadonlySet<number> = new Set()): RejectLines {
  const before = new Map<number, number>(items?.before ?? []);
  const anchors = new Map<number, [clock: number, str: string][]>();
  for (const [client, clock, str] of items?.removed ?? []) {
    (anchors.get(client) ?? anchors.set(client, []).get(client)!).push([clock, str]);
  }
  const pieces: Piece[] = [];
  let line = 0;
  let offset = 0;
  const lineOf = (s: string): number => {
    for (let k = s.indexOf('\n'); k !== -1; k = s.indexOf('\n', k + 1)) line++;
    return line;
  };
  const placed = new Set<[number, string]>();
  for (let item = text._start; item; item = item.right) {
    const { client, clock } = item.id;
    const mine = anchors.get(client);
    if (mine) {
      // Restored text goes where its tombstone is (Y.Text inserts it before the next visible
      // character; in item order that is the same place relative to everything kept).
      for (const a of mine) {
        if (a[0] >= clock && a[0] < clock + item.length && !placed.has(a)) {
          placed.add(a);
          pieces.push({ text: a[1], line, kind: 'restored' });
        }
      }
    }
    if (item.deleted || !item.countable) continue;
    const str = (item.content as { str?: string }).str ?? ' '.repeat(item.length);
    const personFrom = aiClients.has(client) || oldClients.has(client) ? Infinity : (before.get(client) ?? 0);
    pushVisible(pieces, str, offset, clock, removed, lineOf, personFrom);
    offset += item.length;
  }
  for (const list of anchors.values()) for (const a of list) if (!placed.has(a)) pieces.push({ text: a[1], line, kind: 'restored' });

  // Lines whose old text survives in part: restored text there belongs to that line.
  const edited = new Set<number>();
  for (const p of pieces) if (p.kind === 'old' && !BLANK.test(p.text)) edited.add(p.line);

  const separators: number[] = [];
  let groups: Group[] = [];
  let pos = 0;
  const endLine = (): void => {
    const solid = groups.filter((g) => g.solid);
    for (let k = 1; k < solid.length; k++) {
      const a = solid[k - 1];
      const b = solid[k];
      if (!a.person && !b.person) continue;
      // The break goes before b's line's leading blanks, after a's trailing ones.
      let at = groups.indexOf(b);
      const first = groups.indexOf(a) + 1;
      while (at - 1 >= first && groups[at - 1].line === b.line) at--;
      separators.push(groups[at].start);
    }
    groups = [];
  };
  const add = (s: string, p: Piece, key: number): void => {
    const last = groups.at(-1);
    const g = last && last.key === key ? last : (groups.push({ key, line: p.line, start: pos, solid: false, person: false }), groups.at(-1)!);
    if (!BLANK.test(s)) {
      g.solid = true;
      if (p.kind === 'person') g.person = true;
    }
    pos += s.length;
  };
  for (const p of pieces) {
    const key = p.kind === 'restored' && !edited.has(p.line) ? p.line * 2 + 1 : p.line * 2;
    let i = 0;
    while (i < p.text.length) {
      const nl = p.text.indexOf('\n', i);
      const j = nl === -1 ? p.text.length : nl + 1;
      add(p.text.slice(i, j), p, key);
      if (nl !== -1) endLine();
      i = j;
    }
  }
  endLine();
  separators.sort((x, y) => x - y);
  return { result: pieces.map((p) => p.text).join(''), separators: [...new Set(separators)] };
}
