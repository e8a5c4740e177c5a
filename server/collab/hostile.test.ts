// Hostile clients: refusals before the upgrade, malformed and oversized frames, full servers.
// Raw `ws` sockets hand-encode frames; a stock provider next to them must carry on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import { CLOSE, MESSAGE } from '../../lib/protocol.ts';
import { filesOf } from '../../lib/schema.ts';
import { signToken } from '../access/tokens.ts';
import {
  closeCode,
  connect,
  createSession,
  rawSocket,
  startTestServer,
  synced,
  waitFor,
  wsUrl,
  type Client,
  type TestServer,
} from '../../testing/harness.ts';

function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE.sync);
  encoding.writeVarUint(encoder, 2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

async function refusal(url: string): Promise<number> {
  try {
    const ws = await rawSocket(url);
    ws.terminate();
    return 101;
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
}

describe('refusals and hostile frames', () => {
  let server: TestServer;
  const clients: Client[] = [];

  before(async () => {
    server = await startTestServer({ MAX_FRAME_BYTES: '4096', MAX_DOC_BYTES: '8192' });
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await server.dispose();
  });

  test('bad id 400, missing token 401, forged token 403, unknown session 404 — before any room exists', async () => {
    const session = await createSession(server.url, { files: { 'a.txt': 'a' } });
    const other = await createSession(server.url);
    const unknownId = 'AAAAAAAAAAAAAAAAAAAAAA';
    const forged = 'e.' + 'A'.repeat(43);
    assert.equal(await refusal(wsUrl(session, session.collab.editParams.token, 'not-a-session-id')), 400);
    assert.equal(await refusal(wsUrl(session, null)), 401);
    assert.equal(await refusal(wsUrl(session, forged)), 403);
    assert.equal(await refusal(wsUrl(session, 'garbage')), 403);
    // A genuine token of another session opens nothing here.
    assert.equal(await refusal(wsUrl(session, other.collab.editParams.token)), 403);
    // A view token cannot be relabelled as an edit token.
    assert.equal(await refusal(wsUrl(session, 'e' + session.collab.viewParams.token.slice(1))), 403);
    const unknownToken = signToken(server.config.secret, unknownId, 'edit');
    assert.equal(await refusal(wsUrl(session, unknownToken, unknownId)), 404);
    assert.equal(server.rooms.roomCount, 0, 'no room created by refusals');
    assert.equal(server.rooms.connections.size, 0);
    // The HTTP API refuses alike.
    const info = await fetch(`${server.url}/api/sessions/${session.id}`, { headers: { authorization: `Bearer ${forged}` } });
    assert.equal(info.status, 403);
    assert.equal(((await info.json()) as { error: { code: string } }).error.code, 'forbidden');
    assert.equal((await fetch(`${server.url}/api/sessions/${session.id}/files`)).status, 401);
  });

  test('malformed frames close only their connection with 4400; others carry on', async () => {
    const session = await createSession(server.url, { files: { 'a.txt': 'start' } });
    const a = connect(session, 'edit');
    const b = connect(session, 'edit');
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    const bad: Uint8Array[] = [
      Uint8Array.of(7), // unknown message type
      Uint8Array.of(MESSAGE.sync, 2, 10, 1, 2), // update shorter than its declared length
      Uint8Array.of(MESSAGE.sync, 9, 0), // unknown sync message
      Uint8Array.of(MESSAGE.awareness, 5, 1, 1, 1, 1, 0xff), // truncated awareness update
    ];
    for (const frame of bad) {
      const ws = await rawSocket(wsUrl(session, session.collab.editParams.token));
      const closed = closeCode(ws);
      ws.send(frame);
      assert.equal(await closed, CLOSE.malformedFrame.code, `frame ${Array.from(frame)}`);
    }
    const textWs = await rawSocket(wsUrl(session, session.collab.editParams.token));
    const textClosed = closeCode(textWs);
    textWs.send('hello');
    assert.equal(await textClosed, CLOSE.malformedFrame.code, 'text frame');

    filesOf(a.doc).get('a.txt')!.insert(5, ' after');
    await waitFor(() => filesOf(b.doc).get('a.txt')!.toString() === 'start after', 'editing carries on');
  });

  test('an oversized frame closes with 1009 and a too-large document with 4413; others carry on', async () => {
    const session = await createSession(server.url, { files: { 'a.txt': 'x' } });
    const a = connect(session, 'edit');
    const b = connect(session, 'edit');
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);

    const big = await rawSocket(wsUrl(session, session.collab.editParams.token));
    const bigClosed = closeCode(big);
    big.send(new Uint8Array(5000));
    assert.equal(await bigClosed, CLOSE.messageTooBig.code);

    // Three frames each under the frame limit, together past the document limit.
    const grower = await rawSocket(wsUrl(session, session.collab.editParams.token));
    const growerClosed = closeCode(grower);
    const doc = new Y.Doc();
    let sv = Y.encodeStateVector(doc);
    for (let i = 0; i < 3; i++) {
      filesOf(doc).set(`big${i}.txt`, new Y.Text('y'.repeat(3500)));
      grower.send(syncUpdateFrame(Y.encodeStateAsUpdate(doc, sv)));
      sv = Y.encodeStateVector(doc);
    }
    assert.equal(await growerClosed, CLOSE.documentTooLarge.code);
    const room = await server.rooms.peek(session.id)!;
    assert.ok(room.storedBytes <= 8192, `stored ${room.storedBytes} bytes`);
    assert.equal(filesOf(room.doc).has('big2.txt'), false);

    filesOf(a.doc).get('a.txt')!.insert(1, 'z');
    await waitFor(() => filesOf(b.doc).get('a.txt')!.toString() === 'xz', 'editing carries on');
  });
});

describe('capacity', () => {
  test('connections and rooms past the limits are refused with 503 before the upgrade', async () => {
    const server = await startTestServer({ MAX_CONNECTIONS: '2', MAX_ROOMS: '1' });
    try {
      const s1 = await createSession(server.url);
      const s2 = await createSession(server.url);
      const first = await rawSocket(wsUrl(s1, s1.collab.editParams.token));
      assert.equal(await refusal(wsUrl(s2, s2.collab.editParams.token)), 503, 'room limit');
      const second = await rawSocket(wsUrl(s1, s1.collab.viewParams.token));
      assert.equal(await refusal(wsUrl(s1, s1.collab.editParams.token)), 503, 'connection limit');
      assert.equal(server.rooms.roomCount, 1);
      first.terminate();
      second.terminate();
    } finally {
      await server.dispose();
    }
  });
});

describe('origin policy', () => {
  test('with ALLOWED_ORIGINS, a browser upgrade from another origin is refused with 403; the allowed origin and Origin-less clients join', async () => {
    const server = await startTestServer({ ALLOWED_ORIGINS: 'https://tandem.example.com, http://localhost:3000' });
    try {
      const session = await createSession(server.url, { files: { 'a.txt': 'a' } });
      const url = wsUrl(session, session.collab.editParams.token);
      const withOrigin = (origin: string) =>
        new Promise<number>((resolve) => {
          const ws = new WebSocket(url, { headers: { origin } });
          ws.once('open', () => {
            ws.terminate();
            resolve(101);
          });
          ws.once('unexpected-response', (_req, res) => {
            resolve(res.statusCode ?? -1);
            ws.terminate();
          });
          ws.once('error', () => resolve(-1));
        });
      assert.equal(await withOrigin('https://evil.example.net'), 403);
      assert.equal(await withOrigin('https://tandem.example.com'), 101);
      assert.equal(await withOrigin('http://localhost:3000'), 101);
      const plain = await rawSocket(url);
      plain.terminate();
    } finally {
      await server.dispose();
    }
  });
});
