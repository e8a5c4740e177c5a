// Durability: the real entry point (server/main.ts) runs as a child process; client A types, client
// B receives, and the server is killed with SIGKILL at random moments and restarted on the same
// DATA_DIR. After each restart, everything B had received must be in the server's state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as Y from 'yjs';
import type { CreateSessionResponse } from '../lib/api.ts';
import { filesOf } from '../lib/schema.ts';
import { connect, synced, tempDataDir, waitFor, type Client } from '../testing/harness.ts';
import { postgresMissing, startPostgres } from '../testing/postgres.ts';
import { kill, startChild } from '../testing/childServer.ts';

const KILLS = 20;
const FILE = 'log.txt';

async function serverText(port: number, session: CreateSessionResponse): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/sessions/${session.id}/files`, {
    headers: { authorization: `Bearer ${session.collab.viewParams.token}` },
  });
  assert.equal(res.status, 200);
  const { files } = (await res.json()) as { files: Record<string, string> };
  return files[FILE] ?? '';
}

test(`every update another client received survives ${KILLS} SIGKILLs`, { timeout: 120_000 }, () => survivesKills({}));

test(`with PostgreSQL, every update another client received survives ${KILLS} SIGKILLs`, { timeout: 180_000, skip: postgresMissing() ?? false }, async () => {
  const pgServer = await startPostgres({ fsync: false });
  try {
    await survivesKills({ DATABASE_URL: await pgServer.createDatabase() });
  } finally {
    pgServer.destroy();
  }
});

async function survivesKills(extraEnv: Record<string, string>): Promise<void> {
  const dataDir = tempDataDir();
  let child = await startChild(dataDir, { COMPACT_EVERY: '25', ...extraEnv });
  const clients: Client[] = [];
  try {
    const res = await fetch(`http://127.0.0.1:${child.port}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'durability', files: { [FILE]: '' } }),
    });
    const session = (await res.json()) as CreateSessionResponse;
    let observed = '';
    let cyclesWithNewEdits = 0;

    for (let cycle = 0; cycle < KILLS; cycle++) {
      const serverUrl = `ws://127.0.0.1:${child.port}/collab`;
      const a = connect(session, 'edit', serverUrl);
      const b = connect(session, 'edit', serverUrl);
      clients.push(a, b);
      await Promise.all([synced(a), synced(b)]);
      const textA = filesOf(a.doc).get(FILE)!;
      const textB = filesOf(b.doc).get(FILE)!;
      assert.ok(textB.toString().startsWith(observed), `cycle ${cycle}: a fresh client lacks what B had seen`);

      let n = 0;
      const typing = setInterval(() => {
        for (let i = 0; i < 3; i++) a.doc.transact(() => textA.insert(textA.length, `${cycle}.${n++};`), 'typist');
      }, 2);
      const before = observed.length;
      await new Promise((r) => setTimeout(r, 40 + Math.random() * 260));
      // What B holds at the instant of the kill is what "another person has seen".
      observed = textB.toString();
      await kill(child);
      clearInterval(typing);
      if (observed.length > before) cyclesWithNewEdits++;
      a.destroy();
      b.destroy();

      child = await startChild(dataDir, { COMPACT_EVERY: '25', ...extraEnv });
      const stored = await serverText(child.port, session);
      assert.ok(
        stored.startsWith(observed),
        `cycle ${cycle}: server lost received updates (stored ${stored.length} chars, B had seen ${observed.length})`,
      );
    }
    assert.ok(cyclesWithNewEdits >= KILLS / 2, `only ${cyclesWithNewEdits} cycles carried edits`);

    // A last fresh client converges with the stored state.
    const fresh = connect(session, 'edit', `ws://127.0.0.1:${child.port}/collab`);
    clients.push(fresh);
    await synced(fresh);
    const finalText = await serverText(child.port, session);
    await waitFor(() => filesOf(fresh.doc).get(FILE)?.toString() === finalText, 'fresh client sees stored state');
    assert.ok(finalText.length > 0);
    assert.equal(Y.encodeStateVector(fresh.doc).length > 0, true);
  } finally {
    for (const c of clients) c.destroy();
    await kill(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('SIGTERM closes connections with 1001, compacts every room and exits 0', { timeout: 30_000 }, async () => {
  const dataDir = tempDataDir();
  const child = await startChild(dataDir, { COMPACT_EVERY: '25' });
  try {
    const res = await fetch(`http://127.0.0.1:${child.port}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files: { [FILE]: '' } }),
    });
    const session = (await res.json()) as CreateSessionResponse;
    const a = connect(session, 'edit', `ws://127.0.0.1:${child.port}/collab`);
    await synced(a);
    const closes: number[] = [];
    a.provider.on('connection-close', (event) => {
      if (event) closes.push(event.code);
    });
    const text = filesOf(a.doc).get(FILE)!;
    for (let i = 0; i < 10; i++) text.insert(text.length, `${i};`);
    await new Promise((r) => setTimeout(r, 100));
    const exited = new Promise<number | null>((resolve) => child.proc.once('exit', (code) => resolve(code)));
    child.proc.kill('SIGTERM');
    assert.equal(await exited, 0);
    await waitFor(() => closes.length > 0, 'client saw the close');
    assert.equal(closes[0], 1001);
    a.destroy();
    const { SqliteStorage } = await import('./storage/SqliteStorage.ts');
    const storage = SqliteStorage.open(dataDir);
    try {
      const stored = await storage.loadRoom(session.id);
      assert.equal(stored.updates.length, 0, 'compacted on shutdown');
      const doc = new Y.Doc();
      Y.applyUpdate(doc, stored.snapshot!);
      assert.equal(filesOf(doc).get(FILE)!.toString(), '0;1;2;3;4;5;6;7;8;9;');
    } finally {
      await storage.close();
    }
  } finally {
    await kill(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
