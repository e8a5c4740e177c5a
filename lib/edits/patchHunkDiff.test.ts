import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PatchHunkDiff } from './patchHunkDiff.ts';
import { applyOps, type DiffOp } from './sequenceDiff.ts';

type Step = ['c' | '-', string] | ['+', string];

function run(old: string, steps: Step[]): { text: string; ops: DiffOp[]; perStep: number[] } {
  const d = new PatchHunkDiff();
  const ops: DiffOp[] = [];
  const perStep: number[] = [];
  for (const [kind, s] of steps) {
    const out = kind === 'c' ? d.context(s) : kind === '-' ? d.remove(s) : d.add(s);
    perStep.push(out.length);
    ops.push(...out);
  }
  ops.push(...d.finish());
  return { text: applyOps(old, ops), ops, perStep };
}

test('modified lines keep their unchanged characters; each added line yields ops at once', () => {
  const old = 'a\n  return x + 1;\n  return y + 2;\nz\n';
  const r = run(old, [['c', 'a\n'], ['-', '  return x + 1;\n'], ['-', '  return y + 2;\n'], ['+', '  return x * 1;'], ['+', '  return y * 2;'], ['c', 'z\n']]);
  assert.equal(r.text, 'a\n  return x * 1;\n  return y * 2;\nz\n');
  assert.ok(r.perStep[3] > 0 && r.perStep[4] > 0, 'added lines stream before the run ends');
  const inserted = r.ops.filter((o) => o.type === 'insert').map((o) => (o as { text: string }).text).join('');
  assert.equal(inserted, '**');
});

test('unpaired lines are inserted, leftovers removed, interleaved runs handled', () => {
  const old = 'one\ntwo\nthree\nfour\n';
  const r = run(old, [['-', 'one\n'], ['+', 'completely different'], ['-', 'two\n'], ['+', 'tw0'], ['c', 'three\n'], ['-', 'four\n']]);
  assert.equal(r.text, 'completely different\ntw0\nthree\n');
});

test('a last line without LF stays without one', () => {
  assert.equal(run('a\nb', [['c', 'a\n'], ['-', 'b'], ['+', 'B'], ['+', 'C']]).text, 'a\nB\nC');
  assert.equal(run('a\nb', [['c', 'a\n'], ['c', 'b'], ['+', 'c']]).text, 'a\nb\nc');
});
