// Forwarding to the node that owns a room. A WebSocket that arrives at another node is accepted
// there and piped, frame for frame, to the owner (AI and review calls are passed on as HTTP by
// server/http/ownerForwarding.ts).
// The owner sees the person's own address (for per-person limits and for matching a request to
// its editor connection) in a header the forwarding node signs with the shared token secret, so
// a client cannot claim someone else's address by sending the header itself.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { CLOSE } from '../../lib/protocol.ts';
import { log } from '../log.ts';

export const FORWARDED_FOR = 'x-tandem-forwarded-for';
export const FORWARD_SIGNATURE = 'x-tandem-forward-signature';

/** Frames a client may have sent before the owner answered; past this the socket closes. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

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

interface Close {
  code: number;
  reason: string;
}

/** Where a close code from the owner leaves the client: the same code, or "reconnect". */
function closeFor(code: number, reason: string): Close {
  // 1005/1006 cannot be sent; the owner went away without a close frame: reconnect.
  if (code === 1005 || code === 1006 || code === 1001) return CLOSE.reconnect;
  return { code, reason };
}

/**
 * Pipes an accepted client socket to the owner's `/collab/…` URL. Frames the client sends before
 * the owner accepts are held (bounded); a refusal by the owner or its loss closes the client
 * with a code that tells y-websocket to reconnect, which lands it on a live owner.
 */
export function forwardSocket(client: WebSocket, upstreamUrl: string, headers: Record<string, string>, maxFrameBytes: number): void {
  const upstream = new WebSocket(upstreamUrl, { headers, maxPayload: maxFrameBytes, perMessageDeflate: false });
  const held: Buffer[] = [];
  let heldBytes = 0;
  let done = false;
  const finish = (spec: Close) => {
    if (done) return;
    done = true;
    if (client.readyState === WebSocket.OPEN || client.readyState === WebSocket.CONNECTING) client.close(spec.code, spec.reason);
    if (upstream.readyState === WebSocket.OPEN) upstream.close(1000);
    else upstream.terminate();
  };
  client.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return finish(CLOSE.malformedFrame);
    if (upstream.readyState === WebSocket.OPEN) return upstream.send(data);
    heldBytes += data.byteLength;
    if (heldBytes > MAX_BUFFERED_BYTES) return finish(CLOSE.messageTooBig);
    held.push(data);
  });
  upstream.on('open', () => {
    for (const data of held) upstream.send(data);
    held.length = 0;
  });
  upstream.on('message', (data: Buffer) => {
    if (client.readyState === WebSocket.OPEN) client.send(data);
  });
  upstream.on('unexpected-response', (_req, res) => {
    // The owner refused the upgrade (e.g. it is shutting down, or the token): pass it on as a close.
    log.warn('cluster.forward_refused', { status: res.statusCode });
    finish(res.statusCode === 403 || res.statusCode === 404 ? { code: 4403, reason: 'refused by the session owner' } : CLOSE.reconnect);
  });
  upstream.on('close', (code: number, reason: Buffer) => finish(closeFor(code, reason.toString())));
  upstream.on('error', () => finish(CLOSE.reconnect));
  client.on('close', () => finish({ code: 1000, reason: '' }));
  client.on('error', () => finish({ code: 1000, reason: '' }));
}
