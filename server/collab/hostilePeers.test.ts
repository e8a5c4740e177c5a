// Hostile peers inside a session: a socket with a valid token, view or edit,
// trying to forge presence, amplify sync step 1, flood awareness, park updates with missing
// dependencies, or write file keys that are not paths. Real server, raw frames next to stock
// providers; each attack is refused for the offender only, and the server's memory and
// `/api/health` stay within bounds throughout (the server runs in this process, so its RSS is
// this process's).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { strFromU8, unzipSync } from 'fflate';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import type { WebSocket } from 'ws';
import { CLOSE, MESSAGE } from '../../lib/protocol.ts';
import { filesOf } from '../../lib/schema.ts';
import { encodeAwarenessUpdate } from './awarenessRole.ts';
import { closeCode, connect, createSession, rawSocket, startTestServer, synced, waitFor, wsUrl, type Client, type TestServer } from '../../testing/harness.ts';

const MiB = 1024 * 1024;

function frame(type: number, write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  write(e);
  return encoding.toUint8Array(e);
}

const awarenessFrame = (entries: { clientId: number; clock: number; state: Record<string, unknown> | null }[]) =>
  frame(MESSAGE.awareness, (e) => encoding.writeVarUint8Array(e, encodeAwarenessUpdate(entries.map((x) => ({ ...x, bytes: 0 })))));
const step1Frame = (sv: Uint8Array) => frame(MESSAGE.sync, (e) => {
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint8Array(e, sv);
});
const updateFrame = (update: Uint8Array) => frame(MESSAGE.sync, (e) => {
  encoding.writeVarUint(e, 2);
  encoding.writeVarUint8Array(e, update);
});

/** Times `/api/health` every 50 ms until stopped: the slowest answer, in ms. */
function healthWatch(server: TestServer): { stop(): Promise<number> } {
  let worst = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/health`);
      await res.arrayBuffer();
      worst = Math.max(worst, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return worst;
    },
  };
}

function rssMiB(): number {
  return process.memoryUsage().rss / MiB;
}

function settle(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  return new Promise((r) => setTimeout(r, 200));
}

describe('hostile peers inside a session', () => {
  let server: TestServer;
  const clients: Client[] = [];
  const sockets: WebSocket[] = [];

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    for (const c of clients) c.destroy();
    for (const s of sockets) s.terminate();
    await server.dispose();
  });

  test('presence cannot be forged: entries for another client are not relayed, kind and role are the server\'s, the victim survives the forger leaving', async () => {
    const session = await createSession(server.url, { files: { 'a.txt': 'a' } });
    const victim = connect(session, 'edit');
    const observer = connect(session, 'view');
    clients.push(victim, observer);
    await Promise.all([synced(victim), synced(observer)]);
    victim.provider.awareness.setLocalState({ user: { name: 'Vic', color: '#0f0' }, kind: 'human' });
    const vid = victim.doc.clientID;
    await waitFor(() => (observer.provider.awareness.getStates().get(vid) as { user?: { name?: string } } | undefined)?.user?.name === 'Vic', 'the victim\'s presence');

    const forger = await rawSocket(wsUrl(session, session.collab.viewParams.token));
    sockets.push(forger);
    const own = 987654321;
    forger.send(awarenessFrame([
      { clientId: vid, clock: 1000, state: { user: { name: 'FORGED', color: '#f00' }, kind: 'ai', status: 'editing' } },
      { clientId: own, clock: 1, state: { user: { name: 'Mallory', color: '#f00' }, kind: 'ai', role: 'edit', status: 'editing' } },
    ]));
    await waitFor(() => observer.provider.awareness.getStates().has(own), 'the forger\'s own entry');
    const mallory = observer.provider.awareness.getStates().get(own) as Record<string, unknown>;
    assert.equal(mallory.kind, 'human', 'nobody but the server\'s AI peer is kind ai');
    assert.equal(mallory.role, 'view', 'role is the connection\'s');
    const vic = observer.provider.awareness.getStates().get(vid) as { user: { name: string } };
    assert.equal(vic.user.name, 'Vic', 'the victim\'s entry is not overwritten');

    // The victim's own later updates still count, and the forger leaving removes only its own.
    victim.provider.awareness.setLocalStateField('user', { name: 'Vic 2', color: '#0f0' });
    await waitFor(() => (observer.provider.awareness.getStates().get(vid) as { user?: { name?: string } } | undefined)?.user?.name === 'Vic 2', 'the victim\'s update');
    forger.close();
    await waitFor(() => !observer.provider.awareness.getStates().has(own), 'the forger gone');
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(observer.provider.awareness.getStates().has(vid), 'the victim is still present');
  });

  test('200 sync step 1 frames from a view socket that does not read, on a 2 MB document: memory and health bounded, the socket still answered', async () => {
    const big = Array.from({ length: 2 * 1024 }, (_, i) => `line ${i} ${'x'.repeat(1000)}`).join('\n');
    const session = await createSession(server.url, { files: { 'big.txt': big } });
    const editor = connect(session, 'edit');
    clients.push(editor);
    await synced(editor);
    await settle();
    const rss0 = rssMiB();
    const health = healthWatch(server);
    const ws = await rawSocket(wsUrl(session, session.collab.viewParams.token));
    sockets.push(ws);
    // Not reading: the server's answers pile up in its socket buffer unless it paces them.
    (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const sv = Y.encodeStateVector(new Y.Doc());
    for (let i = 0; i < 200; i++) ws.send(step1Frame(sv));
    await new Promise((r) => setTimeout(r, 3000));
    const grown = rssMiB() - rss0;
    const worst = await health.stop();
    // The socket is still served once it reads: answers arrive.
    let answers = 0;
    ws.on('message', () => answers++);
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await waitFor(() => answers >= 2, 'step 2 answers once the socket reads', 30_000);
    console.log(`step-1 flood: RSS +${grown.toFixed(0)} MiB, health worst ${worst.toFixed(0)} ms`);
    assert.ok(grown <= 100, `RSS grew ${grown.toFixed(0)} MiB`);
    assert.ok(worst <= 500, `health took ${worst.toFixed(0)} ms`);
    // Editing carries on.
    filesOf(editor.doc).get('big.txt')!.insert(0, '!');
    await waitFor(() => filesOf(editor.doc).get("big.txt")!.toString().startsWith("!"), "editing carries on");
  });

  test('awareness past the size caps closes the offender with 4414 (4 viewers × 16 × 5 MB), others keep their presence', async () => {
    const session = await createSession(server.url, { files: { 'a.txt': 'a' } });
    const person = connect(session, 'edit');
    clients.push(person);
    await synced(person);
    person.provider.awareness.setLocalState({ user: { name: 'Pat', color: '#00f' } });
    await settle();
    const rss0 = rssMiB();
    const health = healthWatch(server);
    const huge = 'z'.repeat(5 * MiB);
    const codes: number[] = [];
    for (let v = 0; v < 4; v++) {
      const ws = await rawSocket(wsUrl(session, session.collab.viewParams.token));
      sockets.push(ws);
      const closed = closeCode(ws);
      ws.send(awarenessFrame(Array.from({ length: 16 }, (_, i) => ({ clientId: 5000 + v * 100 + i, clock: 1, state: { pad: i === 0 ? huge : 'x' } }))));
      codes.push(await closed);
    }
    // Many states each under the per-state cap, together past the room's cap.
    const medium = 'm'.repeat(15 * 1024);
    let roomFull = 0;
    for (let v = 0; v < 8 && roomFull === 0; v++) {
      const ws = await rawSocket(wsUrl(session, session.collab.viewParams.token));
      sockets.push(ws);
      const closed = closeCode(ws);
      ws.send(awarenessFrame(Array.from({ length: 16 }, (_, i) => ({ clientId: 9000 + v * 100 + i, clock: 1, state: { pad: medium } }))));
      const code = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(0), 500))]);
      if (code === CLOSE.awarenessTooLarge.code) roomFull = v + 1;
    }
    const grown = rssMiB() - rss0;
    const worst = await health.stop();
    console.log(`awareness flood: RSS +${grown.toFixed(0)} MiB, health worst ${worst.toFixed(0)} ms, room cap reached by socket ${roomFull}`);
    assert.deepEqual(codes, [CLOSE.awarenessTooLarge.code, CLOSE.awarenessTooLarge.code, CLOSE.awarenessTooLarge.code, CLOSE.awarenessTooLarge.code]);
    assert.ok(roomFull > 0 && roomFull <= 5, `room cap (1 MiB) reached by socket ${roomFull}`);
    assert.ok(grown <= 100, `RSS grew ${grown.toFixed(0)} MiB`);
    assert.ok(worst <= 500, `health took ${worst.toFixed(0)} ms`);
    const room = (await server.rooms.peek(session.id))!;
    assert.ok(room.awareness.getStates().has(person.doc.clientID), 'the person keeps their presence');
    for (const state of room.awareness.getStates().values()) assert.ok(JSON.stringify(state).length <= 16 * 1024);
  });

  test('updates with missing dependencies are refused with 4409 and never kept (40 × 1 MB)', async () => {
    const session = await createSession(server.url, { files: { 'a.txt': 'start' } });
    const a = connect(session, 'edit');
    const b = connect(session, 'edit');
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    await settle();
    const rss0 = rssMiB();
    const health = healthWatch(server);
    const codes = new Set<number>();
    for (let i = 0; i < 40; i++) {
      // A client's second change without its first: integrating it needs the first.
      const doc = new Y.Doc();
      const t = doc.getText('orphan');
      t.insert(0, 'x');
      const sv = Y.encodeStateVector(doc);
      t.insert(1, 'y'.repeat(MiB));
      const orphan = Y.encodeStateAsUpdate(doc, sv);
      const ws = await rawSocket(wsUrl(session, session.collab.editParams.token));
      sockets.push(ws);
      const closed = closeCode(ws);
      ws.send(updateFrame(orphan));
      codes.add(await closed);
    }
    // One whose items hang off another client's unknown item (not caught by clocks alone).
    const base = new Y.Doc();
    base.getText('t').insert(0, 'abc');
    const child = new Y.Doc();
    Y.applyUpdate(child, Y.encodeStateAsUpdate(base));
    const sv = Y.encodeStateVector(child);
    child.getText('t').insert(1, 'inside');
    const dangling = Y.encodeStateAsUpdate(child, sv);
    const ws = await rawSocket(wsUrl(session, session.collab.editParams.token));
    sockets.push(ws);
    const closed = closeCode(ws);
    ws.send(updateFrame(dangling));
    codes.add(await closed);
    const grown = rssMiB() - rss0;
    const worst = await health.stop();
    console.log(`missing dependencies: RSS +${grown.toFixed(0)} MiB, health worst ${worst.toFixed(0)} ms`);
    assert.deepEqual([...codes], [CLOSE.missingDependencies.code]);
    const room = (await server.rooms.peek(session.id))!;
    assert.equal(room.doc.store.pendingStructs, null);
    assert.equal(room.doc.store.pendingDs, null);
    assert.ok(grown <= 100, `RSS grew ${grown.toFixed(0)} MiB`);
    assert.ok(worst <= 500, `health took ${worst.toFixed(0)} ms`);
    filesOf(a.doc).get('a.txt')!.insert(5, ' after');
    await waitFor(() => filesOf(b.doc).get('a.txt')!.toString() === 'start after', 'editing carries on');
  });

  test('file keys that are not paths are refused with 4422 and never reach /files, the zip or other people', async () => {
    const session = await createSession(server.url, { files: { 'ok.txt': 'ok' } });
    const other = connect(session, 'edit');
    clients.push(other);
    await synced(other);
    for (const key of ['../../../../x.sh', '/etc/cron.d/x', 'C:\\x.bat', 'C:/x.bat', 'a\u0000b', '', 'a//b', './a', 'dir/']) {
      const ws = await rawSocket(wsUrl(session, session.collab.editParams.token));
      sockets.push(ws);
      const closed = closeCode(ws);
      // The attacker's doc starts from the server's state (sync step 2 is not read here: build it).
      const doc = new Y.Doc();
      const res = await fetch(`${server.url}/api/sessions/${session.id}/files`, { headers: { authorization: `Bearer ${session.collab.viewParams.token}` } });
      assert.equal(res.status, 200);
      doc.getMap('files').set(key, new Y.Text('#!/bin/sh\nrm -rf /\n'));
      ws.send(updateFrame(Y.encodeStateAsUpdate(doc)));
      assert.equal(await closed, CLOSE.invalidPath.code, JSON.stringify(key));
    }
    const room = (await server.rooms.peek(session.id))!;
    assert.deepEqual([...filesOf(room.doc).keys()], ['ok.txt']);
    const files = await (await fetch(`${server.url}/api/sessions/${session.id}/files`, { headers: { authorization: `Bearer ${session.collab.viewParams.token}` } })).json() as { files: Record<string, string> };
    assert.deepEqual(Object.keys(files.files), ['ok.txt']);
    const zip = unzipSync(new Uint8Array(await (await fetch(`${server.url}/api/sessions/${session.id}/zip?token=${encodeURIComponent(session.collab.viewParams.token)}`)).arrayBuffer()));
    assert.deepEqual(Object.keys(zip), ['ok.txt']);
    assert.equal(strFromU8(zip['ok.txt']), 'ok');
    assert.deepEqual([...filesOf(other.doc).keys()], ['ok.txt'], 'nothing relayed');
  });
});
