// Every upstream failure ends the run with a clear error in the thread, the hunk in progress
// rolled back (no half-written hunk), completed hunks kept, and the room still working.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { filesOf } from '../../lib/schema.ts';
import { tokenize, type Failure } from '../../modelServer/modelServer.ts';
import { ask, cancelRun, createSession, fileText, joined, startAiStack, waitFinished, waitFor, type AiStack } from '../../testing/aiTestKit.ts';

const APP = 'export function f(x: number) {\n  return x + 1;\n}\n\nexport function g() {\n  return 0;\n}\n';
const EXPLANATION = 'Changing f, adding a module.';
const HEAD = '*** Begin Patch\n*** Update File: src/app.ts\n@@ export function f(x: number) {\n-  return x + 1;\n+  return x + 2;\n*** Add File: src/new.ts\n';
const ADDED = Array.from({ length: 30 }, (_, i) => `+export const value${i} = ${i};\n`).join('');
const PATCH = `${HEAD}${ADDED}*** End Patch\n`;
/** A point in the middle of the added file: hunk 1 is complete, the add is in progress. */
const MID_ADD = tokenize(EXPLANATION).length + tokenize(HEAD).length + tokenize(ADDED).length / 2;

let stack: AiStack;
before(async () => {
  stack = await startAiStack({ rate: 1000 });
});
after(async () => {
  await stack.dispose();
});

async function runWith(failure: Failure | null, opts: { global?: boolean } = {}) {
  const session = await createSession(stack.server.url, { files: { 'src/app.ts': APP } });
  const client = await joined(session);
  if (opts.global) stack.model.setFailure(failure);
  stack.model.script({ text: EXPLANATION, toolCall: { name: 'apply_patch', input: PATCH }, ...(failure && !opts.global ? { failure } : {}) });
  try {
    const res = await ask(stack.server, session, { prompt: 'change f', file: 'src/app.ts' });
    assert.equal(res.status, 202);
    const run = await waitFinished(stack.server, session, res.body.runId!);
    await waitFor(() => filesOf(client.doc).get('src/app.ts')?.toString() !== undefined, 'file');
    // Give the last updates a moment to reach the client, then read.
    await new Promise((r) => setTimeout(r, 50));
    return { session, client, run, app: fileText(client, 'src/app.ts'), added: fileText(client, 'src/new.ts') };
  } finally {
    stack.model.setFailure(null);
    stack.model.clearScript();
  }
}

describe('mid-stream failures roll back the hunk in progress and keep the completed one', () => {
  const cases: Array<[string, Failure, RegExp]> = [
    ['upstream drop', { kind: 'drop', afterTokens: MID_ADD }, /drop|connection|closed/i],
    ['error event', { kind: 'error-event', afterTokens: MID_ADD, code: 'server_error', message: 'boom' }, /boom|error/i],
    ['response.failed', { kind: 'failed', afterTokens: MID_ADD, message: 'model failed' }, /fail/i],
    ['malformed event', { kind: 'malformed', variant: 'invalid-json', afterTokens: MID_ADD }, /malformed/i],
    ['stall', { kind: 'stall', ms: 4000, afterTokens: MID_ADD }, /stall|sent nothing/i],
  ];
  for (const [name, failure, message] of cases) {
    test(name, async () => {
      const { client, run, app, added } = await runWith(failure);
      try {
        assert.equal(run.status, 'error', JSON.stringify(run));
        assert.ok(run.error && run.error.message.length > 0);
        assert.match(run.error.message, message);
        assert.equal(app, APP.replace('x + 1', 'x + 2'), 'the completed hunk stays');
        assert.equal(added, null, 'the half-written file is gone');
        assert.deepEqual(run.hunks.map((h) => h.status), ['applied', 'rolledBack']);
        // The room keeps working: a person's edit still goes through.
        filesOf(client.doc).get('src/app.ts')!.insert(0, '// ok\n');
        assert.ok(fileText(client, 'src/app.ts')!.startsWith('// ok\n'));
      } finally {
        client.destroy();
      }
    });
  }
});

describe('refusals before any output end the run with the reason and change nothing', () => {
  const cases: Array<[string, Failure, string, RegExp]> = [
    ['401', { kind: 'http', status: 401, message: 'bad key' }, 'unauthorized', /key|auth/i],
    ['429 with a long retry-after', { kind: 'http', status: 429, retryAfterSeconds: 120 }, 'rate_limited', /rate|limit|retry/i],
    ['500', { kind: 'http', status: 500 }, 'server_error', /server|500|error/i],
  ];
  for (const [name, failure, code, message] of cases) {
    test(name, async () => {
      const { client, run, app, added } = await runWith(failure, { global: true });
      try {
        assert.equal(run.status, 'error');
        assert.equal(run.error?.code, code, JSON.stringify(run.error));
        assert.match(run.error!.message, message);
        assert.equal(app, APP);
        assert.equal(added, null);
        assert.equal(run.hunks.length, 0);
      } finally {
        client.destroy();
      }
    });
  }
});

test('Stop mid-hunk: the completed hunk stays, the one in progress is rolled back, upstream closed', async () => {
  const session = await createSession(stack.server.url, { files: { 'src/app.ts': APP } });
  const client = await joined(session);
  stack.model.script({ text: EXPLANATION, toolCall: { name: 'apply_patch', input: PATCH }, rate: 150 });
  try {
    const res = await ask(stack.server, session, { prompt: 'change f', file: 'src/app.ts' });
    await waitFor(() => (fileText(client, 'src/new.ts') ?? '').split('\n').length > 3, 'the added file to be half written');
    const cancelAt = Date.now();
    const stop = await cancelRun(stack.server, session, res.body.runId!);
    assert.equal(stop.status, 200);
    const run = await waitFinished(stack.server, session, res.body.runId!);
    await waitFor(() => fileText(client, 'src/new.ts') === null, 'rollback to reach the client');
    assert.equal(run.status, 'cancelled');
    assert.match(run.error?.message ?? '', /stopped by Tester/);
    assert.equal(fileText(client, 'src/app.ts'), APP.replace('x + 1', 'x + 2'));
    assert.deepEqual(run.hunks.map((h) => h.status), ['applied', 'rolledBack']);
    // The upstream stream was closed: the model server stopped sending soon after the Stop.
    await new Promise((r) => setTimeout(r, 300));
    const late = stack.model.stats.tokens.all().filter((t) => t.at > cancelAt + 150);
    assert.equal(late.length, 0, `${late.length} deltas were sent after the Stop`);
  } finally {
    client.destroy();
    stack.model.clearScript();
  }
});

test('a hunk whose old text is not in the file is refused and recorded; the rest applies', async () => {
  const patch = '*** Begin Patch\n*** Update File: src/app.ts\n@@\n-  return nothing;\n+  return something;\n@@ export function g() {\n-  return 0;\n+  return 42;\n*** End Patch\n';
  stack.model.script({ text: 'Two changes.', toolCall: { name: 'apply_patch', input: patch } });
  const session = await createSession(stack.server.url, { files: { 'src/app.ts': APP } });
  const client = await joined(session);
  try {
    const res = await ask(stack.server, session, { prompt: 'two changes' });
    const run = await waitFinished(stack.server, session, res.body.runId!);
    assert.equal(run.status, 'done');
    assert.deepEqual(run.hunks.map((h) => h.status), ['refused', 'applied']);
    assert.match(run.hunks[0].reason ?? '', /not found/);
    await waitFor(() => fileText(client, 'src/app.ts') === APP.replace('return 0', 'return 42'), 'the second hunk');
    // The next turn tells the model what was refused.
    stack.model.script({ text: 'ok' });
    const next = await ask(stack.server, session, { prompt: 'again' });
    await waitFinished(stack.server, session, next.body.runId!);
    const body = JSON.stringify(stack.model.stats.bodies('responses-ws').at(-1));
    assert.match(body, /NOT applied/);
  } finally {
    client.destroy();
    stack.model.clearScript();
  }
});
