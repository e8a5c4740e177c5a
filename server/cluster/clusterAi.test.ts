// The AI peer across nodes: asks on any node run on the node that holds the session, one at a
// time, and stream into clients on every node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filesOf } from '../../lib/schema.ts';
import { readThread } from '../../lib/ai/aiRuns.ts';
import { startModelServer, type ModelServer } from '../../modelServer/modelServer.ts';
import { connect, createSession, startTestServer, synced, waitFor, type Client, type TestServer } from '../../testing/harness.ts';
import { ask, getRun, waitFinished } from '../../testing/aiTestKit.ts';
import { enginesMissing as skip, useEngines } from '../../testing/clusterEngines.ts';

let model: ModelServer | null = null;
const nodes: TestServer[] = [];

const APP = 'export function f(x: number) {\n  return x + 1;\n}\n';
const PATCH = '*** Begin Patch\n*** Update File: app.ts\n@@\n export function f(x: number) {\n-  return x + 1;\n+  return x + 2;\n }\n*** End Patch\n';

useEngines({
  async setup(engines) {
    model = await startModelServer({ rate: 400 });
    const env = await engines.clusterEnv({
      OPENAI_BASE_URL: model.httpBaseUrl,
      OPENAI_API_KEY: model.apiKey ?? 'test-key',
      TANDEM_AI_MODEL: 'tandem-test-model',
      TANDEM_AI_PROVIDER: 'responses',
      TANDEM_AI_TRANSPORT: 'websocket',
    });
    for (let i = 0; i < 3; i++) nodes.push(await startTestServer(env));
  },
  async teardown() {
    for (const n of nodes) await n.dispose();
    await model?.close();
  },
});

const collabOf = (node: TestServer) => `${node.url.replace(/^http/, 'ws')}/collab`;

test('an AI run asked on node 2 runs on the node holding the session and streams into clients on nodes 1 and 3', { skip, timeout: 60_000 }, async () => {
  const session = await createSession(nodes[0].url, { files: { 'app.ts': APP } });
  const clients: Client[] = [connect(session, 'edit', collabOf(nodes[2]))];
  try {
    // The first person to join (on node 3) makes node 3 hold the session; the second is forwarded.
    await synced(clients[0]);
    clients.push(connect(session, 'edit', collabOf(nodes[0])));
    await synced(clients[1]);
    model!.script({ text: 'Adding two.', toolCall: { name: 'apply_patch', input: PATCH } });
    const seen: string[] = [];
    filesOf(clients[1].doc).get('app.ts')!.observe(() => seen.push(filesOf(clients[1].doc).get('app.ts')!.toString()));
    const res = await ask(nodes[1], session, { prompt: 'make it add two', file: 'app.ts' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const run = await waitFinished(nodes[1], session, res.body.runId!);
    assert.equal(run.status, 'done');
    for (const c of clients) await waitFor(() => filesOf(c.doc).get('app.ts')?.toString() === APP.replace('x + 1', 'x + 2'), 'the edit on every node');
    assert.ok(seen.length >= 1, 'the client on node 1 saw the AI write');
    const holders = nodes.map((n, i) => (n.rooms.peek(session.id) !== undefined ? i : -1)).filter((i) => i >= 0);
    assert.deepEqual(holders, [2], 'the node the first person joined holds the room and runs the AI');
    await waitFor(() => readThread(clients[1].doc).some((r) => r.id === res.body.runId && r.status === 'done'), 'the finished run in the thread on node 1');
  } finally {
    for (const c of clients) c.destroy();
  }
});

test('two asks on two nodes for one session run one after the other', { skip, timeout: 60_000 }, async () => {
  const session = await createSession(nodes[1].url, { files: { 'app.ts': APP } });
  const client = connect(session, 'edit', collabOf(nodes[1]));
  try {
    await synced(client);
    const slow = { text: 'Looking at it carefully, one token after another, before answering.', rate: 80 };
    model!.script(slow, slow);
    const [a, b] = await Promise.all([ask(nodes[0], session, { prompt: 'first' }), ask(nodes[2], session, { prompt: 'second' })]);
    assert.equal(a.status, 202, JSON.stringify(a.body));
    assert.equal(b.status, 202, JSON.stringify(b.body));
    const runs = await Promise.all([a, b].map((r) => waitFinished(nodes[0], session, r.body.runId!, 30_000)));
    assert.deepEqual(runs.map((r) => r.status), ['done', 'done']);
    const [first, second] = [...runs].sort((x, y) => x.startedAt! - y.startedAt!);
    assert.ok(second.startedAt! >= first.finishedAt!, `the second started ${second.startedAt} before the first finished ${first.finishedAt}`);
    assert.equal((await getRun(nodes[2], session, runs[1].id)).status, 'done', 'any node reports the run');
  } finally {
    client.destroy();
  }
});
