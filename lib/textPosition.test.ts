import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastIndexAtOrBefore, lineColumn } from './textPosition.ts';

test('lineColumn counts 1-based lines and columns, and reads past the end as the end', () => {
  const text = 'ab\ncd\n\nef';
  assert.deepEqual(lineColumn(text, 0), { line: 1, column: 1 });
  assert.deepEqual(lineColumn(text, 2), { line: 1, column: 3 });
  assert.deepEqual(lineColumn(text, 3), { line: 2, column: 1 });
  assert.deepEqual(lineColumn(text, 6), { line: 3, column: 1 });
  assert.deepEqual(lineColumn(text, 9), { line: 4, column: 3 });
  assert.deepEqual(lineColumn(text, 99), { line: 4, column: 3 });
});

test('lastIndexAtOrBefore finds the last entry not past the value', () => {
  const starts = [0, 3, 6, 7];
  assert.deepEqual([0, 2, 3, 5, 6, 7, 100].map((v) => lastIndexAtOrBefore(starts, v)), [0, 0, 1, 1, 2, 3, 3]);
  assert.equal(lastIndexAtOrBefore([5], 1), 0);
});
