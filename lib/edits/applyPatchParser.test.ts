import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplyPatchParser, parseApplyPatch, type PatchEvent, type PatchHunk } from './applyPatchParser.ts';
import { seededRandom as rng } from '../../testing/prng.ts';
import { assertChunkingInvariant as chunkingInvariant } from '../../testing/chunking.ts';

/** Every way of feeding `text` must give the events of whole-input parsing. */
function assertChunkingInvariant(text: string): PatchEvent[] {
  return chunkingInvariant(() => new ApplyPatchParser(), parseApplyPatch, text, text.length * 7919 + 17);
}

const hunks = (events: PatchEvent[]): PatchHunk[] =>
  events.flatMap((e) => (e.type === 'hunkEnd' ? [e.hunk] : []));
const errorOf = (events: PatchEvent[]) => events.find((e) => e.type === 'error');

const MULTI = [
  '*** Begin Patch',
  '*** Add File: src/new.ts',
  '+export const a = 1;',
  '',
  '+export const b = 2;',
  '*** Update File: src/app.ts',
  '*** Move to: src/main.ts',
  '@@ class App',
  ' import x from "y";',
  '-const old = 1;',
  '+const fresh = 1;',
  '+const more = 2;',
  '',
  ' function run() {',
  '@@',
  '-  return 1;',
  '+  return 2;',
  ' }',
  '*** End of File',
  '*** Delete File: src/gone.ts',
  '*** End Patch',
  '',
].join('\n');

test('multi-file patch: events and hunks', () => {
  const events = assertChunkingInvariant(MULTI);
  assert.equal(errorOf(events), undefined);
  assert.deepEqual(events.slice(0, 5), [
    { type: 'begin' },
    { type: 'fileStart', op: 'add', path: 'src/new.ts' },
    { type: 'line', kind: 'add', text: 'export const a = 1;' },
    { type: 'line', kind: 'add', text: '' },
    { type: 'line', kind: 'add', text: 'export const b = 2;' },
  ]);
  assert.deepEqual(events.at(-1), { type: 'end', explicit: true });
  assert.deepEqual(events.filter((e) => e.type === 'move'), [{ type: 'move', to: 'src/main.ts' }]);
  assert.deepEqual(hunks(events), [
    {
      context: ['class App'],
      oldLines: ['import x from "y";', 'const old = 1;', '', 'function run() {'],
      newLines: ['import x from "y";', 'const fresh = 1;', 'const more = 2;', '', 'function run() {'],
      eof: false,
    },
    { context: [], oldLines: ['  return 1;', '}'], newLines: ['  return 2;', '}'], eof: true },
  ]);
  assert.deepEqual(
    events.filter((e) => e.type === 'fileStart' || e.type === 'fileEnd').map((e) => `${e.type}:${(e as { path: string }).path}`),
    ['fileStart:src/new.ts', 'fileEnd:src/new.ts', 'fileStart:src/app.ts', 'fileEnd:src/app.ts', 'fileStart:src/gone.ts', 'fileEnd:src/gone.ts'],
  );
});

test('a hunk ends as soon as the next @@ arrives, before the stream ends', () => {
  const parser = new ApplyPatchParser();
  const events = parser.push('*** Begin Patch\n*** Update File: a.ts\n@@ f\n-a\n+b\n@@ g\n');
  assert.deepEqual(hunks(events), [{ context: ['f'], oldLines: ['a'], newLines: ['b'], eof: false }]);
  // A half line is never committed: '-c' could still grow.
  assert.deepEqual(parser.push('-c'), []);
  assert.deepEqual(parser.push('\n'), [{ type: 'hunkStart', context: ['g'] }, { type: 'line', kind: 'remove', text: 'c' }]);
});

test('missing End Patch and final line without LF are accepted', () => {
  const text = '*** Begin Patch\n*** Update File: a.ts\n@@\n x\n-y\n+z';
  const events = assertChunkingInvariant(text);
  assert.deepEqual(hunks(events), [{ context: [], oldLines: ['x', 'y'], newLines: ['x', 'z'], eof: false }]);
  assert.deepEqual(events.at(-1), { type: 'end', explicit: false });
});

test('CRLF, fences and the first hunk without @@', () => {
  const text = '```\r\n*** Begin Patch\r\n*** Update File: a.ts\r\n-one\r\n+two\r\n*** End Patch\r\n```\r\n';
  const events = assertChunkingInvariant(text);
  assert.deepEqual(hunks(events), [{ context: [], oldLines: ['one'], newLines: ['two'], eof: false }]);
  assert.equal(events.at(-1)?.type, 'end');
});

test('nested @@ contexts and unified-style headers', () => {
  const text = '*** Begin Patch\n*** Update File: a.py\n@@ class A\n@@   def f(self):\n-  x\n+  y\n@@ -40,3 +40,3 @@ def g():\n-p\n+q\n*** End Patch\n';
  const events = assertChunkingInvariant(text);
  assert.deepEqual(hunks(events), [
    { context: ['class A', '  def f(self):'], oldLines: ['  x'], newLines: ['  y'], eof: false },
    { context: ['def g():'], lineHint: 40, oldLines: ['p'], newLines: ['q'], eof: false },
  ]);
});

test('blank lines before a marker are not turned into context', () => {
  const text = '*** Begin Patch\n*** Update File: a\n@@\n-a\n+b\n\n\n@@\n-c\n+d\n\n*** End Patch\n';
  const events = assertChunkingInvariant(text);
  assert.deepEqual(hunks(events).map((h) => h.oldLines), [['a'], ['c']]);
});

test('rename-only update and empty added file are valid', () => {
  const events = assertChunkingInvariant('*** Begin Patch\n*** Update File: a\n*** Move to: b\n*** Add File: empty.txt\n*** End Patch\n');
  assert.equal(errorOf(events), undefined);
  assert.deepEqual(events.map((e) => e.type), ['begin', 'fileStart', 'move', 'fileEnd', 'fileStart', 'fileEnd', 'end']);
});

test('text after End Patch is ignored', () => {
  const events = assertChunkingInvariant('*** Begin Patch\n*** Delete File: x\n*** End Patch\nthanks!\n');
  assert.deepEqual(events.map((e) => e.type), ['begin', 'fileStart', 'fileEnd', 'end']);
});

const GARBAGE: Array<[string, string, RegExp]> = [
  ['no begin', 'Here is the patch:\n*** Begin Patch\n', /Begin Patch/],
  ['empty stream', '', /truncated/],
  ['only begin', '*** Begin Patch\n', /truncated/],
  ['add line without +', '*** Begin Patch\n*** Add File: a\n+ok\nnot ok\n*** End Patch\n', /added line/],
  ['hunk garbage', '*** Begin Patch\n*** Update File: a\n@@\n-a\n*b\n*** End Patch\n', /hunk line/],
  ['update without changes', '*** Begin Patch\n*** Update File: a\n*** Delete File: b\n*** End Patch\n', /no changes/],
  ['truncated after @@', '*** Begin Patch\n*** Update File: a\n@@ f', /truncated/],
  ['path missing', '*** Begin Patch\n*** Add File:\n+x\n', /without a path/],
  ['move after hunk', '*** Begin Patch\n*** Update File: a\n-x\n*** Move to: b\n', /Move to/],
  ['end of file outside a hunk', '*** Begin Patch\n*** Update File: a\n*** End of File\n', /End of File/],
  ['junk between files', '*** Begin Patch\n*** Delete File: a\nrm -rf /\n*** End Patch\n', /next file operation/],
  ['end patch with nothing', '*** Begin Patch\n*** End Patch\n', /no file operation/],
];

for (const [name, text, message] of GARBAGE) {
  test(`rejects garbage: ${name}`, () => {
    const events = assertChunkingInvariant(text);
    const error = errorOf(events);
    assert.ok(error && error.type === 'error', `expected an error, got ${JSON.stringify(events)}`);
    assert.match(error.message, message);
    assert.equal(events.at(-1), error, 'nothing after an error');
    assert.ok(!events.some((e) => e.type === 'end'));
  });
}

test('the error names the offending line number', () => {
  const events = parseApplyPatch('*** Begin Patch\n*** Update File: a\n-x\n?huh\n');
  assert.deepEqual(errorOf(events) && (errorOf(events) as { line: number }).line, 4);
});

test('random well-formed patches survive random chunkings', () => {
  const random = rng(42);
  const word = () => ['foo', 'bar()', '  baz;', '', '*** x', '@@ not', '+1', '-2', ' }'][Math.floor(random() * 9)];
  for (let seed = 0; seed < 60; seed++) {
    const lines = ['*** Begin Patch'];
    const files = 1 + Math.floor(random() * 3);
    for (let f = 0; f < files; f++) {
      if (random() < 0.3) {
        lines.push(`*** Add File: f${f}.ts`);
        for (let i = 0; i < 1 + random() * 5; i++) lines.push(`+${word()}`);
      } else {
        lines.push(`*** Update File: f${f}.ts`);
        for (let h = 0; h < 1 + random() * 3; h++) {
          lines.push(random() < 0.5 ? '@@' : `@@ ${word() || 'ctx'}`);
          for (let i = 0; i < 1 + random() * 6; i++) lines.push(`${' -+'[Math.floor(random() * 3)]}${word()}`);
        }
      }
    }
    if (random() < 0.7) lines.push('*** End Patch');
    const text = lines.join(random() < 0.2 ? '\r\n' : '\n') + (random() < 0.5 ? '\n' : '');
    const events = assertChunkingInvariant(text);
    assert.equal(errorOf(events), undefined, text);
    assert.equal(events.at(-1)?.type, 'end');
  }
});
