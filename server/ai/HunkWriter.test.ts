// The hunk writer on its own: leading-edge batched transactions, relative positions that survive typing
// above, and a rollback that removes only the AI's items.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { StreamingDiff } from '../../lib/edits/streamingDiff.ts';
import { hunkRange, encodeRelPos } from '../../lib/ai/aiRuns.ts';
import { HunkWriter } from './HunkWriter.ts';

function pair(initial: string) {
  const ai = new Y.Doc();
  const human = new Y.Doc();
  ai.getText('t').insert(0, initial);
  Y.applyUpdate(human, Y.encodeStateAsUpdate(ai));
  ai.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(human, u, 'remote'));
  human.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(ai, u, 'remote'));
  return { ai, human, aiText: ai.getText('t'), humanText: human.getText('t') };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OLD = 'a\nb\nc\n';
const BEFORE = 'top\n';

test('the first ops go out at once, the rest of the frame in one transaction; typing above during the stream shifts nothing', async () => {
  const { ai, aiText, humanText } = pair(BEFORE + OLD);
  const origin = { kind: 'ai' as const, runId: 'r', hunkId: 'r:1' };
  let transactions = 0;
  ai.on('afterTransaction', (tr: Y.Transaction) => void (tr.origin === origin && transactions++));
  const writer = new HunkWriter(ai, aiText, BEFORE.length, origin);
  writer.push([{ type: 'retain', count: 2 }, { type: 'delete', count: 1 }, { type: 'insert', text: 'B' }]);
  // Nothing written for a frame: the first ops go out without waiting for a timer.
  assert.equal(transactions, 1);
  assert.equal(aiText.toString(), `${BEFORE}a\nB\nc\n`);
  writer.push([{ type: 'retain', count: 1 }]);
  writer.push([{ type: 'retain', count: 2 }]);
  assert.equal(transactions, 1, 'pushes within the frame wait for its end');
  // The frame's timer may fire late on a loaded machine: wait for it, then for a quiet frame.
  for (let waited = 0; transactions < 2 && waited < 2000; waited += 10) await sleep(10);
  assert.equal(transactions, 2, 'and land together');
  await sleep(40);
  humanText.insert(0, 'typed ');
  writer.push([{ type: 'insert', text: 'd' }]);
  writer.push([{ type: 'insert', text: '\n' }]);
  assert.equal(transactions, 3);
  const range = writer.finish()!;
  assert.equal(aiText.toString(), 'typed top\na\nB\nc\nd\n');
  assert.equal(transactions, 4, 'finish writes the rest of the frame');
  const resolved = hunkRange(ai, { start: encodeRelPos(range.start), end: encodeRelPos(range.end) })!;
  assert.equal(resolved.text, aiText);
  assert.equal(aiText.toString().slice(resolved.start, resolved.end), 'a\nB\nc\nd\n');
  humanText.insert(0, '>>');
  const shifted = hunkRange(ai, { start: encodeRelPos(range.start), end: encodeRelPos(range.end) })!;
  assert.equal(aiText.toString().slice(shifted.start, shifted.end), 'a\nB\nc\nd\n');
});

test('rollback removes exactly the AI\'s items and restores what it replaced; a person\'s typing stays', async () => {
  const { ai, aiText, humanText } = pair(BEFORE + OLD);
  const writer = new HunkWriter(ai, aiText, BEFORE.length, { kind: 'ai', runId: 'r', hunkId: 'r:1' });
  writer.push([{ type: 'retain', count: 2 }, { type: 'delete', count: 2 }, { type: 'insert', text: 'XX\nYY\n' }]);
  writer.flush();
  const mid = aiText.toString();
  assert.equal(mid, 'top\na\nXX\nYY\nc\n');
  // A person types inside the AI's new text and above it.
  const at = mid.indexOf('XX') + 1;
  humanText.insert(at, '!');
  humanText.insert(0, '#');
  writer.rollback();
  assert.equal(humanText.toString(), aiText.toString());
  const result = aiText.toString();
  assert.ok(result.startsWith('#top\na\n'), result);
  assert.ok(result.includes('!'), 'the person\'s character survives');
  assert.equal(result.replace('!', '').replace('#', ''), BEFORE + OLD);
  // Nothing queued after a rollback is written.
  writer.push([{ type: 'insert', text: 'late' }]);
  await sleep(30);
  assert.ok(!aiText.toString().includes('late'));
});
