// The same peer over the other transports: SEARCH/REPLACE over Chat Completions (the replace
// side streams into the document line by line, inside one hunk) and apply_patch over HTTP SSE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filesOf } from '../../lib/schema.ts';
import { ask, authorsOf, createSession, fileText, joined, startAiStack, waitFinished, watchFile, waitFor } from '../../testing/aiTestKit.ts';

const BODY = Array.from({ length: 20 }, (_, i) => `  step${i}();`);
const FILE = `// header\n\nfunction run() {\n${BODY.join('\n')}\n}\n`;

test('Chat Completions: a SEARCH/REPLACE block streams in progressively while a person types above it', async () => {
  const stack = await startAiStack({ provider: 'chat', rate: 300 });
  try {
    const session = await createSession(stack.server.url, { files: { 'src/run.ts': FILE } });
    const a = await joined(session);
    const b = await joined(session);
    const newBody = BODY.map((l, i) => (i % 2 === 0 ? l.replace('();', '(true);') : l));
    const answer = `Passing true to every other step.\n\nsrc/run.ts\n\`\`\`ts\n<<<<<<< SEARCH\n${BODY.join('\n')}\n=======\n${newBody.join('\n')}\n>>>>>>> REPLACE\n\`\`\`\n`;
    stack.model.script({ text: answer });
    const watch = watchFile(a, 'src/run.ts');
    const res = await ask(stack.server, session, { prompt: 'pass true', file: 'src/run.ts' });
    assert.equal(res.status, 202);
    // As soon as the AI has started writing, B types on the header line above the hunk.
    await waitFor(() => watch.states.length >= 2, 'the first streamed line');
    const typed = ' by B';
    for (let k = 0; k < typed.length; k++) {
      b.doc.transact(() => filesOf(b.doc).get('src/run.ts')!.insert('// header'.length + k, typed[k]), 'B');
      await new Promise((r) => setTimeout(r, 10));
    }
    const run = await waitFinished(stack.server, session, res.body.runId!);
    watch.stop();
    assert.equal(run.status, 'done', JSON.stringify(run.error));
    const expected = `// header${typed}\n\nfunction run() {\n${newBody.join('\n')}\n}\n`;
    await waitFor(() => fileText(a, 'src/run.ts') === expected && fileText(b, 'src/run.ts') === expected, 'both clients to converge on the edit plus B\'s typing');
    assert.equal(run.explanation.trim(), 'Passing true to every other step.');
    assert.equal(run.hunks.length, 1);
    assert.equal(run.hunks[0].tier, 'exact');
    // Several intermediate states of ONE hunk: the replace side streamed in.
    const midHunk = watch.states.filter((s) => s.includes('(true)') && s !== expected && !s.endsWith(newBody.at(-2)!));
    assert.ok(midHunk.length >= 3, `intermediate states: ${midHunk.length}`);
    // Unchanged characters were kept, not deleted and re-inserted: the unchanged odd steps keep
    // the original author (the seed), only `true` is the AI's.
    const text = filesOf(a.doc).get('src/run.ts')!;
    const authors = authorsOf(text);
    const content = text.toString();
    const odd = content.indexOf('step1();');
    const seedAuthor = authors[content.indexOf('function')];
    assert.ok(authors.slice(odd, odd + 8).every((c) => c === seedAuthor));
    const t = content.indexOf('true');
    assert.ok(authors.slice(t, t + 4).every((c) => c === run.aiClientId));
    a.destroy();
    b.destroy();
  } finally {
    await stack.dispose();
  }
});

test('Responses over HTTP SSE: the same patch applies, and the thread records the run', async () => {
  const stack = await startAiStack({ transport: 'http', rate: 2000 });
  try {
    const session = await createSession(stack.server.url, { files: { 'src/run.ts': FILE } });
    const a = await joined(session);
    stack.model.script({ text: 'Renaming.', toolCall: { name: 'apply_patch', input: '*** Begin Patch\n*** Update File: src/run.ts\n@@\n-function run() {\n+function runAll() {\n*** Delete File: nothing.ts\n*** End Patch\n' } });
    const res = await ask(stack.server, session, { prompt: 'rename' });
    const run = await waitFinished(stack.server, session, res.body.runId!);
    assert.equal(run.status, 'done');
    assert.deepEqual(run.hunks.map((h) => [h.op, h.status]), [['update', 'applied'], ['delete', 'refused']]);
    await waitFor(() => fileText(a, 'src/run.ts') === FILE.replace('function run()', 'function runAll()'), 'the rename');
    assert.equal(stack.model.stats.wsHandshakes, 0);
    a.destroy();
  } finally {
    await stack.dispose();
  }
});
