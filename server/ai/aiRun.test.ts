// A run end to end at the room level: the model server streams an apply_patch edit, the AI
// peer applies it to the room, and stock y-websocket clients watch it happen.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { identitiesOf, filesOf } from '../../lib/schema.ts';
import { ask, authorsOf, createSession, fileText, joined, startAiStack, waitFinished, watchFile, waitFor, type AiStack } from '../../testing/aiTestKit.ts';

const APP = Array.from({ length: 40 }, (_, i) => `export function f${i}(x: number) {\n  return x + ${i};\n}\n`).join('\n');

function patchFor(hunks: number[]): string {
  let p = '*** Begin Patch\n*** Update File: src/app.ts\n';
  for (const i of hunks) p += `@@ export function f${i}(x: number) {\n-  return x + ${i};\n+  return x * ${i} + 1;\n`;
  p += '*** Add File: src/new.ts\n' + Array.from({ length: 12 }, (_, i) => `+export const n${i} = ${i};\n`).join('');
  return p + '*** End Patch\n';
}

let stack: AiStack;
before(async () => {
  stack = await startAiStack({ rate: 400 });
});
after(async () => {
  await stack.dispose();
});

test('a run streams its edits into the room progressively, as the AI, with the thread recorded', async () => {
  const session = await createSession(stack.server.url, { files: { 'src/app.ts': APP } });
  const a = await joined(session);
  const b = await joined(session);
  try {
    stack.model.script({ text: 'Multiplying instead of adding.', toolCall: { name: 'apply_patch', input: patchFor([3, 10, 20, 30]) } });
    const watch = watchFile(b, 'src/app.ts');
    const res = await ask(stack.server, session, { prompt: 'multiply', file: 'src/app.ts', requestedBy: { name: 'Ann', clientId: a.doc.clientID } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const runId = res.body.runId!;
    // Someone types at the top of the same file while the AI streams.
    const typed = '// typed by B\n';
    await waitFor(() => watch.states.length >= 2, 'the first AI hunk');
    for (let k = 0; k < typed.length; k++) {
      b.doc.transact(() => filesOf(b.doc).get('src/app.ts')!.insert(k, typed[k]), 'B');
      await new Promise((r) => setTimeout(r, 5));
    }
    const run = await waitFinished(stack.server, session, runId);
    watch.stop();
    assert.equal(run.status, 'done', JSON.stringify(run.error));
    // The run's status is read from the server's document at once; its last update reaches the
    // clients after it is stored: wait until both hold what the server holds.
    const stored = ((await (await fetch(`${stack.server.url}/api/sessions/${session.id}/files`, { headers: { authorization: `Bearer ${session.collab.viewParams.token}` } })).json()) as { files: Record<string, string> }).files;
    await waitFor(() => [a, b].every((c) => fileText(c, 'src/new.ts') === stored['src/new.ts'] && fileText(c, 'src/app.ts') === stored['src/app.ts']), 'convergence');

    let expected = APP;
    for (const i of [3, 10, 20, 30]) expected = expected.replace(`return x + ${i};`, `return x * ${i} + 1;`);
    assert.equal(fileText(a, 'src/app.ts'), typed + expected);
    assert.equal(fileText(a, 'src/new.ts'), Array.from({ length: 12 }, (_, i) => `export const n${i} = ${i};\n`).join(''));
    // Progressive: B saw the file in several intermediate states (one per hunk at least).
    assert.ok(watch.states.length >= 4, `states seen: ${watch.states.length}`);

    // The thread: explanation, hunks, figures.
    assert.equal(run.explanation, 'Multiplying instead of adding.');
    assert.equal(run.requestedBy.name, 'Ann');
    assert.deepEqual(run.hunks.map((h) => [h.file, h.op, h.status]), [
      ['src/app.ts', 'update', 'applied'], ['src/app.ts', 'update', 'applied'], ['src/app.ts', 'update', 'applied'], ['src/app.ts', 'update', 'applied'], ['src/new.ts', 'add', 'applied'],
    ]);
    assert.ok(run.metrics && run.metrics.tokens > 0 && run.metrics.ttftMs !== null && run.metrics.durationMs > 0);
    assert.equal(run.model, 'tandem-test-model');

    // Authorship from the CRDT: the changed characters carry the run's clientID, a human's don't.
    const aiId = run.aiClientId!;
    assert.equal(identitiesOf(a.doc).get(String(aiId))?.kind, 'ai');
    const text = filesOf(a.doc).get('src/app.ts')!;
    const authors = authorsOf(text);
    const content = text.toString();
    const star = content.indexOf('x * 3 + 1');
    assert.equal(authors[star + 2], aiId, 'the * the AI wrote');
    assert.equal(authors[0], b.doc.clientID, 'B\'s typing');
    assert.ok(authors.slice(content.indexOf('export function f4')).slice(0, 20).every((c) => c !== aiId), 'untouched text keeps its author');
    assert.ok(authorsOf(filesOf(a.doc).get('src/new.ts')!).every((c) => c === aiId));
    // The recorded range of hunk 1 resolves to the text it wrote.
    const { hunkRange } = await import('../../lib/ai/aiRuns.ts');
    const range = hunkRange(a.doc, run.hunks[0]);
    assert.ok(range);
    assert.match(content.slice(range.start, range.end), /x \* 3 \+ 1/);
    assert.match(run.hunks[0].oldText, /return x \+ 3;/);
  } finally {
    a.destroy();
    b.destroy();
  }

});
