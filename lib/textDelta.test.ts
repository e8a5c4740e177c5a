// The editor binding's reading of a Y.Text change, checked against Yjs itself on seeded random
// concurrent edits: applying `deltaToEdits` to the old text gives exactly the new text, and
// `mapOffset` moves a caret exactly where a Yjs relative position (assoc 0) ends up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { deltaToEdits, mapOffset, type TextDelta } from './textDelta.ts';
import { seededRandom } from '../testing/prng.ts';

const ALPHABET = 'ab\ncd é🙂\n';

function randomText(rand: () => number, max: number): string {
  let s = '';
  const n = Math.floor(rand() * max);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  // Never split a surrogate pair: Yjs counts UTF-16 units, as Monaco does.
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, 'x');
}

/** The nearest offset at or before `at` that does not split a surrogate pair (editors never do). */
function boundary(s: string, at: number): number {
  return at > 0 && at < s.length && /[\uDC00-\uDFFF]/.test(s[at]) ? at - 1 : at;
}

/** A few random inserts and deletes by one client, in one transaction. */
function randomEdits(doc: Y.Doc, rand: () => number): void {
  const text = doc.getText('t');
  doc.transact(() => {
    const ops = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < ops; i++) {
      const s = text.toString();
      if (rand() < 0.55 || s.length === 0) text.insert(boundary(s, Math.floor(rand() * (s.length + 1))), randomText(rand, 6) || 'z');
      else {
        const at = boundary(s, Math.floor(rand() * s.length));
        const end = boundary(s, Math.min(s.length, at + 1 + Math.floor(rand() * 5)));
        if (end > at) text.delete(at, end - at);
      }
    }
  });
}

function applyEdits(old: string, edits: { start: number; end: number; text: string }[]): string {
  let out = old;
  // Edits are on the old text and do not overlap: apply right to left.
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

test('a change read as edits on the old text and as caret moves matches Yjs, on seeded concurrent edits', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const rand = seededRandom(seed);
    const watcher = new Y.Doc();
    const writers = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
    writers[0].getText('t').insert(0, randomText(rand, 40));
    for (const w of writers.slice(1)) Y.applyUpdate(w, Y.encodeStateAsUpdate(writers[0]));
    Y.applyUpdate(watcher, Y.encodeStateAsUpdate(writers[0]));
    const text = watcher.getText('t');
    let seen: { delta: TextDelta } | null = null;
    text.observe((e) => {
      seen = { delta: e.delta };
    });
    for (let round = 0; round < 40; round++) {
      // Several writers edit concurrently; the watcher applies what they sent in one transaction,
      // as the page does with the updates that arrived within one frame.
      const updates: Uint8Array[] = [];
      for (const w of writers) {
        if (rand() < 0.4) continue;
        const before = Y.encodeStateVector(w);
        randomEdits(w, rand);
        updates.push(Y.encodeStateAsUpdate(w, before));
      }
      const old = text.toString();
      const offsets = Array.from({ length: 6 }, () => Math.floor(rand() * (old.length + 1)));
      const positions = offsets.map((o) => Y.createRelativePositionFromTypeIndex(text, o));
      seen = null;
      watcher.transact(() => updates.forEach((u) => Y.applyUpdate(watcher, u)), 'remote');
      const now = text.toString();
      if (now === old) continue;
      assert.ok(seen, `seed ${seed} round ${round}: no event for a change`);
      const { delta } = seen as { delta: TextDelta };
      assert.equal(applyEdits(old, deltaToEdits(delta)), now, `seed ${seed} round ${round}: edits`);
      offsets.forEach((o, i) => {
        const abs = Y.createAbsolutePositionFromRelativePosition(positions[i], watcher);
        assert.ok(abs);
        assert.equal(mapOffset(delta, o), abs.index, `seed ${seed} round ${round}: caret at ${o}`);
      });
      // Everyone catches up, so later rounds edit a shared text.
      for (const w of writers) Y.applyUpdate(w, Y.encodeStateAsUpdate(watcher));
    }
  }
});

test('an insert and a delete at the same place are one replacement; retains and empty deltas give no edit', () => {
  assert.deepEqual(deltaToEdits([{ retain: 3 }, { insert: 'xy' }, { delete: 2 }]), [{ start: 3, end: 5, text: 'xy' }]);
  assert.deepEqual(deltaToEdits([{ retain: 3 }, { delete: 2 }, { insert: 'xy' }]), [{ start: 3, end: 5, text: 'xy' }]);
  assert.deepEqual(deltaToEdits([{ insert: 'a' }, { retain: 2 }, { delete: 1 }]), [
    { start: 0, end: 0, text: 'a' },
    { start: 2, end: 3, text: '' },
  ]);
  assert.deepEqual(deltaToEdits([{ retain: 4 }]), []);
  assert.deepEqual(deltaToEdits([]), []);
});

test('a caret right where someone types stays right of their text; a deleted caret moves to the deletion', () => {
  assert.equal(mapOffset([{ retain: 2 }, { insert: 'abc' }], 2), 5);
  assert.equal(mapOffset([{ retain: 2 }, { insert: 'abc' }], 1), 1);
  assert.equal(mapOffset([{ retain: 2 }, { delete: 4 }], 4), 2);
  assert.equal(mapOffset([{ retain: 2 }, { delete: 4 }], 9), 5);
});
