// What a run reports of its edits: every hunk, applied or refused, as an entry of the run in the
// thread (RunRecord), and the outcome the model is told next turn: the hunks that were refused
// or rolled back, and why (null when all applied).
import type * as Y from 'yjs';
import type { AiHunkOp } from '../../lib/ai/aiRuns.ts';
import { normalisePath } from '../../lib/schema.ts';
import { authorOf } from '../../lib/review/authorship.ts';
import { ENDED_HUNK, type HunkFields, type RunRecord } from './RunRecord.ts';

/** Longest old or new side recorded for a refused hunk, in characters. */
const MAX_RECORDED_CHARS = 20_000;
/** Most outcome lines told to the model. */
const MAX_OUTCOME_LINES = 50;

export class EditReport {
  private readonly run: RunRecord;
  private readonly outcome: string[] = [];
  private hunks = 0;

  constructor(run: RunRecord) {
    this.run = run;
  }

  get runId(): string {
    return this.run.id;
  }

  get hunkCount(): number {
    return this.hunks;
  }

  /** What happened to this run's edits, for the model's next turn (null when all applied). */
  summary(): string | null {
    return this.outcome.length === 0 ? null : this.outcome.join('\n');
  }

  note(line: string): void {
    if (this.outcome.length < MAX_OUTCOME_LINES) this.outcome.push(line);
  }

  /** Records a new hunk of this run; returns its id and its entry. */
  add(file: string, op: AiHunkOp, fields: HunkFields): { id: string; map: Y.Map<unknown> } {
    this.hunks++;
    return this.run.addHunk(file, op, fields);
  }

  update(map: Y.Map<unknown>, fields: HunkFields): void {
    this.run.updateHunk(map, fields);
  }

  /** The workspace path `raw` names, or null: refused as not a valid path. */
  validPath(raw: string, op: AiHunkOp): string | null {
    const path = normalisePath(raw);
    if (path !== null) return path;
    this.refuse(raw.slice(0, 200), op, `not a valid workspace path: ${JSON.stringify(raw.slice(0, 200))}`);
    return null;
  }

  /** A hunk that is not applied at all, with why. */
  refuse(file: string, op: AiHunkOp, reason: string, oldText = '', newText = ''): void {
    this.add(file, op, { status: 'refused', reason, oldText: oldText.slice(0, MAX_RECORDED_CHARS), newText: newText.slice(0, MAX_RECORDED_CHARS) });
    this.note(`${file}: a change was NOT applied: ${reason}`);
  }

  /** A hunk written in part and then undone. */
  rolledBack(map: Y.Map<unknown>, file: string, reason: string, newText: string, quiet: boolean): void {
    this.update(map, { status: 'rolledBack', reason, start: null, end: null, newText, ...ENDED_HUNK });
    if (!quiet) this.note(`${file}: a change was rolled back (${reason})`);
  }

  /** A hunk refused because `client` (-1: unknown) changed the same text since the model read it. */
  conflict(map: Y.Map<unknown>, file: string, doc: Y.Doc, client: number, newText: string): void {
    const who = client >= 0 ? authorOf(doc, client) : null;
    const name = who && who.kind === 'human' ? who.name : 'Someone';
    const reason = `${name} changed this text while the AI was writing: the AI's change here was not applied, so that theirs stays`;
    this.update(map, { status: 'refused', reason, conflict: true, start: null, end: null, newText, items: null, ...ENDED_HUNK });
    this.note(`${file}: a change was NOT applied: ${reason} (read the file again before changing it)`);
  }

  /** The model's whole hunk in a conflict's entry, for people to compare with what they wrote. */
  completeConflict(map: Y.Map<unknown>, oldLines: string[], newLines: string[]): void {
    const text = (lines: string[]) => (lines.length ? `${lines.join('\n')}\n` : '');
    this.update(map, { oldText: text(oldLines).slice(0, MAX_RECORDED_CHARS), newText: text(newLines).slice(0, MAX_RECORDED_CHARS) });
  }
}
