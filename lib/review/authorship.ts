// Who wrote what, straight from the CRDT: every Yjs item carries the clientID that created it,
// and the document's `identities` map names each clientID (a person, or the AI with its run
// and model). Kept AI text stays attributed to the AI because its items never change author.
import type * as Y from 'yjs';
import { identitiesOf, type Identity } from '../schema.ts';
import { clientRuns } from './items.ts';

export interface Author {
  /** 'unknown' for a clientID with no identity (seeded text, a client that never said who it is). */
  kind: 'human' | 'ai' | 'unknown';
  name: string;
  color: string;
  runId?: string;
  model?: string;
  /** Same person or run across several clientIDs (reloads): compare authors by this. */
  key: string;
}

const UNKNOWN_COLOR = '#94a3b8';

export function authorOf(doc: Y.Doc, client: number): Author {
  return authorFromIdentity(identitiesOf(doc).get(String(client)), client);
}

export function authorFromIdentity(identity: Identity | undefined, client: number): Author {
  if (!identity || typeof identity !== 'object' || typeof identity.name !== 'string') {
    return { kind: 'unknown', name: 'unknown', color: UNKNOWN_COLOR, key: `c${client}` };
  }
  if (identity.kind === 'ai') {
    return {
      kind: 'ai', name: identity.name, color: identity.color, key: `ai:${identity.runId ?? client}`,
      ...(identity.runId ? { runId: identity.runId } : {}), ...(identity.model ? { model: identity.model } : {}),
    };
  }
  return { kind: 'human', name: identity.name, color: identity.color, key: `h:${identity.name}:${identity.color}` };
}

export interface AuthorSpan {
  start: number;
  end: number;
  client: number;
  author: Author;
}

/** Runs of visible characters by author, in order, covering the whole text. */
export function authorship(doc: Y.Doc, text: Y.Text): AuthorSpan[] {
  const cache = new Map<number, Author>();
  const out: AuthorSpan[] = [];
  for (const run of clientRuns(text)) {
    let author = cache.get(run.client);
    if (!author) cache.set(run.client, (author = authorOf(doc, run.client)));
    out.push({ start: run.start, end: run.end, client: run.client, author });
  }
  return out;
}

export interface LineAuthorship {
  /** 1-based line number. */
  line: number;
  /** Distinct authors of the line's characters (its newline excluded unless the line is empty), by first appearance. */
  authors: Author[];
}

/** Who wrote each line: one author for most lines, all of them for a mixed line. */
export function lineAuthorship(doc: Y.Doc, text: Y.Text): LineAuthorship[] {
  const content = text.toString();
  const spans = authorship(doc, text);
  const lines: LineAuthorship[] = [];
  let si = 0;
  let lineStart = 0;
  for (let line = 1; lineStart <= content.length; line++) {
    const nl = content.indexOf('\n', lineStart);
    const lineEnd = nl === -1 ? content.length : nl;
    // An empty line is attributed to whoever wrote its newline.
    const from = lineStart;
    const to = lineEnd > lineStart ? lineEnd : Math.min(content.length, lineEnd + 1);
    const authors: Author[] = [];
    while (si < spans.length && spans[si].end <= from) si++;
    for (let k = si; k < spans.length && spans[k].start < to; k++) {
      const a = spans[k].author;
      if (!authors.some((x) => x.key === a.key)) authors.push(a);
    }
    lines.push({ line, authors });
    if (nl === -1) break;
    lineStart = nl + 1;
  }
  return lines;
}
