// A file key that is not a workspace path, already in a stored document (written before keys
// were vetted at the door): it never reaches the model, `/files` or the zip.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { unzipSync } from 'fflate';
import { filesOf } from '../../lib/schema.ts';
import { ask, createSession, joined, startAiStack, waitFinished, type AiStack } from '../../testing/aiTestKit.ts';

let stack: AiStack;
before(async () => {
  stack = await startAiStack({ rate: 0 });
});
after(async () => {
  await stack.dispose();
});

test('keys that are not paths stay out of the AI request, /files and the zip', async () => {
  const session = await createSession(stack.server.url, { files: { 'ok.ts': 'export const ok = 1;\n' } });
  const person = await joined(session);
  try {
    const room = (await stack.server.rooms.peek(session.id))!;
    room.doc.transact(() => {
      for (const key of ['../../evil.sh', '/etc/cron.d/evil', 'C:\\evil.bat']) filesOf(room.doc).set(key, new Y.Text('BAD-KEY-CONTENT'));
    });
    const before = stack.model.stats.requests.all().length;
    stack.model.script({ text: 'Looked.' });
    const res = await ask(stack.server, session, { prompt: 'list the files' });
    assert.equal(res.status, 202);
    assert.equal((await waitFinished(stack.server, session, res.body.runId!)).status, 'done');
    const sent = JSON.stringify(stack.model.stats.requests.all().slice(before).map((r) => r.body));
    assert.match(sent, /ok\.ts|list the files/);
    assert.doesNotMatch(sent, /evil|BAD-KEY-CONTENT/);
    const auth = { authorization: `Bearer ${session.collab.viewParams.token}` };
    const files = (await (await fetch(`${stack.server.url}/api/sessions/${session.id}/files`, { headers: auth })).json()) as { files: Record<string, string> };
    assert.deepEqual(Object.keys(files.files), ['ok.ts']);
    const zip = unzipSync(new Uint8Array(await (await fetch(`${stack.server.url}/api/sessions/${session.id}/zip`, { headers: auth })).arrayBuffer()));
    assert.deepEqual(Object.keys(zip), ['ok.ts']);
  } finally {
    person.destroy();
  }
});
