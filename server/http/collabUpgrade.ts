// The `/collab/<sessionId>?token=…` WebSocket endpoint. Every check (id grammar, token, session,
// capacity) happens on the raw socket BEFORE the upgrade completes; a refusal is a plain HTTP
// response and no room is created. Upgrades under any other path are left alone (Next's HMR).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { WebSocketServer } from 'ws';
import { COLLAB_PREFIX } from '../../lib/protocol.ts';
import { authorize } from '../access/authorize.ts';
import { statusOf, type ErrorCode } from './errorStatus.ts';
import type { Storage } from '../storage/Storage.ts';
import type { RoomManager } from '../collab/RoomManager.ts';
import type { Cluster } from '../cluster/Cluster.ts';
import { clientAddress, forwardHeaders, isForwarded, pipeUpgrade } from '../cluster/forward.ts';
import { log } from '../log.ts';

export interface UpgradeDeps {
  storage: Storage;
  secret: Buffer;
  rooms: RoomManager;
  maxFrameBytes: number;
  /**
   * ALLOWED_ORIGINS: when set, a browser's upgrade (it always sends `Origin`) from any other
   * origin is refused with 403 before the token is even checked. Clients that send no Origin
   * (scripts, other servers) are not browsers and are judged by their token alone.
   */
  allowedOrigins?: readonly string[] | null;
  /** With several nodes: resolves to the cluster, whose lease says which node holds a room. */
  cluster?: Promise<Cluster | null>;
  /** Sockets this node forwards to other nodes at once (default: unbounded). */
  maxForwarded?: number;
}

export type UpgradeHandler = ((req: IncomingMessage, socket: Duplex, head: Buffer) => boolean) & {
  close(): void;
};

/** Returns a handler that takes `/collab/` upgrades (returning true) and ignores the rest. */
export function createUpgradeHandler(deps: UpgradeDeps): UpgradeHandler {
  const wss = new WebSocketServer({
    noServer: true,
    // ws closes a socket whose frame passes this with 1009 before buffering it.
    maxPayload: deps.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });

  /** Sockets joined to another node's; ended on close (their clients reconnect elsewhere). */
  const forwarded = new Set<Duplex>();
  const handler = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(COLLAB_PREFIX)) return false;
    // Without a listener a reset socket would crash the process while we await storage.
    socket.on('error', () => {});
    const sessionId = url.pathname.slice(COLLAB_PREFIX.length);
    const token = url.searchParams.get('token');
    const origin = req.headers.origin;
    if (deps.allowedOrigins && origin !== undefined && !deps.allowedOrigins.includes(origin)) {
      refuse(socket, 'origin_not_allowed', `origin ${origin.slice(0, 200)} is not in ALLOWED_ORIGINS`);
      return true;
    }
    void (async () => {
      const access = await authorize(deps.storage, deps.secret, sessionId, token);
      if (!access.ok) return refuse(socket, access.code, access.message);
      const address = clientAddress(req, deps.secret);
      const cluster = deps.cluster ? await deps.cluster : null;
      if (cluster) {
        const claim = await cluster.claim(sessionId).catch(() => null);
        if (!claim) return refuse(socket, 'unavailable', 'the cluster cannot be reached; try again');
        if (!claim.mine) {
          // Forwarded once at most: a node that is asked by another but no longer owns the room
          // refuses, and the client's reconnect finds the new owner.
          if (isForwarded(req)) return refuse(socket, 'unavailable', 'the session is moving to another node; try again');
          if (forwarded.size >= (deps.maxForwarded ?? Number.POSITIVE_INFINITY)) return refuse(socket, 'unavailable', 'too many connections');
          if (socket.destroyed) return;
          const headers = forwardHeaders(address, deps.secret);
          const target = new URL(`${COLLAB_PREFIX}${encodeURIComponent(sessionId)}?token=${encodeURIComponent(token ?? '')}`, claim.ownerUrl);
          forwarded.add(socket);
          socket.once('close', () => forwarded.delete(socket));
          pipeUpgrade(req, socket, head, target, headers);
          return;
        }
      }
      const full = deps.rooms.capacityProblem(sessionId);
      if (full) return refuse(socket, 'unavailable', full);
      if (socket.destroyed) return;
      // handleUpgrade calls back synchronously, so the capacity check above still holds.
      wss.handleUpgrade(req, socket, head, (ws) => deps.rooms.accept(ws, socket, sessionId, access.role, address));
    })().catch((err: unknown) => {
      log.error('upgrade.failed', err);
      refuse(socket, 'internal', 'internal error');
    });
    return true;
  };
  return Object.assign(handler, {
    close: () => {
      wss.close();
      for (const socket of forwarded) socket.destroy();
    },
  });
}

function refuse(socket: Duplex, code: ErrorCode, message: string): void {
  const status = statusOf(code);
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: { code, message } });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
      body,
  );
}
