// Three nodes in one process sharing PostgreSQL and Redis, with stock y-websocket clients spread
// over them: a session created on one is served by all, text and presence converge, one node
// holds each room, and a node that leaves hands its sessions to the others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filesOf } from '../../lib/schema.ts';
import { connect, createSession, startTestServer, statusWithin, synced, waitFor, type Client, type TestServer } from '../../testing/harness.ts';
import { enginesMissing as skip, useEngines } from '../../testing/clusterEngines.ts';

const engines = useEngines();

async function startNodes(n: number): Promise<TestServer[]> {
  const env = await engines().clusterEnv({ ROOM_IDLE_MS: '5000' });
  const nodes: TestServer[] = [];
  for (let i = 0; i < n; i++) nodes.push(await startTestServer(env));
  return nodes;
}

const collabOf = (node: TestServer) => `${node.url.replace(/^http/, 'ws')}/collab`;
const textOf = (c: Client, file = 'a.txt') => filesOf(c.doc).get(file)?.toString() ?? '';

test('a session created on node 1 is served by nodes 2 and 3: text and presence converge; one node holds it', { skip, timeout: 60_000 }, async () => {
  const nodes = await startNodes(3);
  const clients: Client[] = [];
  try {
    const session = await createSession(nodes[0].url, { files: { 'a.txt': 'seed\n' } });
    for (const node of nodes) clients.push(connect(session, 'edit', collabOf(node)));
    await Promise.all(clients.map(synced));
    for (const c of clients) assert.equal(textOf(c), 'seed\n');

    clients.forEach((c, i) => {
      const text = filesOf(c.doc).get('a.txt')!;
      for (let k = 0; k < 20; k++) text.insert(text.length, `${i}`);
      c.provider.awareness.setLocalStateField('user', { name: `person ${i}`, color: '#3b82f6' });
    });
    await waitFor(() => new Set(clients.map((c) => textOf(c))).size === 1 && textOf(clients[0]).length === 5 + 60, 'text converges on three nodes');
    await waitFor(() => clients.every((c) => [...c.provider.awareness.getStates().values()].filter((s) => s.user).length === 3), 'presence converges on three nodes');

    const holders = nodes.filter((n) => n.rooms.peek(session.id) !== undefined);
    assert.equal(holders.length, 1, 'exactly one node holds the room');
    // The link works on every node's API too.
    for (const node of nodes) {
      const res = await fetch(`${node.url}/api/sessions/${session.id}/files`, { headers: { authorization: `Bearer ${session.collab.viewParams.token}` } });
      assert.equal(res.status, 200);
    }
  } finally {
    for (const c of clients) c.destroy();
    for (const n of nodes) await n.dispose();
  }
});

test('the node holding a session leaves: its clients and the forwarded ones converge on the others', { skip, timeout: 60_000 }, async () => {
  const nodes = await startNodes(3);
  const clients: Client[] = [];
  try {
    const session = await createSession(nodes[1].url, { files: { 'a.txt': '' } });
    const first = connect(session, 'edit', collabOf(nodes[0]));
    clients.push(first);
    await synced(first);
    const owner = nodes.find((n) => n.rooms.peek(session.id) !== undefined)!;
    assert.equal(owner, nodes[0], 'the first node a person joins holds the room');
    const others = [connect(session, 'edit', collabOf(nodes[1])), connect(session, 'edit', collabOf(nodes[2]))];
    clients.push(...others);
    await Promise.all(others.map(synced));
    filesOf(others[0].doc).get('a.txt')!.insert(0, 'before;');
    await waitFor(() => clients.every((c) => textOf(c) === 'before;'), 'all see the first edit');

    await nodes[0].stop();
    // The forwarded clients reconnect to their own nodes, one of which takes the room.
    filesOf(others[1].doc).get('a.txt')!.insert(0, 'during;');
    await waitFor(() => others.every((c) => c.provider.synced && textOf(c) === 'during;before;'), 'the remaining clients converge');
    const newOwners = nodes.slice(1).filter((n) => n.rooms.peek(session.id) !== undefined);
    assert.equal(newOwners.length, 1, 'one of the remaining nodes holds the room');
  } finally {
    for (const c of clients) c.destroy();
    for (const n of nodes) await n.dispose().catch(() => {});
  }
});

test('every node answers /metrics; readiness fails while Redis is stopped and recovers when it returns', { skip, timeout: 60_000 }, async () => {
  const nodes = await startNodes(2);
  try {
    for (const node of nodes) {
      const res = await fetch(`${node.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /^tandem_connections \d+$/m);
      assert.equal((await fetch(`${node.url}/api/ready`)).status, 200);
    }
    await engines().redis.stop();
    for (const node of nodes) {
      const down = await fetch(`${node.url}/api/ready`);
      assert.equal(down.status, 503);
      const report = (await down.json()) as { checks: Record<string, string> };
      assert.equal(report.checks.database, 'ok');
      assert.notEqual(report.checks.redis, 'ok');
    }
    await engines().redis.start();
    for (const node of nodes) {
      assert.equal(await statusWithin(`${node.url}/api/ready`, 200), 200, 'ready again once Redis is back');
    }
  } finally {
    for (const n of nodes) await n.dispose();
  }
});
