// Three nodes as real processes sharing PostgreSQL and Redis. People type on different nodes; the
// node that holds the session is killed with SIGKILL at a random moment, 20 times. Whatever any
// client had received must be stored, and every client converges once it has reconnected (those
// of the killed node to another one, as a load balancer would send them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { Redis } from 'ioredis';
import type { CreateSessionResponse } from '../../lib/api.ts';
import { filesOf } from '../../lib/schema.ts';
import { createSession, tempDataDir, waitFor } from '../../testing/harness.ts';
import { kill, startChild, type Child } from '../../testing/childServer.ts';
import { enginesMissing, useEngines } from '../../testing/clusterEngines.ts';

const ROUNDS = 20;
const FILE = 'log.txt';
const engines = useEngines();

/** A person's editor: one document, re-pointed at another node when its node dies. */
class Person {
  readonly doc = new Y.Doc();
  provider: WebsocketProvider | null = null;
  node = -1;
  private readonly session: CreateSessionResponse;
  constructor(session: CreateSessionResponse) {
    this.session = session;
  }
  connectTo(node: number, port: number): void {
    this.provider?.destroy();
    this.node = node;
    this.provider = new WebsocketProvider(`ws://127.0.0.1:${port}/collab`, this.session.collab.room, this.doc, {
      params: this.session.collab.editParams,
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      maxBackoffTime: 200,
    });
  }
  get text(): Y.Text {
    return filesOf(this.doc).get(FILE)!;
  }
  get synced(): boolean {
    return this.provider?.synced === true && filesOf(this.doc).has(FILE);
  }
  destroy(): void {
    this.provider?.destroy();
    this.doc.destroy();
  }
}

test(`three nodes: SIGKILL of the node holding a session, ${ROUNDS} times, loses nothing any client received`, { skip: enginesMissing, timeout: 300_000 }, async () => {
  const env = await engines().clusterEnv({ COMPACT_EVERY: '25' });
  const dirs = [tempDataDir(), tempDataDir(), tempDataDir()];
  const nodes: Child[] = await Promise.all(dirs.map((d) => startChild(d, env)));
  const lookup = new Redis(engines().redis.url);
  const people: Person[] = [];
  try {
    const session = await createSession(`http://127.0.0.1:${nodes[0].port}`, { title: 'cluster', files: { [FILE]: '' } });
    for (let i = 0; i < 3; i++) {
      const person = new Person(session);
      person.connectTo(i, nodes[i].port);
      people.push(person);
    }
    const [typist, ...watchers] = people;
    let observed = '';
    let roundsWithNewEdits = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await waitFor(() => people.every((p) => p.synced), `round ${round}: everyone synced`, 30_000);
      await waitFor(() => new Set(people.map((p) => p.text.toString())).size === 1, `round ${round}: everyone converged`, 30_000);
      const ownerId = await lookup.get(`tandem:room:${session.id}:owner`);
      const ownerUrl = ownerId ? await lookup.get(`tandem:node:${ownerId}`) : null;
      const victim = nodes.findIndex((n) => ownerUrl === `http://127.0.0.1:${n.port}`);
      assert.ok(victim >= 0, `round ${round}: the owner is one of the nodes (${ownerUrl})`);

      let n = 0;
      const typing = setInterval(() => {
        for (let i = 0; i < 3; i++) typist.doc.transact(() => typist.text.insert(typist.text.length, `${round}.${n++};`), 'typist');
      }, 2);
      const before = observed.length;
      await new Promise((r) => setTimeout(r, 40 + Math.random() * 260));
      // What the other people hold at the instant of the kill is what they have seen.
      observed = watchers.map((w) => w.text.toString()).reduce((a, b) => (b.length > a.length ? b : a));
      await kill(nodes[victim]);
      clearInterval(typing);
      if (observed.length > before) roundsWithNewEdits++;

      // The killed node's people go to the next node; the node comes back on a new port.
      const elsewhere = (victim + 1) % nodes.length;
      for (const p of people) if (p.node === victim) p.connectTo(elsewhere, nodes[elsewhere].port);
      nodes[victim] = await startChild(dirs[victim], env);

      await waitFor(() => people.every((p) => p.synced), `round ${round}: everyone reconnected`, 30_000);
      await waitFor(() => new Set(people.map((p) => p.text.toString())).size === 1, `round ${round}: converged after the kill`, 30_000);
      const res = await fetch(`http://127.0.0.1:${nodes[elsewhere].port}/api/sessions/${session.id}/files`, {
        headers: { authorization: `Bearer ${session.collab.viewParams.token}` },
      });
      const stored = ((await res.json()) as { files: Record<string, string> }).files[FILE] ?? '';
      assert.ok(stored.startsWith(observed), `round ${round}: stored ${stored.length} chars, the others had seen ${observed.length}`);
      assert.ok(people[1].text.toString().startsWith(observed), `round ${round}: a client lost what it had received`);
    }
    assert.ok(roundsWithNewEdits >= ROUNDS / 2, `only ${roundsWithNewEdits} rounds carried edits`);
  } finally {
    for (const p of people) p.destroy();
    lookup.disconnect();
    await Promise.all(nodes.map((n) => kill(n)));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
