// The node running an AI turn is killed mid-hunk. The node that takes the session over ends that
// run cleanly (its half-written hunk rolled back, an error in the thread, a person's typing kept)
// and runs the request that was queued behind it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { filesOf } from '../../lib/schema.ts';
import { readThread } from '../../lib/ai/aiRuns.ts';
import { startModelServer, type ModelServer } from '../../modelServer/modelServer.ts';
import { createSession, tempDataDir, waitFor, type TestServer } from '../../testing/harness.ts';
import { ask } from '../../testing/aiTestKit.ts';
import { kill, startChild, type Child } from '../../testing/childServer.ts';
import { enginesMissing, useEngines } from '../../testing/clusterEngines.ts';

const APP = 'export function f(x: number) {\n  return x + 1;\n}\n';
const BODY = Array.from({ length: 40 }, (_, i) => `+  const step${i} = x * ${i}; // a long line the model writes slowly`).join('\n');
const PATCH = `*** Begin Patch\n*** Update File: app.ts\n@@\n export function f(x: number) {\n-  return x + 1;\n${BODY}\n+  return x + 2;\n }\n*** End Patch\n`;

let model: ModelServer | null = null;
const engines = useEngines({
  setup: async () => {
    model = await startModelServer({ rate: 2000 });
  },
  teardown: async () => {
    await model?.close();
  },
});

function provider(doc: Y.Doc, port: number, room: string, token: string): WebsocketProvider {
  return new WebsocketProvider(`ws://127.0.0.1:${port}/collab`, room, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 200,
  });
}

test('a node killed mid-run: the run ends rolled back with an error, the queued run goes on elsewhere', { skip: enginesMissing, timeout: 120_000 }, async () => {
  const env = await engines().clusterEnv({
    OPENAI_BASE_URL: model!.httpBaseUrl,
    OPENAI_API_KEY: model!.apiKey ?? 'test-key',
    TANDEM_AI_MODEL: 'tandem-test-model',
    TANDEM_AI_PROVIDER: 'responses',
    TANDEM_AI_TRANSPORT: 'websocket',
  });
  const dirs = [tempDataDir(), tempDataDir()];
  const nodes: Child[] = await Promise.all(dirs.map((d) => startChild(d, env)));
  const node = (i: number) => ({ url: `http://127.0.0.1:${nodes[i].port}` }) as TestServer;
  const x = new Y.Doc();
  const y = new Y.Doc();
  const providers: WebsocketProvider[] = [];
  try {
    const session = await createSession(node(0).url, { files: { 'app.ts': APP } });
    const token = session.collab.editParams.token;
    providers.push(provider(x, nodes[0].port, session.collab.room, token));
    await waitFor(() => providers[0].synced, 'x synced on node 1 (which now holds the session)');
    providers.push(provider(y, nodes[1].port, session.collab.room, token));
    await waitFor(() => providers[1].synced && filesOf(y).has('app.ts'), 'y synced through node 2');

    // The first turn streams slowly; the second answers at once.
    model!.script({ text: 'Unrolling it.', toolCall: { name: 'apply_patch', input: PATCH }, rate: 60 }, { text: 'Nothing else to change.' });
    const first = await ask(node(1), session, { prompt: 'unroll f', file: 'app.ts' });
    assert.equal(first.status, 202, JSON.stringify(first.body));
    const second = await ask(node(0), session, { prompt: 'then check it' });
    assert.equal(second.status, 202, JSON.stringify(second.body));
    const yText = () => filesOf(y).get('app.ts')!.toString();
    await waitFor(() => yText().includes('step2 '), 'the hunk half written on the screen of y', 30_000);
    const typed = filesOf(y).get('app.ts')!;
    typed.insert(typed.length, '// typed while the AI wrote\n');

    await kill(nodes[0]);
    // x's node is gone: its person comes back through node 2 (a load balancer would send them).
    providers[0].destroy();
    providers[0] = provider(x, nodes[1].port, session.collab.room, token);

    await waitFor(() => readThread(y).find((r) => r.id === first.body.runId)?.status === 'error', 'the interrupted run ends in error', 30_000);
    const interrupted = readThread(y).find((r) => r.id === first.body.runId)!;
    assert.equal(interrupted.error?.code, 'interrupted');
    assert.ok(interrupted.hunks.length >= 1 && interrupted.hunks.every((h) => h.status === 'rolledBack'), JSON.stringify(interrupted.hunks.map((h) => h.status)));
    await waitFor(() => yText() === `${APP}// typed while the AI wrote\n`, 'the half-written hunk is gone and the typing stays', 30_000);
    await waitFor(() => readThread(y).find((r) => r.id === second.body.runId)?.status === 'done', 'the queued run runs on the other node', 30_000);
    await waitFor(() => filesOf(x).get('app.ts')?.toString() === yText(), 'x converges');
  } finally {
    for (const p of providers) p.destroy();
    // Each document's awareness keeps an interval until the document is destroyed.
    x.destroy();
    y.destroy();
    await Promise.all(nodes.map((n) => kill(n)));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
