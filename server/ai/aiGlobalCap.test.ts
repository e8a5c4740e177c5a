// The server-wide cap on AI runs executing at once (TANDEM_AI_MAX_RUNNING): with the cap taken
// by one session's run, another session's run waits, queued with its place in the server's line
// shown in its thread, and starts when the first finishes; cancelling it while it waits frees
// nothing it did not hold.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ask, cancelRun, createSession, getRun, joined, startAiStack, waitFinished, waitFor, type AiStack } from '../../testing/aiTestKit.ts';
import { readThread } from '../../lib/ai/aiRuns.ts';

let stack: AiStack;
before(async () => {
  stack = await startAiStack({ rate: 0, env: { TANDEM_AI_MAX_RUNNING: '1', TANDEM_AI_STALL_MS: '60000' } });
});
after(async () => {
  await stack.dispose();
});

test('a run beyond the server-wide cap waits queued with its position, and starts when a slot frees', async () => {
  const first = await createSession(stack.server.url, { files: { 'a.ts': 'export const a = 1;\n' } });
  const second = await createSession(stack.server.url, { files: { 'b.ts': 'export const b = 1;\n' } });
  const third = await createSession(stack.server.url, { files: { 'c.ts': 'export const c = 1;\n' } });
  const watcher = await joined(second);
  try {
    const paused = stack.model.pauses.reached;
    stack.model.script({ id: 'holder', text: 'Holding the only slot.', pauseAfterTokens: 0 });
    const a = await ask(stack.server, first, { prompt: 'hold' });
    assert.equal(a.status, 202);
    await waitFor(() => stack.model.pauses.reached > paused, 'the first run to hold the slot');

    stack.model.script({ text: 'Second.' });
    const b = await ask(stack.server, second, { prompt: 'wait your turn' });
    const c = await ask(stack.server, third, { prompt: 'me too' });
    assert.equal(b.status, 202);
    assert.equal(c.status, 202);
    // Queued, and the thread says where in the server's line.
    await waitFor(() => readThread(watcher.doc).find((r) => r.id === b.body.runId)?.queuePosition === 1, 'position 1 in the thread');
    assert.equal((await getRun(stack.server, second, b.body.runId!)).status, 'queued');
    assert.equal((await getRun(stack.server, third, c.body.runId!)).queuePosition, 2);
    // A waiting run cancelled leaves the line; the one behind it moves up.
    assert.equal((await cancelRun(stack.server, second, b.body.runId!)).status, 200);
    for (let i = 0; (await getRun(stack.server, third, c.body.runId!)).queuePosition !== 1; i++) {
      assert.ok(i < 500, 'the third run moves up to 1');
      await new Promise((r) => setTimeout(r, 10));
    }

    stack.model.pauses.release();
    const runA = await waitFinished(stack.server, first, a.body.runId!, 60_000);
    const runC = await waitFinished(stack.server, third, c.body.runId!, 60_000);
    assert.equal(runA.status, 'done');
    assert.equal(runC.status, 'done', JSON.stringify(runC.error));
    assert.ok(runC.startedAt! >= runA.finishedAt!, 'one at a time across sessions');
    assert.equal((await getRun(stack.server, second, b.body.runId!)).status, 'cancelled');
  } finally {
    watcher.destroy();
  }
});
