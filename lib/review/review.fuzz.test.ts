// Authorship and hunk computation under concurrent edits from two simulated clients: a person's
// document and the AI's, exchanging updates in random order. Many seeds of a tiny PRNG.
// The AI writes each hunk the way server/ai/HunkWriter does (one origin, an UndoManager scoped
// to it, the minimal diff applied to the located range) and records it with lib/review/record.
// People type only X, Y and Z (never in the files' text), so their characters can be told apart
// without trusting the code under test; the seeded text is one item of client 1, so each old
// character's Yjs id says which original line it came from.
//
// Reject's invariant (lib/review/rejectLines.ts): the text left is the old text plus every
// person character plus newlines only at the edges of lines holding a person's text; a person
// character typed after the hunk was written shares a line only with old characters and person
// characters of the line it was on before, and with restored text only where that line kept
// some of its old characters. Undo of the reject gives back the text exactly as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { diffText } from '../edits/sequenceDiff.ts';
import { filesOf, identitiesOf } from '../schema.ts';
import { aiRunOrderOf, aiRunsOf } from '../ai/aiRuns.ts';
import { applyReview, hunkStates, lineAuthorship, pendingHunks } from './index.ts';
import { seededRandom as prng } from '../../testing/prng.ts';
import { writeAiHunk } from '../../testing/aiHunk.ts';


const FILE = 'src/a.ts';
const LINES = Array.from({ length: 24 }, (_, i) => `const v${i} = ${i} + w${i};`);
/** Hunk regions: lines [from, to), separated by untouched lines. */
const REGIONS = [[2, 4], [9, 11], [16, 19]] as const;
const PERSON = /[XYZ]/g;

function rewrite(rand: () => number, lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const r = rand();
    if (r < 0.15) continue; // line deleted
    out.push(r < 0.6 ? l.replace(/\+ w(\d+)/, (_, d) => `* q${d} - ${Math.floor(rand() * 9)}`) : l);
    if (rand() < 0.3) out.push(`  extra_${Math.floor(rand() * 1000)}();`);
  }
  return out;
}

interface Hunk { old: string; neu: string; inserted: number; personClock: number }

function setup(seed: number) {
  const rand = prng(seed);
  const base = new Y.Doc();
  base.clientID = 1;
  base.transact(() => filesOf(base).set(FILE, new Y.Text(LINES.map((l) => l + '\n').join(''))));
  const person = new Y.Doc();
  const ai = new Y.Doc();
  person.clientID = 100 + seed;
  ai.clientID = 500_000 + seed;
  Y.applyUpdate(person, Y.encodeStateAsUpdate(base));
  Y.applyUpdate(ai, Y.encodeStateAsUpdate(base));
  const toAi: Uint8Array[] = [];
  const toPerson: Uint8Array[] = [];
  person.on('update', (u: Uint8Array, o: unknown) => o !== 'sync' && toAi.push(u));
  ai.on('update', (u: Uint8Array, o: unknown) => o !== 'sync' && toPerson.push(u));
  person.transact(() => identitiesOf(person).set(String(person.clientID), { kind: 'human', name: 'Pat', color: '#0a0' }));
  const run = new Y.Map<unknown>();
  ai.transact(() => {
    run.set('id', 'r1');
    run.set('status', 'editing');
    run.set('aiClientId', ai.clientID);
    run.set('model', 'm');
    run.set('hunks', new Y.Array());
    aiRunsOf(ai).set('r1', run);
    aiRunOrderOf(ai).push(['r1']);
    identitiesOf(ai).set(String(ai.clientID), { kind: 'ai', name: 'm', color: '#80f', runId: 'r1', model: 'm' });
  }, 'ai');
  const hunks: Hunk[] = REGIONS.map(([a, b]) => {
    const oldLines = LINES.slice(a, b);
    return { old: oldLines.map((l) => l + '\n').join(''), neu: rewrite(rand, oldLines).map((l) => l + '\n').join(''), inserted: 0, personClock: 0 };
  });

  function writeHunk(k: number): void {
    const h = hunks[k];
    const text = filesOf(ai).get(FILE)!;
    const start = text.toString().indexOf(h.old);
    assert.ok(start >= 0, `seed ${seed}: hunk ${k} old text intact`);
    const origin = { kind: 'ai', runId: 'r1', hunkId: `r1:${k + 1}` };
    // The person's characters the AI had seen are context for this hunk; later ones are typing.
    h.personClock = Y.getState(ai.store, person.clientID);
    const written = writeAiHunk(ai, text, start, h.old.length, diffText(h.old, h.neu), origin);
    h.inserted += written.inserted;
    ai.transact(() => {
      const m = new Y.Map<unknown>();
      for (const [key, value] of Object.entries({
        id: `r1:${k + 1}`, file: FILE, op: 'update', status: 'applied', review: 'pending', oldText: h.old, newText: h.neu,
        start: written.start, end: written.end, items: written.items,
      })) m.set(key, value);
      (run.get('hunks') as Y.Array<Y.Map<unknown>>).push([m]);
    }, origin);
  }

  function personEdit(): void {
    const text = filesOf(person).get(FILE)!;
    const seen = pendingHunks(person);
    let at: number;
    if (seen.length > 0 && rand() < 0.8) {
      const h = seen[Math.floor(rand() * seen.length)];
      if (!h.range) return;
      at = Math.max(0, Math.min(text.length, h.range.start - 2 + Math.floor(rand() * (h.range.end - h.range.start + 5))));
    } else {
      at = rand() < 0.5 ? 0 : text.length;
    }
    const content = text.toString();
    person.transact(() => {
      if (rand() < 0.2) {
        const own = content.search(PERSON);
        if (own >= 0) text.delete(own, 1);
      } else {
        text.insert(at, 'XYZ'.slice(0, 1 + Math.floor(rand() * 3)));
      }
    }, 'person');
  }

  function deliver(all = false): void {
    for (const [queue, target] of [[toAi, ai], [toPerson, person]] as const) {
      const n = all ? queue.length : Math.floor(rand() * (queue.length + 1));
      // Random order: Yjs holds updates whose dependencies have not arrived yet.
      const batch = queue.splice(0, n);
      for (let j = batch.length - 1; j > 0; j--) {
        const r = Math.floor(rand() * (j + 1));
        [batch[j], batch[r]] = [batch[r], batch[j]];
      }
      for (const u of batch) Y.applyUpdate(target, u, 'sync');
    }
  }

  return { rand, person, ai, hunks, writeHunk, personEdit, deliver };
}

/** Each visible character: id, character, and the line it is on. */
function charLines(text: Y.Text): { client: number; clock: number; ch: string; line: number }[] {
  const out: { client: number; clock: number; ch: string; line: number }[] = [];
  let line = 0;
  for (let item = text._start; item; item = item.right) {
    if (item.deleted || !item.countable) continue;
    const str = (item.content as Y.ContentString).str;
    for (let i = 0; i < str.length; i++) {
      out.push({ client: item.id.client, clock: item.id.clock + i, ch: str[i], line });
      if (str[i] === '\n') line++;
    }
  }
  return out;
}

/** Checks the reject invariant above; returns how many newlines the reject added. */
function checkRejectLines(seed: number, personClient: number, h: Hunk, pre: Y.Text, post: Y.Text, expected: string): number {
  const before = new Map(charLines(pre).map((c) => [`${c.client}:${c.clock}`, c.line]));
  const preSolidBase = new Set(charLines(pre).filter((c) => c.client === 1 && /\S/.test(c.ch)).map((c) => c.line));
  const chars = charLines(post);
  const typed = (c: { client: number; clock: number }) => c.client === personClient && c.clock >= h.personClock;
  const byLine = new Map<number, typeof chars>();
  for (const c of chars) (byLine.get(c.line) ?? byLine.set(c.line, []).get(c.line)!).push(c);
  for (const [n, line] of byLine) {
    const persons = line.filter(typed);
    if (persons.length === 0) continue;
    const from = new Set([...persons, ...line.filter((c) => c.client === 1)].map((c) => before.get(`${c.client}:${c.clock}`)));
    assert.equal(from.size, 1, `seed ${seed}: line ${n + 1} joins a person's text to another line's: ${JSON.stringify(line.map((c) => c.ch).join(''))}`);
    const restored = line.filter((c) => !before.has(`${c.client}:${c.clock}`) && /\S/.test(c.ch));
    if (restored.length > 0) assert.ok(preSolidBase.has([...from][0]!), `seed ${seed}: line ${n + 1} puts restored text beside a person's on a line the AI wrote`);
  }
  // Old text + person characters + newlines, each next to a line holding a person's text.
  const text = post.toString();
  const lines = text.split('\n');
  let added = 0;
  let e = 0;
  let lineNo = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (/[XYZ]/.test(ch)) continue;
    if (ch === expected[e]) e++;
    else {
      assert.equal(ch, '\n', `seed ${seed}: only newlines are added (offset ${i})`);
      let a = lineNo;
      while (a > 0 && lines[a] === '') a--;
      let b = lineNo + 1;
      while (b < lines.length - 1 && lines[b] === '') b++;
      assert.ok(/[XYZ]/.test(lines[a]) || /[XYZ]/.test(lines[b] ?? ''), `seed ${seed}: an added newline at line ${lineNo + 1} is beside a person's text`);
      added++;
    }
    if (ch === '\n') lineNo++;
  }
  assert.equal(e, expected.length, `seed ${seed}: the old text is all there`);
  return added;
}

function expectedText(hunks: Hunk[], rejected: Set<number>): string {
  let text = LINES.map((l) => l + '\n').join('');
  hunks.forEach((h, k) => {
    if (!rejected.has(k)) text = text.replace(h.old, h.neu);
  });
  return text;
}

const SEEDS = 240;

test(`hunks, authorship, reject and undo under concurrent edits (${SEEDS} seeds)`, () => {
  let separated = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const s = setup(seed);
    let next = 0;
    while (next < s.hunks.length) {
      const r = s.rand();
      if (r < 0.35) {
        // The AI only writes where its replica holds the old text intact (as the locator requires).
        if (filesOf(s.ai).get(FILE)!.toString().includes(s.hunks[next].old)) s.writeHunk(next++);
        else s.deliver(true);
      } else if (r < 0.75) s.personEdit();
      else s.deliver();
    }
    for (let k = 0; k < 12; k++) (s.rand() < 0.7 ? s.personEdit() : s.deliver());
    s.deliver(true);
    s.deliver(true);
    const pText = filesOf(s.person).get(FILE)!;
    assert.equal(pText.toString(), filesOf(s.ai).get(FILE)!.toString(), `seed ${seed}: converged`);
    const content = pText.toString();
    assert.equal(content.replace(PERSON, ''), expectedText(s.hunks, new Set()), `seed ${seed}: AI text + person text`);

    const states = hunkStates(s.person);
    assert.deepEqual(states, hunkStates(s.ai), `seed ${seed}: same hunk states on both sides`);
    assert.equal(states.length, 3);
    states.forEach((h, k) => {
      assert.ok(h.range);
      const inside = content.slice(h.range.start, h.range.end);
      assert.equal(h.aiChars, s.hunks[k].inserted, `seed ${seed} hunk ${k}: every AI character, nothing else`);
      const persons = (inside.match(PERSON) ?? []).length;
      assert.equal(h.personChars, persons, `seed ${seed} hunk ${k}: person characters inside`);
      assert.equal(h.mixed, persons > 0, `seed ${seed} hunk ${k}: mixed`);
      for (const sp of h.personSpans) assert.match(content.slice(sp.start, sp.end), /^[XYZ]+$/);
    });
    // Authorship: every X/Y/Z is Pat's, every AI-span character the AI's.
    const lines = lineAuthorship(s.person, pText);
    content.split('\n').forEach((line, i) => {
      if (/[XYZ]/.test(line)) assert.ok(lines[i].authors.some((a) => a.name === 'Pat'), `seed ${seed} line ${i + 1}`);
    });

    // Reject one hunk from the person's side; the AI's replica receives it.
    const k = Math.floor(s.rand() * 3);
    const personCount = (content.match(PERSON) ?? []).length;
    const pre = new Y.Doc();
    Y.applyUpdate(pre, Y.encodeStateAsUpdate(s.person));
    applyReview(s.person, { action: 'reject', hunkIds: [`r1:${k + 1}`] }, { name: 'Pat' }, { kind: 'review' });
    s.deliver(true);
    const after = filesOf(s.person).get(FILE)!.toString();
    assert.equal(after, filesOf(s.ai).get(FILE)!.toString(), `seed ${seed}: converged after reject`);
    const added = checkRejectLines(seed, s.person.clientID, s.hunks[k], filesOf(pre).get(FILE)!, filesOf(s.person).get(FILE)!, expectedText(s.hunks, new Set([k])));
    if (added > 0) separated++;
    if (added === 0) assert.equal(after.replace(PERSON, ''), expectedText(s.hunks, new Set([k])), `seed ${seed}: reject restores old text only there`);
    assert.equal((after.match(PERSON) ?? []).length, personCount, `seed ${seed}: every person character stays`);
    const pending = pendingHunks(s.person);
    assert.deepEqual(pending.map((h) => h.hunkId), [1, 2, 3].filter((n) => n !== k + 1).map((n) => `r1:${n}`));
    for (const h of pending) assert.equal(h.aiChars, s.hunks[Number(h.hunkId.slice(3)) - 1].inserted, `seed ${seed}: other hunks intact`);

    // Undo the reject from the AI's side: the AI text is back and pending again.
    applyReview(s.ai, { action: 'undo' }, { name: 'Pat' }, { kind: 'review' });
    s.deliver(true);
    const undone = filesOf(s.person).get(FILE)!.toString();
    assert.equal(undone, filesOf(s.ai).get(FILE)!.toString());
    assert.equal(undone, content, `seed ${seed}: undo of reject gives the text back exactly`);
    const again = pendingHunks(s.person);
    assert.equal(again.length, 3);
    assert.equal(again[k].aiChars, s.hunks[k].inserted, `seed ${seed}: undone hunk's AI characters found again`);
  }
  // The seeds must exercise the line rule, not only the plain case.
  assert.ok(separated >= 10, `only ${separated} seeds needed a separator`);
});
