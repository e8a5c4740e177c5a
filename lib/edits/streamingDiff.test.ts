import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamingDiff, applyOps, diffText, type DiffOp } from './streamingDiff.ts';
import { seededRandom as rng } from '../../testing/prng.ts';


interface Streamed {
  ops: DiffOp[];
  /** Text produced by the ops emitted before finish(). */
  beforeFinish: string;
}

function stream(oldText: string, chunks: string[]): Streamed {
  const diff = new StreamingDiff(oldText);
  const ops: DiffOp[] = [];
  const newText = chunks.join('');
  let produced = 0;
  let pos = 0;
  for (const c of chunks) {
    const step = diff.push(c);
    ops.push(...step);
    // What has been emitted so far must always be a prefix of the final new text.
    for (const op of step) {
      const piece = op.type === 'retain' ? oldText.slice(pos, pos + op.count) : op.type === 'insert' ? op.text : '';
      if (op.type !== 'insert') pos += op.count;
      assert.equal(newText.slice(produced, produced + piece.length), piece, 'emitted text is a prefix of the new text');
      produced += piece.length;
    }
  }
  const beforeFinish = produce(oldText, ops);
  ops.push(...diff.finish());
  return { ops, beforeFinish };
}

/** Text the ops have produced so far (retained and inserted), ignoring the unvisited rest. */
function produce(oldText: string, ops: readonly DiffOp[]): string {
  let out = '';
  let pos = 0;
  for (const op of ops) {
    if (op.type === 'retain') {
      out += oldText.slice(pos, pos + op.count);
      pos += op.count;
    } else if (op.type === 'delete') pos += op.count;
    else out += op.text;
  }
  return out;
}

/** Follows each old character through the ops: which were kept, and what was inserted. */
function track(oldText: string, ops: readonly DiffOp[]): { kept: number; inserted: string } {
  let kept = 0;
  let inserted = '';
  let pos = 0;
  for (const op of ops) {
    if (op.type === 'retain') {
      kept += op.count;
      pos += op.count;
    } else if (op.type === 'delete') pos += op.count;
    else inserted += op.text;
  }
  assert.ok(pos <= oldText.length);
  return { kept, inserted };
}

function chunkings(text: string, random: () => number): string[][] {
  const out: string[][] = [[text], [...text]];
  for (let r = 0; r < 4; r++) {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; ) {
      const n = 1 + Math.floor(random() * (r < 2 ? 6 : 40));
      chunks.push(text.slice(i, i + n));
      i += n;
    }
    out.push(chunks);
  }
  return out;
}

// Old text uses lowercase, digits and punctuation; mutations insert only uppercase letters and
// '_' (plus line structure). So every lowercase letter or digit in the new text is an old
// character the edit left alone, and finding one inside an insert op means the diff deleted and
// re-inserted an unchanged character.
const OLD_WORDS = ['const', 'let', 'return', 'value', 'item', 'count', 'next', 'map', 'x1', 'y2'];
const NEW_WORDS = ['ALPHA', 'BETA', 'GAMMA', 'DELTA', 'NEW_VALUE', 'Q'];

function oldLine(random: () => number, n: number): string {
  const r = random();
  if (r < 0.1) return '';
  if (r < 0.2) return '}';
  const w = () => OLD_WORDS[Math.floor(random() * OLD_WORDS.length)];
  return `${'  '.repeat(Math.floor(random() * 3))}${w()} ${w()}${n} = ${w()}(${w()});`;
}

function newLine(random: () => number): string {
  const r = random();
  if (r < 0.15) return '';
  if (r < 0.3) return '}';
  const w = () => NEW_WORDS[Math.floor(random() * NEW_WORDS.length)];
  return `  ${w()} ${w()} ${w()}`;
}

interface Case {
  oldText: string;
  newText: string;
  /** Old characters the mutations left in place. */
  unchanged: number;
}

function makeCase(seed: number): Case {
  const random = rng(seed);
  const lineCount = Math.floor(random() * 40);
  const lines: string[] = [];
  for (let i = 0; i < lineCount; i++) lines.push(oldLine(random, i));
  let oldText = lines.join('\n');
  if (random() < 0.8 && oldText !== '') oldText += '\n';
  // Characters with their origin: index in oldText, or -1 for new ones.
  let chars = [...oldText].map((ch, i) => ({ ch, orig: i }));
  const mutations = Math.floor(random() * 6);
  for (let m = 0; m < mutations; m++) {
    const kind = random();
    const lineStarts = [0, ...chars.flatMap((c, i) => (c.ch === '\n' ? [i + 1] : []))];
    const at = lineStarts[Math.floor(random() * lineStarts.length)];
    if (kind < 0.3) {
      const block = Array.from({ length: 1 + Math.floor(random() * 5) }, () => newLine(random) + '\n').join('');
      chars.splice(at, 0, ...[...block].map((ch) => ({ ch, orig: -1 })));
    } else if (kind < 0.5) {
      let end = at;
      const n = 1 + Math.floor(random() * 3);
      for (let k = 0; k < n && end < chars.length; k++) {
        while (end < chars.length && chars[end].ch !== '\n') end++;
        if (end < chars.length) end++;
      }
      chars.splice(at, end - at);
    } else {
      // Change inside a line: replace, delete or insert a few characters.
      let end = at;
      while (end < chars.length && chars[end].ch !== '\n') end++;
      if (end === at) continue;
      const from = at + Math.floor(random() * (end - at));
      const len = Math.floor(random() * Math.min(6, end - from));
      const insert = random() < 0.7 ? NEW_WORDS[Math.floor(random() * NEW_WORDS.length)] : '';
      chars.splice(from, len, ...[...insert].map((ch) => ({ ch, orig: -1 })));
    }
  }
  if (random() < 0.1) chars = chars.concat([...'TAIL_WITHOUT_LF'].map((ch) => ({ ch, orig: -1 })));
  return { oldText, newText: chars.map((c) => c.ch).join(''), unchanged: chars.filter((c) => c.orig >= 0).length };
}

// DIFF_SEEDS=20000 runs a longer sweep; DEBUG_DIFF=1 prints the failing case.
const SEEDS = Number(process.env.DIFF_SEEDS ?? 500);
const detail = (c: Case, ops: DiffOp[]) => (process.env.DEBUG_DIFF ? JSON.stringify({ old: c.oldText, new: c.newText, ops }) : '');

test('random seeded edits: result equals the new text, unchanged characters are never re-inserted', () => {
  let cases = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const c = makeCase(seed);
    for (const chunks of chunkings(c.newText, rng(seed * 101))) {
      const { ops } = stream(c.oldText, chunks);
      const label = `seed ${seed}, ${chunks.length} chunks`;
      assert.equal(applyOps(c.oldText, ops), c.newText, label);
      const { kept, inserted } = track(c.oldText, ops);
      assert.ok(kept >= c.unchanged, `${label}: kept ${kept} < unchanged ${c.unchanged}` + detail(c, ops));
      assert.doesNotMatch(inserted, /[a-z0-9]/, `${label}: re-inserted old characters ${JSON.stringify(inserted)}` + detail(c, ops));
      cases++;
    }
  }
  assert.equal(cases, SEEDS * 6);
});

test('ops are well formed: no empty ops, no two adjacent ops of one kind per call, never past the end', () => {
  for (let seed = 500; seed < 560; seed++) {
    const c = makeCase(seed);
    const diff = new StreamingDiff(c.oldText);
    const random = rng(seed);
    let consumed = 0;
    const check = (ops: DiffOp[]) => {
      ops.forEach((op, i) => {
        assert.ok(op.type === 'insert' ? op.text.length > 0 : op.count > 0);
        if (i > 0) assert.notEqual(ops[i - 1].type, op.type);
        if (op.type !== 'insert') consumed += op.count;
      });
    };
    for (let i = 0; i < c.newText.length; ) {
      const n = 1 + Math.floor(random() * 10);
      check(diff.push(c.newText.slice(i, i + n)));
      i += n;
    }
    check(diff.finish());
    assert.equal(consumed, c.oldText.length, `seed ${seed}: all old text visited`);
  }
});

test('a new file streams immediately, even mid-line', () => {
  const diff = new StreamingDiff('');
  assert.deepEqual(diff.push('export con'), [{ type: 'insert', text: 'export con' }]);
  assert.deepEqual(diff.push('st a = 1;\n'), [{ type: 'insert', text: 'st a = 1;\n' }]);
  assert.deepEqual(diff.finish(), []);
});

test('unchanged leading lines are retained as soon as they arrive', () => {
  const diff = new StreamingDiff('one\ntwo\nthree\n');
  assert.deepEqual(diff.push('one\n'), [{ type: 'retain', count: 4 }]);
  assert.deepEqual(diff.push('TWO'), []);
  // One changed line between two kept ones: settled as a modification when 'three' arrives.
  assert.deepEqual(diff.push('\nthree\n'), [{ type: 'delete', count: 3 }, { type: 'insert', text: 'TWO' }, { type: 'retain', count: 7 }]);
  assert.deepEqual(diff.finish(), []);
});

test('a modified line is diffed by character, keeping its unchanged parts', () => {
  const oldText = 'function f(a, b) {\n  return a + b;\n}\n';
  const newText = 'function f(a, b, c) {\n  return a + b + c;\n}\n';
  const { ops } = stream(oldText, [...newText]);
  assert.equal(applyOps(oldText, ops), newText);
  assert.equal(track(oldText, ops).inserted, ', c + c');
});

test('most of a long edit is emitted before finish', () => {
  const random = rng(3);
  const lines = Array.from({ length: 400 }, (_, i) => oldLine(random, i));
  const oldText = lines.join('\n') + '\n';
  const newLines = lines.slice();
  newLines.splice(100, 2, '  GAMMA DELTA', '  BETA');
  newLines.splice(300, 0, '  ALPHA ALPHA', '}');
  const newText = newLines.join('\n') + '\n';
  const { ops, beforeFinish } = stream(oldText, newText.match(/[\s\S]{1,7}/g)!);
  assert.equal(applyOps(oldText, ops), newText);
  assert.ok(beforeFinish.length > newText.length * 0.95, `emitted ${beforeFinish.length} of ${newText.length} before finish`);
});

test('a long inserted block keeps appearing before its end is known', () => {
  const oldText = 'head\ntail\n';
  const block = Array.from({ length: 100 }, (_, i) => `  ADDED ${'Q'.repeat(i % 7)}\n`).join('');
  const { ops, beforeFinish } = stream(oldText, ['head\n', ...block.match(/[\s\S]{1,5}/g)!, 'tail\n']);
  assert.equal(applyOps(oldText, ops), `head\n${block}tail\n`);
  assert.ok(beforeFinish.length >= block.length * 0.6);
  assert.doesNotMatch(track(oldText, ops).inserted, /head|tail/);
});

test('a 100 KB range with scattered edits streams and diffs correctly', () => {
  const random = rng(11);
  const lines = Array.from({ length: 5000 }, (_, i) => oldLine(random, i));
  const oldText = lines.join('\n') + '\n';
  assert.ok(oldText.length > 100_000);
  const newLines = lines.slice();
  for (let k = 0; k < 30; k++) newLines.splice(Math.floor(random() * newLines.length), 1, '  NEW_VALUE Q');
  newLines.length -= 200; // and the tail is cut off
  const newText = newLines.join('\n') + '\n';
  const { ops } = stream(oldText, newText.match(/[\s\S]{1,50}/g)!);
  assert.equal(applyOps(oldText, ops), newText);
  assert.doesNotMatch(track(oldText, ops).inserted, /[a-z0-9]/);
});

test('diffText: character-minimal within a line, lines kept whole, surrogate pairs, empties', () => {
  assert.deepEqual(diffText('', ''), []);
  assert.deepEqual(diffText('abc', ''), [{ type: 'delete', count: 3 }]);
  assert.deepEqual(diffText('', 'abc'), [{ type: 'insert', text: 'abc' }]);
  assert.deepEqual(diffText('a😀b', 'a😃b'), [{ type: 'retain', count: 1 }, { type: 'delete', count: 2 }, { type: 'insert', text: '😃' }, { type: 'retain', count: 1 }]);
  const random = rng(5);
  for (let n = 0; n < 200; n++) {
    const gen = (alphabet: string) => Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const a = gen('abc');
    const b = gen('abc');
    const ops = diffText(a, b);
    assert.equal(applyOps(a, ops), b);
    const kept = ops.reduce((s, op) => s + (op.type === 'retain' ? op.count : 0), 0);
    assert.equal(kept, lcsLength(a, b), `${JSON.stringify(a)} → ${JSON.stringify(b)}`);
    const ml = gen('abc\n');
    const mr = gen('abc\n');
    assert.equal(applyOps(ml, diffText(ml, mr)), mr);
  }
  // An unchanged line is kept whole rather than mined for letters.
  const ops = diffText('keep this line\nold\n', 'new line\nkeep this line\n');
  assert.deepEqual(ops, [{ type: 'insert', text: 'new line\n' }, { type: 'retain', count: 15 }, { type: 'delete', count: 4 }]);
});

function lcsLength(a: string, b: string): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) t[i][j] = a[i - 1] === b[j - 1] ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
  return t[a.length][b.length];
}

test('diffText falls back to lines for texts too far apart for a character diff', () => {
  const random = rng(8);
  const a = Array.from({ length: 4000 }, (_, i) => `${OLD_WORDS[i % 10]} ${Math.floor(random() * 1e6)}\n`).join('');
  const b = a.split('\n').filter((_, i) => i % 3 !== 0).join('\n').replace(/const/g, 'CONST');
  const ops = diffText(a, b);
  assert.equal(applyOps(a, ops), b);
});
