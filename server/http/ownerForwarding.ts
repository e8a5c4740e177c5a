// With several nodes, calls that work on a session's live room (AI, review) are served by the
// node that holds the room; any other node passes them on there as HTTP, with the person's
// address signed (server/cluster/forward.ts).
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { isSessionId } from '../../lib/protocol.ts';
import { clientAddress, FORWARD_SIGNATURE, FORWARDED_FOR, forwardHeaders, isForwarded } from '../cluster/forward.ts';
import { HttpError, sendError } from './respond.ts';
import type { ApiDeps } from './sessionRoutes.ts';
import { log } from '../log.ts';

/**
 * With several nodes, a call that works on the live room (AI, review) is served by the node
 * that holds it: when that is another node, the call is passed on there and true returned.
 */
export async function forwardedToOwner(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string): Promise<boolean> {
  const cluster = await deps.cluster;
  if (!cluster || !isSessionId(id)) return false;
  const claim = await cluster.claim(id).catch(() => null);
  if (!claim) throw new HttpError('unavailable', 'the cluster cannot be reached; try again', 1000);
  if (claim.mine) return false;
  if (isForwarded(req)) throw new HttpError('unavailable', 'the session is moving to another node; try again', 1000);
  forwardRequest(req, res, claim.ownerUrl, forwardHeaders(clientAddress(req, deps.config.secret), deps.config.secret));
  return true;
}

/** Passes an HTTP request on to the owner node and its answer back, unchanged. */
function forwardRequest(req: IncomingMessage, res: ServerResponse, ownerUrl: string, headers: Record<string, string>): void {
  const target = new URL(req.url ?? '/', ownerUrl);
  const outHeaders: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'host' || name === 'connection' || name === FORWARDED_FOR || name === FORWARD_SIGNATURE) continue;
    outHeaders[name] = value;
  }
  Object.assign(outHeaders, headers);
  const upstream = httpRequest(target, { method: req.method, headers: outHeaders, timeout: 60_000 }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
  upstream.on('error', (err) => {
    log.warn('cluster.forward_failed', { error: err.message });
    if (!res.headersSent) sendError(res, 'unavailable', 'the node that holds this session did not answer; try again', 1000);
    else res.destroy();
  });
  req.pipe(upstream);
}
