// The units together, as the AI peer uses them: parse a streamed edit, locate each hunk in the
// current text, stream its new text in through the diff. No Yjs here: a string stands in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplyPatchParser, parseApplyPatch, type PatchHunk } from './applyPatchParser.ts';
import { SearchReplaceParser, parseSearchReplace } from './searchReplaceParser.ts';
import { locate, replacementFor } from './locator.ts';
import { StreamingDiff, applyOps } from './streamingDiff.ts';

function applyHunk(text: string, hunk: { oldLines: string[]; newLines: string[]; context?: string[]; eof?: boolean }, after: number) {
  const match = locate(text, { oldLines: hunk.oldLines, context: hunk.context, eof: hunk.eof, after });
  assert.ok(match.ok, JSON.stringify(match));
  const replacement = replacementFor(hunk.newLines, match);
  const diff = new StreamingDiff(match.matched);
  const ops = [];
  for (const ch of replacement) ops.push(...diff.push(ch));
  ops.push(...diff.finish());
  const next = text.slice(0, match.start) + applyOps(match.matched, ops) + text.slice(match.end);
  return { text: next, after: match.start + replacement.length };
}

const FILE = 'import a from "a";\n\nfunction f() {\n  return 1;\n}\n\nfunction g() {\n  return 1;\n}\n';

test('apply_patch streamed in, located and diffed', () => {
  const patch = '*** Begin Patch\n*** Update File: x.ts\n@@ function g() {\n-  return 1;\n+  return 2;\n }\n@@\n+export { f, g };\n*** End Patch\n';
  const parser = new ApplyPatchParser();
  const hunks: PatchHunk[] = [];
  for (const ch of patch) for (const e of parser.push(ch)) if (e.type === 'hunkEnd') hunks.push(e.hunk);
  parser.finish();
  let text = FILE;
  let after = 0;
  for (const hunk of hunks) ({ text, after } = applyHunk(text, hunk, after));
  assert.equal(text, FILE.replace('g() {\n  return 1;', 'g() {\n  return 2;') + 'export { f, g };\n');
});

test('SEARCH/REPLACE: the replace side streams once searchEnd has located the block', () => {
  const answer = 'Return 3 from f.\n\nx.ts\n```ts\n<<<<<<< SEARCH\nfunction f() {\n  return 1;\n=======\nfunction f() {\n  return 3;\n>>>>>>> REPLACE\n```\n';
  const parser = new SearchReplaceParser();
  let text = FILE;
  let diff: StreamingDiff | null = null;
  let range: { start: number; end: number; matched: string } | null = null;
  const ops = [];
  for (const ch of answer) {
    for (const e of parser.push(ch)) {
      if (e.type === 'searchEnd') {
        const m = locate(text, { oldLines: e.oldLines });
        assert.ok(m.ok);
        range = m;
        diff = new StreamingDiff(m.matched);
      } else if (e.type === 'replaceLine') {
        ops.push(...diff!.push(`${e.text}\n`));
      } else if (e.type === 'blockEnd') {
        ops.push(...diff!.finish());
      }
    }
  }
  parser.finish();
  assert.ok(range);
  text = text.slice(0, range.start) + applyOps(range.matched, ops) + text.slice(range.end);
  assert.equal(text, FILE.replace('f() {\n  return 1;', 'f() {\n  return 3;'));
  // Only the changed character was touched.
  assert.deepEqual(ops.filter((op) => op.type !== 'retain'), [{ type: 'delete', count: 1 }, { type: 'insert', text: '3' }]);
});

test('each parser treats the other format safely', () => {
  const patch = '*** Begin Patch\n*** Delete File: a\n*** End Patch\n';
  const sr = parseSearchReplace(patch);
  assert.deepEqual(sr.map((e) => e.type), ['text', 'text', 'text', 'end']);
  const ap = parseApplyPatch('a.ts\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n');
  assert.equal(ap.at(-1)?.type, 'error');
});
