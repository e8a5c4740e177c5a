// The follow-up context's diff: hunks that apply back exactly (random edits of every kind,
// including around a missing final newline), and small for a one-line change in a large file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyUnifiedDiff, unifiedDiff } from './unifiedDiff.ts';

test('one changed line: one hunk with three lines of context on each side', () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const after = before.replace('line 10\n', 'line ten\n');
  assert.equal(
    unifiedDiff(before, after),
    '@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+line ten\n line 11\n line 12\n line 13\n',
  );
  assert.equal(unifiedDiff(before, before), '');
});

test('edits far apart get hunks of their own; near ones share a hunk', () => {
  const lines = Array.from({ length: 100 }, (_, i) => `l${i}`);
  const before = lines.join('\n');
  const edited = [...lines];
  edited[10] = 'x';
  edited[13] = 'y';
  edited[80] = 'z';
  const diff = unifiedDiff(before, edited.join('\n'));
  assert.equal(diff.match(/^@@/gm)?.length, 2);
  assert.equal(applyUnifiedDiff(before, diff), edited.join('\n'));
});

test('random edits: the diff applied to the old text gives the new text', () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const alphabet = ['a', 'b', '\n', 'c', '\n', ' ', '}'];
  const randomText = (len: number) => Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]).join('');
  for (let round = 0; round < 2000; round++) {
    const before = randomText(rnd(60));
    let after = before;
    for (let e = rnd(4) + 1; e > 0; e--) {
      const at = rnd(after.length + 1);
      const del = rnd(Math.min(6, after.length - at) + 1);
      after = after.slice(0, at) + randomText(rnd(6)) + after.slice(at + del);
    }
    const diff = unifiedDiff(before, after, rnd(4));
    assert.equal(applyUnifiedDiff(before, diff), after, JSON.stringify({ before, after, diff }));
  }
});

test('a one-line change in a 100 KB file is a few hundred bytes', () => {
  const before = Array.from({ length: 2500 }, (_, i) => `export const value${i} = ${i} * 2; // padding to make the file larger`).join('\n') + '\n';
  assert.ok(before.length > 100_000);
  const after = before.replace('value1234 = 1234', 'value1234 = 4321');
  const diff = unifiedDiff(before, after);
  assert.ok(diff.length < 1000, `${diff.length} bytes`);
  assert.equal(applyUnifiedDiff(before, diff), after);
  assert.equal(applyUnifiedDiff(after, diff), null, 'a diff does not apply to text it was not made from');
});
