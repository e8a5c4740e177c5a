// Builds the text the model reads for one request: the instruction, the active file in full,
// the selection and cursor, the list of files, other files' contents while the token budget
// allows (about 4 characters per token), and what people changed since the AI's last turn:
// as a unified diff against the text the model last read when that is smaller, the whole file
// when the model has not read it (new file, left out for budget) or the diff is not smaller.
// The diff is relative to the conversation's own history, which the provider keeps and resends
// whole when a chain is lost (cache miss, HTTP), so it stays valid on every transport; when
// the history is dropped, lastSeen is null and everything is sent again.
// Whatever is left out is said explicitly, both to the model and in the thread.
import type { AiSelection } from '../../lib/ai/aiRuns.ts';
import { unifiedDiff } from './unifiedDiff.ts';

export const CHARS_PER_TOKEN = 4;

export interface ContextInput {
  prompt: string;
  files: Record<string, string>;
  activeFile: string | null;
  selection: AiSelection | null;
  budgetTokens: number;
  /** File contents as of the AI's previous turn in this conversation, or null on the first. */
  lastSeen: Map<string, string> | null;
  /** Files in lastSeen whose text the model has not read in full (left out for budget). */
  unseen?: ReadonlySet<string>;
  /** What happened to the previous run's edits (refusals, rollbacks), for the model to fix. */
  previousOutcome: string | null;
  requestedBy: string;
  /** A warm-up: the workspace only, the request follows in the next turn. */
  warmUp?: boolean;
}

export interface BuiltContext {
  text: string;
  /** Human summary of what was left out, or null. */
  truncated: string | null;
  approxTokens: number;
  /** Files the model has still not read in full after this request (for the next one's unseen). */
  unseen: Set<string>;
}

function fence(path: string, content: string): string {
  return `--- ${path} (${content.split('\n').length} lines)\n${content}${content.endsWith('\n') || content === '' ? '' : '\n'}--- end of ${path}\n`;
}

function diffBlock(path: string, diff: string): string {
  return `--- ${path} (changes since your last turn, unified diff of the text you last read)\n${diff}--- end of ${path} changes\n`;
}

function describeSelection(content: string, sel: AiSelection): string {
  const lines = content.split('\n');
  const picked: string[] = [];
  for (let l = sel.startLine; l <= Math.min(sel.endLine, lines.length); l++) {
    const line = lines[l - 1] ?? '';
    const from = l === sel.startLine ? sel.startColumn - 1 : 0;
    const to = l === sel.endLine ? sel.endColumn - 1 : line.length;
    picked.push(line.slice(from, to));
  }
  const text = picked.join('\n');
  if (sel.startLine === sel.endLine && sel.startColumn === sel.endColumn) {
    return `The cursor is at line ${sel.startLine}, column ${sel.startColumn}.`;
  }
  return `Selection: line ${sel.startLine} col ${sel.startColumn} to line ${sel.endLine} col ${sel.endColumn}:\n${text.slice(0, 20_000)}`;
}

export function buildContext(input: ContextInput): BuiltContext {
  const budget = input.budgetTokens * CHARS_PER_TOKEN;
  const parts: string[] = [];
  const left: string[] = [];
  let used = 0;
  const paths = Object.keys(input.files).sort();
  const firstTurn = input.lastSeen === null;

  if (input.previousOutcome) parts.push(`Result of your previous edit:\n${input.previousOutcome}\n`);

  const unseen = new Set(firstTurn ? [] : [...(input.unseen ?? [])].filter((p) => p in input.files));
  // Files people changed since the last turn come first on follow-ups: that is what is new.
  if (!firstTurn) {
    const changed: string[] = [];
    const deleted: string[] = [];
    for (const p of paths) if (input.lastSeen!.get(p) !== input.files[p]) changed.push(p);
    for (const p of input.lastSeen!.keys()) if (!(p in input.files)) deleted.push(p);
    if (changed.length + deleted.length === 0) {
      parts.push('No file changed since your last turn.\n');
    } else {
      const blocks: string[] = [];
      const listed: string[] = [];
      for (const p of changed) {
        const full = fence(p, input.files[p]);
        const before = input.lastSeen!.get(p);
        let block = full;
        let how = before === undefined ? 'new, full text' : 'full text';
        if (before !== undefined && !unseen.has(p)) {
          const diff = diffBlock(p, unifiedDiff(before, input.files[p]));
          if (diff.length < full.length) {
            block = diff;
            how = 'diff';
          }
        }
        if (used + block.length > budget && p !== input.activeFile) {
          left.push(p);
          unseen.add(p);
          listed.push(`${p} (not shown)`);
          continue;
        }
        blocks.push(block);
        listed.push(`${p} (${how})`);
        used += block.length;
        unseen.delete(p);
      }
      parts.push(`Files changed by people since your last turn: ${[...listed, ...deleted.map((d) => `${d} (deleted)`)].join(', ')}\n`, ...blocks);
    }
  } else {
    parts.push(`Workspace files (${paths.length}):\n${paths.slice(0, 5000).join('\n')}${paths.length > 5000 ? `\n… and ${paths.length - 5000} more` : ''}\n`);
    used += parts.at(-1)!.length;
    if (input.activeFile !== null && input.activeFile in input.files) {
      let content = input.files[input.activeFile];
      if (content.length > budget) {
        content = content.slice(0, budget);
        left.push(`the end of ${input.activeFile} (after ${budget} characters)`);
        unseen.add(input.activeFile);
      }
      parts.push(`Active file:\n${fence(input.activeFile, content)}`);
      used += content.length;
    }
    for (const p of paths) {
      if (p === input.activeFile) continue;
      const block = fence(p, input.files[p]);
      if (used + block.length > budget) {
        left.push(p);
        unseen.add(p);
        continue;
      }
      parts.push(block);
      used += block.length;
    }
  }

  if (input.activeFile !== null) {
    parts.push(`The person is looking at ${input.activeFile}.`);
    if (input.selection && input.activeFile in input.files) parts.push(describeSelection(input.files[input.activeFile], input.selection));
  }
  let truncated: string | null = null;
  if (left.length > 0) {
    const shown = left.slice(0, 20).join(', ') + (left.length > 20 ? ` and ${left.length - 20} more` : '');
    truncated = `left out to stay within ${input.budgetTokens} tokens: ${shown}`;
    parts.push(`Not shown (context budget): ${shown}. Ask for them by name if you need them.`);
  }
  if (input.warmUp) parts.push('\nThe request will follow in the next message.');
  else parts.push(`\nRequest from ${input.requestedBy}:\n${input.prompt}`);
  const text = parts.join('\n');
  return { text, truncated, approxTokens: Math.ceil(text.length / CHARS_PER_TOKEN), unseen };
}
