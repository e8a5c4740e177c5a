// Forwarding to the node that owns a room. A WebSocket upgrade that arrives at another node is
// passed on to the owner and the two sockets joined byte for byte (AI and review calls are
// passed on as HTTP by server/http/ownerForwarding.ts).
// The owner sees the person's own address (for per-person limits and for matching a request to
// its editor connection) in a header the forwarding node signs with the shared token secret, so
// a client cannot claim someone else's address by sending the header itself.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { request as httpRequest, STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { log } from '../log.ts';

export const FORWARDED_FOR = 'x-tandem-forwarded-for';
export const FORWARD_SIGNATURE = 'x-tandem-forward-signature';

function sign(address: string, secret: Buffer): string {
  return createHmac('sha256', secret).update(`forwarded-for:${address}`).digest('base64url');
}

/** The headers a forwarding node adds for the owner. */
export function forwardHeaders(address: string, secret: Buffer): Record<string, string> {
  return { [FORWARDED_FOR]: address, [FORWARD_SIGNATURE]: sign(address, secret) };
}

/** Whether another node forwarded this request (signed or not: a node never forwards it again). */
export function isForwarded(req: IncomingMessage): boolean {
  return req.headers[FORWARDED_FOR] !== undefined;
}

/** The person's address: the signed forwarded one when present and valid, else the socket's. */
export function clientAddress(req: IncomingMessage, secret: Buffer): string {
  const forwarded = req.headers[FORWARDED_FOR];
  const signature = req.headers[FORWARD_SIGNATURE];
  if (typeof forwarded === 'string' && typeof signature === 'string' && forwarded.length <= 100) {
    const expected = Buffer.from(sign(forwarded, secret));
    const given = Buffer.from(signature);
    if (expected.length === given.length && timingSafeEqual(expected, given)) return forwarded;
  }
  return req.socket.remoteAddress ?? '';
}

/**
 * Passes a client's WebSocket upgrade on to the owner's `/collab/…` URL and, once the owner
 * answers, joins the two TCP sockets byte for byte: frames are not decoded here, so a forwarded
 * update costs this node two socket copies and no WebSocket work. Every limit (frame size,
 * presence, slow readers) is enforced by the owner, which sees the same frames; backpressure runs
 * through the pipe both ways. A refusal from the owner (its HTTP answer) reaches the client as it
 * is; the owner's loss ends the client's socket, and y-websocket reconnects to a live owner.
 * (Written here rather than taken from an HTTP proxy library: it is one request and two pipes,
 * and the owner is always another Tandem node on the internal network.)
 */
export function pipeUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, target: URL, headers: Record<string, string>): void {
  const outHeaders: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'host' || name === FORWARDED_FOR || name === FORWARD_SIGNATURE) continue;
    outHeaders[name] = value;
  }
  Object.assign(outHeaders, headers, { connection: 'Upgrade', upgrade: 'websocket' });
  const upstreamRequest = httpRequest(target, { method: 'GET', headers: outHeaders, timeout: CONNECT_TIMEOUT_MS });
  let settled = false;
  const fail = (status: number, message: string) => {
    if (settled) return;
    settled = true;
    upstreamRequest.destroy();
    if (client.destroyed) return;
    const body = JSON.stringify({ error: { code: 'unavailable', message } });
    client.once('finish', () => client.destroy());
    client.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  client.once('close', () => {
    if (!settled) {
      settled = true;
      upstreamRequest.destroy();
    }
  });
  upstreamRequest.on('timeout', () => fail(503, 'the node that holds this session did not answer; try again'));
  upstreamRequest.on('error', () => fail(503, 'the node that holds this session did not answer; try again'));
  upstreamRequest.on('response', (res) => {
    // The owner refused the upgrade: its status line, headers and body go to the client as they are.
    if (settled || client.destroyed) return void res.destroy();
    settled = true;
    log.warn('cluster.forward_refused', { status: res.statusCode });
    client.write(responseHead(res.statusCode ?? 502, res.statusMessage ?? '', { ...res.headers, connection: 'close' }));
    res.pipe(client);
  });
  upstreamRequest.on('upgrade', (res, upstream: Socket, upstreamHead: Buffer) => {
    if (settled || client.destroyed) return void upstream.destroy();
    settled = true;
    upstream.setNoDelay(true);
    if (client instanceof Socket) client.setNoDelay(true);
    client.write(responseHead(101, res.statusMessage ?? 'Switching Protocols', res.headers));
    if (upstreamHead.length > 0) client.write(upstreamHead);
    // Either side ending or failing ends both: a half-open forward would hold a room's slot.
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.pipe(client);
    client.pipe(upstream);
  });
  // Bytes the client sent after its request (it should wait for the 101) go through the pipe first.
  if (head.length > 0) client.unshift(head);
  upstreamRequest.end();
}

/** How long the owner may take to answer a forwarded upgrade. */
const CONNECT_TIMEOUT_MS = 10_000;

function responseHead(status: number, message: string, headers: IncomingHttpHeaders): string {
  let text = `HTTP/1.1 ${status} ${message || STATUS_CODES[status] || ''}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) text += `${name}: ${v}\r\n`;
  }
  return `${text}\r\n`;
}
