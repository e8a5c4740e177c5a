// Several AI peers at once, through the real AI peer and the model server over the Responses
// WebSocket: asks on two files run at the same time, each as its own peer (its own clientID,
// presence entry and colour), on two lanes (`stream_id`) of the session's one model connection;
// a third ask on a file being edited waits for that run and then goes on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ask, createSession, getRun, joined, startAiStack, waitFinished, waitFor, type AiStack } from '../../testing/aiTestKit.ts';

const A = 'src/a.ts';
const B = 'src/b.ts';
const patch = (file: string, from: string, to: string) => `*** Begin Patch\n*** Update File: ${file}\n@@\n-${from}\n+${to}\n*** End Patch\n`;

let stack: AiStack;
before(async () => {
  stack = await startAiStack({ provider: 'responses', rate: 0, env: { TANDEM_AI_STALL_MS: '60000' } });
});
after(() => stack.dispose());

test('asks on two files run at once as two AI peers on lanes of one model connection; a third on a busy file waits its turn', async (t) => {
  t.after(() => stack.model.pauses.release());
  const session = await createSession(stack.server.url, { files: { [A]: 'export const a = 1;\n', [B]: 'export const b = 1;\n' } });
  const watcher = await joined(session);
  stack.model.script(
    { id: 'on-a', text: 'Changing a.', toolCall: { name: 'apply_patch', input: patch(A, 'export const a = 1;', 'export const a = 2;') }, pauseAt: 'Changing', whenInputIncludes: 'change a' },
    { id: 'on-b', text: 'Changing b.', toolCall: { name: 'apply_patch', input: patch(B, 'export const b = 1;', 'export const b = 2;') }, pauseAt: 'Changing', whenInputIncludes: 'change b' },
    { id: 'on-a-again', text: 'Again.', toolCall: { name: 'apply_patch', input: patch(A, 'export const a = 2;', 'export const a = 3;') }, whenInputIncludes: 'a once more' },
  );
  const first = await ask(stack.server, session, { prompt: 'change a', file: A });
  const second = await ask(stack.server, session, { prompt: 'change b', file: B });
  const third = await ask(stack.server, session, { prompt: 'a once more', file: A });
  for (const r of [first, second, third]) assert.equal(r.status, 202, JSON.stringify(r.body));
  // Both held mid-response at once: they stream in parallel.
  await waitFor(() => stack.model.pauses.list().length === 2, 'both runs to stream at once');
  const running = await Promise.all([first, second].map((r) => getRun(stack.server, session, r.body.runId!)));
  for (const r of running) assert.ok(r.status === 'thinking' || r.status === 'editing', r.status);
  assert.notEqual(running[0]!.aiClientId, running[1]!.aiClientId, 'each run writes under its own clientID');
  const queued = await getRun(stack.server, session, third.body.runId!);
  assert.equal(queued.status, 'queued', 'the run on a file being edited waits');
  // Two AI entries in the room's presence, in two colours.
  const ais = () => [...watcher.provider.awareness.getStates().values()].filter((s) => s.kind === 'ai');
  await waitFor(() => ais().length === 2, 'two AI peers in the presence');
  assert.equal(new Set(ais().map((s) => (s.user as { color: string }).color)).size, 2);

  stack.model.pauses.release('on-b');
  stack.model.pauses.release('on-a');
  const runs = await Promise.all([first, second, third].map((r) => waitFinished(stack.server, session, r.body.runId!, 60_000)));
  assert.deepEqual(runs.map((r) => r.status), ['done', 'done', 'done'], JSON.stringify(runs.map((r) => r.error)));
  assert.ok(runs[2]!.startedAt! >= runs[0]!.finishedAt!, 'the third started once the run on its file had finished');
  const files = (await (await fetch(`${stack.server.url}/api/sessions/${session.id}/files`, { headers: { authorization: `Bearer ${session.collab.viewParams.token}` } })).json()) as { files: Record<string, string> };
  assert.deepEqual(files.files, { [A]: 'export const a = 3;\n', [B]: 'export const b = 2;\n' });
  // One model connection: the runs streamed on lanes of it.
  const creates = stack.model.stats.requests.all().filter((r) => {
    const b = r.body as { type?: string; generate?: boolean; input?: unknown };
    return b.type === 'response.create' && b.generate !== false && /change a|change b|a once more/.test(JSON.stringify(b.input));
  });
  assert.equal(creates.length, 3);
  assert.equal(new Set(creates.map((r) => r.connectionId)).size, 1, 'all on one connection');
  const lanes = new Set(creates.map((r) => (r.body as { stream_id?: string }).stream_id ?? '(none)'));
  assert.ok(lanes.size >= 2, `requests on two lanes: ${[...lanes].join(', ')}`);
  // Back to one AI peer once the runs are over.
  await waitFor(() => ais().length === 1, 'the extra AI peer to leave');
  watcher.destroy();
});
