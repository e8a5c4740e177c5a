import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { clientAddress, forwardHeaders, isForwarded, pipeUpgrade } from './forward.ts';

const secret = randomBytes(32);
const request = (headers: Record<string, string>) => ({ headers, socket: { remoteAddress: '10.0.0.9' } }) as unknown as IncomingMessage;

test('a forwarded address is believed only with the signature of the shared secret', () => {
  assert.equal(clientAddress(request(forwardHeaders('203.0.113.7', secret)), secret), '203.0.113.7');
  assert.equal(clientAddress(request({}), secret), '10.0.0.9');
  // A client that sends the headers itself, with a made-up or another secret's signature.
  assert.equal(clientAddress(request({ 'x-tandem-forwarded-for': '203.0.113.7', 'x-tandem-forward-signature': 'bogus' }), secret), '10.0.0.9');
  assert.equal(clientAddress(request(forwardHeaders('203.0.113.7', randomBytes(32))), secret), '10.0.0.9');
  // A signature for one address does not carry over to another.
  const signed = forwardHeaders('203.0.113.7', secret);
  assert.equal(clientAddress(request({ ...signed, 'x-tandem-forwarded-for': '203.0.113.8' }), secret), '10.0.0.9');
  assert.equal(isForwarded(request(signed)), true);
  assert.equal(isForwarded(request({})), false);
});

/** An "owner" that echoes binary frames, refuses `/refuse`, and records the headers it saw. */
async function startOwner() {
  const seen: IncomingMessage[] = [];
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer();
  server.on('upgrade', (req, socket, head) => {
    seen.push(req);
    if (req.url?.startsWith('/refuse')) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"no":true}');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    sockets,
    stop: () => {
      for (const s of sockets) s.terminate();
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A "front" node whose every upgrade is piped to the owner. */
async function startFront(ownerUrl: string) {
  const server = createServer();
  server.on('upgrade', (req, socket, head) => pipeUpgrade(req, socket, head, new URL(req.url ?? '/', ownerUrl), forwardHeaders('203.0.113.7', secret)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

const opened = (ws: WebSocket) => new Promise<void>((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
/** The HTTP status of a refused upgrade (the request is then dropped, as ws asks). */
const refusal = (ws: WebSocket) =>
  new Promise<number>((resolve) =>
    ws.once('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      req.destroy();
    }),
  );
const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

test('a forwarded WebSocket reaches the owner with the signed address and carries frames both ways unchanged', async () => {
  const owner = await startOwner();
  const front = await startFront(owner.url);
  const ws = new WebSocket(`${front.url}/collab/abc?token=t`, { headers: { origin: 'https://tandem.example', 'x-tandem-forwarded-for': '198.51.100.1' } });
  try {
    await opened(ws);
    const req = owner.seen[0];
    assert.equal(req.url, '/collab/abc?token=t');
    assert.equal(req.headers.origin, 'https://tandem.example');
    // The client's own forwarded-for header is replaced by the front's signed one.
    assert.equal(clientAddress(req, secret), '203.0.113.7');
    // Frames of every length encoding (7-bit, 16-bit, 64-bit) arrive intact and in order.
    const sizes = [0, 1, 125, 126, 65_535, 65_536, 300_000];
    const payloads = sizes.map((n) => randomBytes(n));
    const got: Buffer[] = [];
    const all = new Promise<void>((resolve) => ws.on('message', (d: Buffer) => { got.push(d); if (got.length === sizes.length) resolve(); }));
    for (const p of payloads) ws.send(p);
    await all;
    assert.equal(got.length, payloads.length);
    payloads.forEach((p, i) => assert.ok(p.equals(got[i]), `frame ${i} (${p.length} bytes) intact`));
  } finally {
    ws.terminate();
    await front.stop();
    await owner.stop();
  }
});

test('a refusal by the owner reaches the client as it is, and the loss of the owner closes the client', async () => {
  const owner = await startOwner();
  const front = await startFront(owner.url);
  try {
    const refused = new WebSocket(`${front.url}/refuse`);
    assert.equal(await refusal(refused), 403);

    const ws = new WebSocket(`${front.url}/collab/abc`);
    await opened(ws);
    const code = closed(ws);
    for (const s of owner.sockets) s.terminate();
    assert.equal(await code, 1006);

    // And the other way: a client that goes away ends the owner's socket.
    const ws2 = new WebSocket(`${front.url}/collab/abc`);
    await opened(ws2);
    const ownerSide = [...owner.sockets].find((s) => s.readyState === WebSocket.OPEN)!;
    const ownerClosed = closed(ownerSide);
    ws2.terminate();
    await ownerClosed;
  } finally {
    await front.stop();
    await owner.stop();
  }
});

test('an owner that cannot be reached is a 503 for the client', async () => {
  const owner = await startOwner();
  await owner.stop();
  const front = await startFront(owner.url);
  try {
    const ws = new WebSocket(`${front.url}/collab/abc`);
    assert.equal(await refusal(ws), 503);
  } finally {
    await front.stop();
  }
});
