// Who wrote what, straight from the CRDT: every Yjs item carries the clientID that created it,
// and the document's `identities` map names each clientID (a person, or the AI with its run
// and model). Kept AI text stays attributed to the AI because its items never change author.
import type * as Y from 'yjs';
import { acceptedPredictionsOf, identitiesOf, type Identity } from '../schema.ts';
import { clientRuns, itemsIn } from './items.ts';

export interface Author {
  /** 'unknown' for a clientID with no identity (seeded text, a client that never said who it is). */
  kind: 'human' | 'ai' | 'unknown';
  name: string;
  color: string;
  runId?: string;
  model?: string;
  /** A person's text that they wrote by accepting this model's edit prediction. */
  predictedBy?: string;
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
  const predicted = predictedRanges(doc);
  const runs: PredictedRun[] = predicted.size > 0 ? predictedRuns(text, predicted) : clientRuns(text);
  for (const run of runs) {
    let author = cache.get(run.client) ?? authorOf(doc, run.client);
    cache.set(run.client, author);
    if (run.model && author.kind === 'human') author = { ...author, predictedBy: run.model, key: `${author.key}:predicted:${run.model}` };
    out.push({ start: run.start, end: run.end, client: run.client, author });
  }
  return out;
}

interface PredictedRange {
  from: number;
  to: number;
  model: string;
}

/** Per clientID, the clock ranges its person wrote by accepting predictions. */
function predictedRanges(doc: Y.Doc): Map<number, PredictedRange[]> {
  const out = new Map<number, PredictedRange[]>();
  for (const record of acceptedPredictionsOf(doc).values()) {
    if (!record || typeof record.client !== 'number' || typeof record.clock !== 'number' || typeof record.length !== 'number' || typeof record.model !== 'string') continue;
    const list = out.get(record.client) ?? [];
    list.push({ from: record.clock, to: record.clock + record.length, model: record.model.slice(0, 100) });
    out.set(record.client, list);
  }
  return out;
}

/** Like clientRuns, with the runs inside an accepted prediction split out and named by its model. */
interface PredictedRun {
  client: number;
  start: number;
  end: number;
  /** Set for text written by accepting this model's prediction. */
  model?: string;
}

function predictedRuns(text: Y.Text, predicted: Map<number, PredictedRange[]>): PredictedRun[] {
  const out: PredictedRun[] = [];
  const push = (client: number, start: number, end: number, model?: string) => {
    if (end <= start) return;
    const last = out.at(-1);
    if (last && last.client === client && last.end === start && last.model === model) last.end = end;
    else out.push({ client, start, end, ...(model ? { model } : {}) });
  };
  for (const item of itemsIn(text, 0, text.length)) {
    const ranges = predicted.get(item.client);
    if (!ranges) {
      push(item.client, item.start, item.end);
      continue;
    }
    // Walk the item's clocks, splitting where a predicted range begins or ends.
    let clock = item.clock;
    const endClock = item.clock + (item.end - item.start);
    while (clock < endClock) {
      const inside = ranges.find((r) => r.from <= clock && clock < r.to);
      const nextEdge = inside ? Math.min(inside.to, endClock) : Math.min(endClock, ...ranges.filter((r) => r.from > clock).map((r) => r.from));
      push(item.client, item.start + (clock - item.clock), item.start + (nextEdge - item.clock), inside?.model);
      clock = nextEdge;
    }
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
