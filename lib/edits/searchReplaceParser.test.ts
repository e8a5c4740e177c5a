import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SearchReplaceParser, parseSearchReplace, type SearchReplaceEvent } from './searchReplaceParser.ts';
import { seededRandom as rng } from '../../testing/prng.ts';
import { assertChunkingInvariant as chunkingInvariant } from '../../testing/chunking.ts';

function assertChunkingInvariant(text: string): SearchReplaceEvent[] {
  return chunkingInvariant(() => new SearchReplaceParser(), parseSearchReplace, text, text.length * 31 + 5);
}

const blocks = (events: SearchReplaceEvent[]) =>
  events.flatMap((e) => (e.type === 'blockEnd' ? [{ path: e.path, oldLines: e.oldLines, newLines: e.newLines }] : []));
const prose = (events: SearchReplaceEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : []));
const errorOf = (events: SearchReplaceEvent[]) => events.find((e) => e.type === 'error');

const ANSWER = [
  'I renamed the helper and added a file.',
  '',
  'src/util.ts',
  '```ts',
  '<<<<<<< SEARCH',
  'export function old() {',
  '  return 1;',
  '}',
  '=======',
  'export function fresh() {',
  '  return 1;',
  '}',
  '>>>>>>> REPLACE',
  '```',
  '',
  '`src/new.ts`',
  '```typescript',
  '<<<<<<< SEARCH',
  '=======',
  'export const x = 1;',
  '>>>>>>> REPLACE',
  '```',
  'That is all.',
  '',
].join('\n');

test('blocks, paths in backticks and fences, prose as explanation', () => {
  const events = assertChunkingInvariant(ANSWER);
  assert.equal(errorOf(events), undefined);
  assert.deepEqual(blocks(events), [
    { path: 'src/util.ts', oldLines: ['export function old() {', '  return 1;', '}'], newLines: ['export function fresh() {', '  return 1;', '}'] },
    { path: 'src/new.ts', oldLines: [], newLines: ['export const x = 1;'] },
  ]);
  assert.deepEqual(prose(events), ['I renamed the helper and added a file.', '', '', 'That is all.']);
  assert.deepEqual(events.at(-1), { type: 'end' });
});

test('searchEnd arrives before any replace line, and replace lines stream', () => {
  const parser = new SearchReplaceParser();
  const first = parser.push('a.ts\n<<<<<<< SEARCH\nold\n=======\n');
  assert.deepEqual(first, [
    { type: 'blockStart', path: 'a.ts' },
    { type: 'searchLine', text: 'old' },
    { type: 'searchEnd', oldLines: ['old'] },
  ]);
  assert.deepEqual(parser.push('ne'), []);
  assert.deepEqual(parser.push('w\n'), [{ type: 'replaceLine', text: 'new' }]);
  assert.deepEqual(parser.push('>>>>>>> REPLACE'), []);
  assert.deepEqual(parser.finish(), [
    { type: 'blockEnd', path: 'a.ts', oldLines: ['old'], newLines: ['new'] },
    { type: 'end' },
  ]);
});

test('several blocks in one fence reuse the path; CRLF; marker variants', () => {
  const text = '**lib/x.py**\r\n```python\r\n<<<<<<< SEARCH\r\na\r\n=======\r\nb\r\n>>>>>>> REPLACE\r\n<<<<<<<SEARCH\r\nc\r\n========\r\nd\r\n>>>>>>>REPLACE\r\n```\r\n';
  const events = assertChunkingInvariant(text);
  assert.deepEqual(blocks(events), [
    { path: 'lib/x.py', oldLines: ['a'], newLines: ['b'] },
    { path: 'lib/x.py', oldLines: ['c'], newLines: ['d'] },
  ]);
  assert.deepEqual(prose(events), []);
});

test('path named on the fence line, path with a colon, bare Makefile', () => {
  const events = assertChunkingInvariant(
    '```ts src/a.ts\n<<<<<<< SEARCH\nx\n=======\ny\n>>>>>>> REPLACE\n```\n\nFile: src/b.ts:\n<<<<<<< SEARCH\n=======\nz\n>>>>>>> REPLACE\nMakefile\n<<<<<<< SEARCH\nall:\n=======\nall: build\n>>>>>>> REPLACE\n',
  );
  assert.deepEqual(blocks(events).map((b) => b.path), ['src/a.ts', 'src/b.ts', 'Makefile']);
});

test('a prose line before a block is not taken for a path', () => {
  const events = assertChunkingInvariant('a.ts\n<<<<<<< SEARCH\n1\n=======\n2\n>>>>>>> REPLACE\nNow the second change to the same file:\n<<<<<<< SEARCH\n3\n=======\n4\n>>>>>>> REPLACE\n');
  assert.deepEqual(blocks(events).map((b) => b.path), ['a.ts', 'a.ts']);
  assert.deepEqual(prose(events), ['Now the second change to the same file:']);
});

test('a code sample in prose stays prose', () => {
  const text = 'Use it like this:\n```ts\nfoo();\n```\nNo edits needed.\n';
  const events = assertChunkingInvariant(text);
  assert.deepEqual(prose(events), ['Use it like this:', '```ts', 'foo();', '```', 'No edits needed.']);
  assert.deepEqual(blocks(events), []);
});

test('REPLACE content may contain ======= and fences', () => {
  const events = assertChunkingInvariant('README.md\n<<<<<<< SEARCH\nTitle\n=======\nTitle\n=======\n```sh\nnpm i\n```\n>>>>>>> REPLACE\n');
  assert.deepEqual(blocks(events)[0].newLines, ['Title', '=======', '```sh', 'npm i', '```']);
});

const GARBAGE: Array<[string, string, RegExp]> = [
  ['no path at all', '<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n', /without a file path/],
  ['truncated in search', 'a.ts\n<<<<<<< SEARCH\na\n', /truncated/],
  ['truncated in replace', 'a.ts\n<<<<<<< SEARCH\na\n=======\nb', /truncated/],
  ['missing divider', 'a.ts\n<<<<<<< SEARCH\na\n>>>>>>> REPLACE\n', /'======='/],
  ['missing replace marker', 'a.ts\n<<<<<<< SEARCH\na\n=======\nb\n<<<<<<< SEARCH\n', /REPLACE/],
  ['stray divider', 'hello\n=======\n', /outside a block/],
];

for (const [name, text, message] of GARBAGE) {
  test(`rejects: ${name}`, () => {
    const events = assertChunkingInvariant(text);
    const error = errorOf(events);
    assert.ok(error && error.type === 'error', JSON.stringify(events));
    assert.match(error.message, message);
    assert.equal(events.at(-1), error);
  });
}

test('random answers survive random chunkings', () => {
  const random = rng(7);
  const pick = <T,>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const codeLines = ['const a = 1;', '', '  return x;', '}', '# heading', '```', '<<<<<< not a marker', '=== x'];
  for (let seed = 0; seed < 80; seed++) {
    const lines: string[] = [];
    const n = 1 + Math.floor(random() * 3);
    const expected: string[] = [];
    for (let b = 0; b < n; b++) {
      if (random() < 0.5) lines.push(pick(['Some explanation.', 'Then:', '', 'Next we change it']));
      const path = `src/f${b}.ts`;
      expected.push(path);
      lines.push(pick([path, `\`${path}\``, `**${path}**`]));
      const fenced = random() < 0.6;
      if (fenced) lines.push('```ts');
      lines.push('<<<<<<< SEARCH');
      for (let i = 0; i < random() * 4; i++) lines.push(pick(codeLines));
      lines.push('=======');
      for (let i = 0; i < random() * 4; i++) lines.push(pick(codeLines));
      lines.push('>>>>>>> REPLACE');
      if (fenced) lines.push('```');
    }
    const text = lines.join(random() < 0.2 ? '\r\n' : '\n') + (random() < 0.5 ? '\n' : '');
    const events = assertChunkingInvariant(text);
    assert.equal(errorOf(events), undefined, text);
    assert.deepEqual(blocks(events).map((b) => b.path), expected, text);
  }
});
