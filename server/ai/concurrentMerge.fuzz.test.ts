// Property: a random document, a random model hunk (apply_patch or SEARCH/REPLACE) written
// against the text the model read, and a random concurrent edit by a person made after that
// read and before the hunk lands. Unless the hunk was refused, the result holds the model's
// change in full and the person's in full, and nothing else: read without the person's edit it
// is exactly the model's result, read without the model's edit it is exactly the person's
// text. A refused hunk leaves the person's text as it is. An edit on lines the hunk does not
// change is never refused. Seeded: a failure names its seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { ApplyPatchParser } from '../../lib/edits/applyPatchParser.ts';
import { parseSearchReplace } from '../../lib/edits/searchReplaceParser.ts';
import { filesOf } from '../../lib/schema.ts';
import { seededRandom } from '../../testing/prng.ts';
import { EditApplier } from './EditApplier.ts';
import { RunRecord } from './RunRecord.ts';

const RUNS = 3000;
const PATH = 'src/f.ts';
const WORDS = ['alpha', 'beta', 'gamma', 'x', 'y', '0', '1', '(', ')', ' + ', '.', ';', ' ', '  '];

function gen(seed: number) {
  const rnd = seededRandom(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(a: readonly T[]) => a[int(a.length)];
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join('');
  // Every line is unique (its number), so the hunk locates exactly.
  const lines = Array.from({ length: 3 + int(12) }, (_, i) => `${'  '.repeat(int(3))}v${i} = ${words(1 + int(5))};`);
  const file = `${lines.join('\n')}\n`;
  // The model replaces lines [a, b) (possibly none: a pure insertion) with new lines.
  const a = int(lines.length);
  const b = Math.min(lines.length, a + int(4));
  const changed: string[] = [];
  for (let i = a; i < b; i++) {
    const r = rnd();
    if (r < 0.2) continue; // removed
    if (r < 0.4) changed.push(lines[i]); // re-sent unchanged
    else {
      // Mutated: a random part of the line rewritten.
      const s = lines[i];
      const p = int(s.length);
      const q = Math.min(s.length, p + int(6));
      changed.push(s.slice(0, p) + words(int(3)) + s.slice(q));
    }
  }
  for (let k = int(3); k > 0; k--) changed.splice(int(changed.length + 1), 0, `  n${seed % 1000}_${k} = ${words(1 + int(3))};`);
  if (changed.join('\n') === lines.slice(a, b).join('\n')) changed.push(`  extra${seed} = 1;`);
  const before = lines.slice(Math.max(0, a - 1 - int(2)), a);
  const after = lines.slice(b, Math.min(lines.length, b + 1 + int(2)));
  const oldSide = [...before, ...lines.slice(a, b)];
  const newSide = [...before, ...changed];
  const expected = `${[...lines.slice(0, a), ...changed, ...lines.slice(b)].join('\n')}\n`;
  const format: 'patch' | 'sr' = rnd() < 0.5 ? 'patch' : 'sr';
  const input = format === 'patch'
    ? `*** Begin Patch\n*** Update File: ${PATH}\n@@\n${[...before.map((l) => ` ${l}`), ...lines.slice(a, b).map((l) => `-${l}`), ...changed.map((l) => `+${l}`), ...after.map((l) => ` ${l}`)].join('\n')}\n*** End Patch\n`
    : `${PATH}\n<<<<<<< SEARCH\n${[...oldSide, ...after].join('\n')}\n=======\n${[...newSide, ...after].join('\n')}\n>>>>>>> REPLACE\n`;
  // The person: delete 0–4 characters somewhere and type 0–4.
  const at = int(file.length);
  const del = Math.min(file.length - at, int(5));
  let typed = Array.from({ length: int(5) }, () => pick(['q', 'Z', ' ', '\n', '_'])).join('');
  if (del === 0 && typed === '') typed = 'Q';
  // Lines [a, b) span these characters; the person's edit is "elsewhere" when it stays off them
  // and off the line boundaries around them.
  const startOf = (i: number) => lines.slice(0, i).reduce((n, l) => n + l.length + 1, 0);
  const elsewhere = at + del < startOf(a) - 1 || at > startOf(b) + 1;
  return { file, expected, input, format, at, del, typed, elsewhere, pureInsertion: a === b };
}

type Kind = 'kept' | 'personDeleted' | 'modelDeleted' | 'person' | 'model';

/** The text's characters as runs of one kind each (original kept or deleted by whom, typed by whom). */
function runsOf(text: Y.Text, kindOf: (item: Y.Item, clock: number) => Kind | null): { kind: Kind; str: string }[] {
  const runs: { kind: Kind; str: string }[] = [];
  for (let item = text._start; item; item = item.right) {
    if (!item.countable || !(item.content instanceof Y.ContentString)) continue;
    for (let i = 0; i < item.length; i++) {
      const kind = kindOf(item, item.id.clock + i);
      if (kind === null) continue;
      const last = runs.at(-1);
      if (last && last.kind === kind) last.str += item.content.str[i];
      else runs.push({ kind, str: item.content.str[i] });
    }
  }
  return runs;
}

/**
 * The text read with `shown` kinds. Where a deleted run (`deleted`) touches text inserted at the
 * same place by the other side (`inserted`), their order is not the merge's to decide (deleted
 * characters sit wherever Yjs keeps tombstones): every order of those adjacent runs is a reading.
 */
function readings(runs: { kind: Kind; str: string }[], shown: Set<Kind>, deleted: Kind, inserted: Kind): string[] {
  const out = [runs.filter((r) => shown.has(r.kind)).map((r) => r.str).join('')];
  runs.forEach((r, i) => {
    if (r.kind !== deleted) return;
    for (const dir of [-1, 1]) {
      const moved = [...runs];
      let at = i;
      while (moved[at + dir]?.kind === inserted) {
        [moved[at], moved[at + dir]] = [moved[at + dir], moved[at]];
        at += dir;
        out.push(moved.filter((m) => shown.has(m.kind)).map((m) => m.str).join(''));
      }
    }
  });
  return out;
}

function runSeed(seed: number): 'applied' | 'refused' {
  const c = gen(seed);
  // No garbage collection: deleted characters keep their text, so both "without" readings work.
  const ai = new Y.Doc({ gc: false });
  ai.clientID = 1;
  ai.transact(() => filesOf(ai).set(PATH, new Y.Text(c.file)));
  const person = new Y.Doc({ gc: false });
  person.clientID = 2;
  Y.applyUpdate(person, Y.encodeStateAsUpdate(ai));
  const record = RunRecord.create(ai, { id: 'r1', prompt: 'p', file: null, selection: null, requestedBy: { name: 't' }, createdAt: 0, queuePosition: null });
  const applier = new EditApplier(ai, record, { restoreClientId: () => 5 });
  applier.readAt();
  ai.clientID = 3; // the run's own clientID, as the AI peer sets one per run
  const pText = filesOf(person).get(PATH)!;
  person.transact(() => {
    if (c.del) pText.delete(c.at, c.del);
    if (c.typed) pText.insert(c.at, c.typed);
  });
  const personFile = pText.toString();
  // Which of the original characters the person deleted (ids of client 1 not visible now).
  const personDeleted = new Set<string>();
  for (let item = pText._start; item; item = item.right) {
    if (item.deleted && item.id.client === 1) for (let i = 0; i < item.length; i++) personDeleted.add(`${item.id.clock + i}`);
  }
  Y.applyUpdate(ai, Y.encodeStateAsUpdate(person));
  if (c.format === 'patch') {
    const parser = new ApplyPatchParser();
    for (const e of [...parser.push(c.input), ...parser.finish()]) applier.place(e);
  } else {
    for (const e of parseSearchReplace(c.input)) applier.place(e);
  }
  applier.finish();
  const hunks = record.view().hunks;
  const text = filesOf(ai).get(PATH)!;
  const final = text.toString();
  const ctx = `seed ${seed} (${c.format}): person at ${c.at} -${c.del} +${JSON.stringify(c.typed)}\nfile ${JSON.stringify(c.file)}\ninput ${JSON.stringify(c.input)}\nresult ${JSON.stringify(final)}\nhunks ${JSON.stringify(hunks.map((h) => [h.status, h.reason]))}`;
  assert.equal(hunks.length, 1, ctx);
  if (hunks[0].status !== 'applied') {
    assert.equal(hunks[0].status, 'refused', ctx);
    assert.equal(final, personFile, `a refused hunk leaves the person's text: ${ctx}`);
    assert.ok(!c.elsewhere, `an edit on other lines is not refused: ${ctx}`);
    return 'refused';
  }
  // Per character (Yjs merges adjacent deleted characters into one item whoever deleted them).
  const runs = runsOf(text, (item, clock) => {
    if (item.id.client === 2) return item.deleted ? null : 'person';
    if (item.id.client !== 1) return item.deleted ? null : 'model';
    if (!item.deleted) return 'kept';
    return personDeleted.has(`${clock}`) ? 'personDeleted' : 'modelDeleted';
  });
  // Without the person's edit: their typed text out, the original text they deleted back.
  const withoutPerson = readings(runs, new Set<Kind>(['kept', 'personDeleted', 'model']), 'personDeleted', 'model');
  assert.ok(withoutPerson.includes(c.expected), `the model's change is there in full: ${ctx}\nread ${JSON.stringify(withoutPerson[0])}`);
  // Without the model's edit: its text out, the original text it deleted back.
  const withoutModel = readings(runs, new Set<Kind>(['kept', 'modelDeleted', 'person']), 'modelDeleted', 'person');
  assert.ok(withoutModel.includes(personFile), `the person's change is there in full: ${ctx}\nread ${JSON.stringify(withoutModel[0])}`);
  return 'applied';
}

test(`${RUNS} random concurrent edits: both changes land in full, or the hunk is refused and the person's text stays`, () => {
  const counts = { applied: 0, refused: 0 };
  for (let seed = 1; seed <= RUNS; seed++) counts[runSeed(seed)]++;
  // Most random pairs do not overlap: a property that refused everything would pass vacuously.
  assert.ok(counts.applied > RUNS * 0.6, JSON.stringify(counts));
  assert.ok(counts.refused > 0, JSON.stringify(counts));
});
