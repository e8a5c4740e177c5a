// The hand-built frames must be exactly what a real WebSocket client accepts, at every length
// encoding boundary, and must interleave safely with ws's own frames on the same socket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { binaryFrame, joinFrames } from './wireFrame.ts';

const SIZES = [0, 1, 125, 126, 127, 65535, 65536, 200_000];

function payload(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

async function withPair(serve: (ws: WebSocket, socket: Duplex) => void, expected: number): Promise<Buffer[]> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => serve(ws, socket)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
  const received: Buffer[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      client.on('message', (data: Buffer, isBinary: boolean) => {
        assert.equal(isBinary, true);
        received.push(data);
        if (received.length === expected) resolve();
      });
      client.on('error', reject);
      client.on('close', (code) => reject(new Error(`closed with ${code} after ${received.length} messages`)));
    });
  } finally {
    client.removeAllListeners('close');
    client.terminate();
    wss.close();
    await new Promise((r) => server.close(r));
  }
  return received;
}

test('a real client receives every framed message intact, at every length encoding', async () => {
  const sent = SIZES.map((size, i) => payload(size, i));
  const received = await withPair((_ws, socket) => {
    for (const p of sent) socket.write(binaryFrame(p));
  }, sent.length);
  assert.deepEqual(received.map((b) => new Uint8Array(b)), sent);
});

test('joined frames arrive as separate messages, in order with ws\'s own sends', async () => {
  const [a, b, c, d] = [payload(10, 1), payload(300, 2), payload(70_000, 3), payload(5, 4)];
  const received = await withPair((ws, socket) => {
    ws.send(a);
    socket.write(joinFrames([binaryFrame(b), binaryFrame(c)]));
    ws.send(d);
  }, 4);
  assert.deepEqual(received.map((x) => new Uint8Array(x)), [a, b, c, d]);
});
