// The AI's writes respect the room's document size limit (MAX_DOC_BYTES) like a person's do.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ask, createSession, fileText, joined, startAiStack, waitFinished, type AiStack } from '../../testing/aiTestKit.ts';

let stack: AiStack;
before(async () => {
  stack = await startAiStack({ rate: 0, env: { MAX_DOC_BYTES: '8000' } });
});
after(async () => {
  await stack.dispose();
});

test('a run that would grow the document past MAX_DOC_BYTES stops with a clear error and leaves no half file', async () => {
  const session = await createSession(stack.server.url, { files: { 'a.ts': 'export const a = 1;\n' } });
  const client = await joined(session);
  try {
    const big = Array.from({ length: 400 }, (_, i) => `+export const value${i} = 'padding padding padding ${i}';\n`).join('');
    stack.model.script({ toolCall: { name: 'apply_patch', input: `*** Begin Patch\n*** Add File: big.ts\n${big}*** End Patch\n` } });
    const res = await ask(stack.server, session, { prompt: 'add a big file' });
    assert.equal(res.status, 202);
    const run = await waitFinished(stack.server, session, res.body.runId!);
    assert.equal(run.status, 'error');
    assert.equal(run.error?.code, 'document_too_large');
    assert.match(run.error!.message, /size limit/);
    assert.equal(run.hunks[0].status, 'rolledBack');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(fileText(client, 'big.ts'), null);
    assert.equal(fileText(client, 'a.ts'), 'export const a = 1;\n');
  } finally {
    client.destroy();
  }
});
