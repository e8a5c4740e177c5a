// A person edits a file after the model read it and before the model's hunk lands, through the
// real AI peer and a model server speaking the provider's protocol (apply_patch over the
// Responses WebSocket, SEARCH/REPLACE over Chat Completions): the model's turn is held at a
// scripted pause right after its request arrived (the context is read), the person's change
// reaches the server, then the turn goes on. Cases in testing/concurrentCases.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CreateSessionResponse } from '../../lib/api.ts';
import { filesOf, identitiesOf } from '../../lib/schema.ts';
import { ask, createSession, fileText, getRun, joined, startAiStack, waitFinished, waitFor, type AiStack } from '../../testing/aiTestKit.ts';
import { CONCURRENT_CASES, asApplyPatch, asSearchReplace, minimalEdit, type ConcurrentCase } from '../../testing/concurrentCases.ts';

const PERSON = 'Ada';

async function serverFile(stack: AiStack, session: CreateSessionResponse, path: string): Promise<string | undefined> {
  const res = await fetch(`${stack.server.url}/api/sessions/${session.id}/files`, { headers: { authorization: `Bearer ${session.collab.viewParams.token}` } });
  return ((await res.json()) as { files: Record<string, string> }).files[path];
}

async function runCase(stack: AiStack, c: ConcurrentCase, format: 'patch' | 'sr'): Promise<void> {
  const session = await createSession(stack.server.url, { files: { [c.path]: c.file } });
  const person = await joined(session);
  try {
    person.doc.transact(() => identitiesOf(person.doc).set(String(person.doc.clientID), { kind: 'human', name: PERSON, color: '#e11d48' }));
    const pausesBefore = stack.model.pauses.reached;
    stack.model.script(format === 'patch'
      ? { text: 'Done.', toolCall: { name: 'apply_patch', input: asApplyPatch(c) }, pauseAfterTokens: 0 }
      : { text: asSearchReplace(c), pauseAfterTokens: 0 });
    const asked = await ask(stack.server, session, { prompt: 'make the change', file: c.path });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    // The model has the request (its context was read from the document): now the person types.
    await waitFor(() => stack.model.pauses.reached > pausesBefore, 'the model turn to pause');
    let personText = c.file;
    if (c.person) {
      const text = filesOf(person.doc).get(c.path)!;
      const [at, del, ins] = minimalEdit(text.toString(), c.person);
      person.doc.transact(() => {
        if (del > 0) text.delete(at, del);
        if (ins) text.insert(at, ins);
      });
      personText = text.toString();
      for (let i = 0; (await serverFile(stack, session, c.path)) !== personText; i++) {
        assert.ok(i < 500, 'the person\'s change reaches the server');
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    stack.model.pauses.release();
    const run = await waitFinished(stack.server, session, asked.body.runId!, 60_000);
    assert.equal(run.status, 'done', JSON.stringify(run));
    const view = await getRun(stack.server, session, asked.body.runId!);
    const server = await serverFile(stack, session, c.path);
    await waitFor(() => fileText(person, c.path) === server, 'the person to hold the server\'s text');
    const final = fileText(person, c.path)!;
    const hunks = view.hunks.filter((h) => h.file === c.path);
    if (c.expect.kind === 'refused') {
      assert.equal(final, personText, 'the person\'s version stays whole');
      const refused = hunks.find((h) => h.status === 'refused');
      assert.ok(refused, `a refused hunk: ${JSON.stringify(hunks)}`);
      // Who deleted text is not in the CRDT (only who typed): a pure deletion is "Someone".
      const who = c.person?.replace === '' ? 'Someone' : PERSON;
      assert.match(refused.reason ?? '', new RegExp(`^${who} changed this text while the AI was writing`));
      assert.ok(!hunks.some((h) => h.status === 'applied'), 'nothing applied');
      // The model's whole hunk stays in the record, for people to compare with theirs.
      assert.equal(refused.conflict, true);
      assert.equal(refused.newText, `${c.hunk.filter((l) => !l.startsWith('-')).map((l) => l.slice(1)).join('\n')}\n`);
      return;
    }
    assert.deepEqual(hunks.map((h) => [h.status, h.reason]), hunks.map(() => ['applied', null]), 'every hunk applied');
    if (c.expect.kind === 'merged') {
      assert.equal(final, c.expect.file);
    } else {
      const line = `${c.expect.line}\n`;
      assert.equal(final.split(line).length, 2, `the person's line is there once:\n${final}`);
      assert.equal(final.replace(line, ''), c.expect.file);
    }
  } finally {
    person.destroy();
  }
}

for (const provider of ['responses', 'chat'] as const) {
  describe(`a person edits while the model writes (${provider === 'responses' ? 'apply_patch' : 'SEARCH/REPLACE'})`, () => {
    let stack: AiStack;
    before(async () => {
      // Turns are held at a pause while the person types: the stall bound is the test's, not 1 s.
      stack = await startAiStack({ provider, rate: 0, env: { TANDEM_AI_STALL_MS: '60000' } });
    });
    after(async () => {
      await stack.dispose();
    });
    for (const c of CONCURRENT_CASES) {
      test(c.name, async () => {
        await runCase(stack, c, provider === 'responses' ? 'patch' : 'sr');
      });
    }
  });
}
