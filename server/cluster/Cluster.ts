// Several Tandem nodes serving the same sessions (REDIS_URL). Each room has one owner node at a
// time, recorded as a lease in Redis; the owner holds the room (its document, write-ahead log,
// compaction, AI peer) and every other node forwards that room's WebSockets and AI/review calls
// to it (server/cluster/forward.ts). docs/SCALING.md says why this design and not every node
// holding every room.
//
// Keys (prefix `tandem:`):
//   node:<nodeId>        the node's internal URL; expires unless renewed (the node is alive)
//   room:<roomId>:owner  the owner's nodeId; a lease that expires unless its owner renews it
// A claim takes a free lease, renews its own, or takes over one whose owner node is gone (its
// node key expired), in one script so that two nodes never both win.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { log } from '../log.ts';

export interface ClusterOptions {
  redisUrl: string;
  /** How other nodes reach this one, e.g. `http://10.0.0.5:3000`. */
  nodeUrl: string;
  /** Lifetime of a room lease without renewal (default 5000 ms). */
  leaseMs?: number;
  /** Lifetime of the node's liveness key without renewal (default 0.6 × leaseMs). */
  nodeTtlMs?: number;
}

export type Claim = { mine: true } | { mine: false; ownerUrl: string; ownerId: string };

const PREFIX = 'tandem:';

// KEYS[1] lease key; ARGV: me, leaseMs, node key prefix → [ownerId, ownerUrl]
const CLAIM = `
local owner = redis.call('GET', KEYS[1])
if (not owner) or owner == ARGV[1] or redis.call('EXISTS', ARGV[3] .. owner) == 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {ARGV[1], ''}
end
return {owner, redis.call('GET', ARGV[3] .. owner) or ''}
`;

// KEYS: lease keys; ARGV: me, leaseMs → 1 per key still ours (renewed), 0 per key lost
const RENEW = `
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`;

// KEYS[1] lease key; ARGV[1] me
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export class Cluster {
  readonly nodeId = randomBytes(6).toString('hex');
  readonly nodeUrl: string;
  private readonly redis: Redis;
  private readonly leaseMs: number;
  private readonly nodeTtlMs: number;
  /** Rooms this node holds the lease of, with when it claimed each. */
  private readonly held = new Map<string, number>();
  private lastRenewal = Date.now();
  private readonly timer: NodeJS.Timeout;
  private readonly lostListeners = new Set<(roomId: string) => void>();
  private inUse: (roomId: string) => boolean = () => true;
  private closed = false;

  private constructor(redis: Redis, options: ClusterOptions) {
    this.redis = redis;
    this.nodeUrl = options.nodeUrl;
    this.leaseMs = options.leaseMs ?? 5000;
    this.nodeTtlMs = options.nodeTtlMs ?? Math.round(this.leaseMs * 0.6);
    const every = Math.max(50, Math.min(this.leaseMs, this.nodeTtlMs) / 3);
    this.timer = setInterval(() => void this.renew(), every);
    this.timer.unref();
  }

  static async connect(options: ClusterOptions): Promise<Cluster> {
    const redis = new Redis(options.redisUrl, {
      lazyConnect: true,
      // Commands fail fast while Redis is away instead of queueing without bound.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2000,
    });
    redis.on('error', () => {}); // reported through failed commands and readiness
    await redis.connect();
    const cluster = new Cluster(redis, options);
    await cluster.announce();
    return cluster;
  }

  /** Which rooms are still used here (loaded): leases of others are given back at renewal. */
  setInUse(check: (roomId: string) => boolean): void {
    this.inUse = check;
  }

  /** Calls `listener(roomId)` when this node has lost (or can no longer prove) a room's lease. */
  onLost(listener: (roomId: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /** This node owns the room from now on, or the node that does. Rejects when Redis is away. */
  async claim(roomId: string): Promise<Claim> {
    if (this.closed) throw new Error('this node is shutting down');
    const result = (await this.redis.eval(CLAIM, 1, `${PREFIX}room:${roomId}:owner`, this.nodeId, this.leaseMs, `${PREFIX}node:`)) as [string, string];
    const [ownerId, ownerUrl] = result;
    if (ownerId === this.nodeId) {
      if (!this.held.has(roomId)) this.held.set(roomId, Date.now());
      return { mine: true };
    }
    if (!ownerUrl) throw new Error('the node that owns this session is not reachable');
    return { mine: false, ownerId, ownerUrl };
  }

  /** Whether this node holds the room's lease right now, as far as it knows. */
  holds(roomId: string): boolean {
    return this.held.has(roomId);
  }

  /** Gives a room's lease back (the room was unloaded here). */
  async release(roomId: string): Promise<void> {
    if (!this.held.delete(roomId)) return;
    await this.redis.eval(RELEASE, 1, `${PREFIX}room:${roomId}:owner`, this.nodeId).catch(() => {});
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  /** Stops renewing, gives every lease back and forgets the node. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    const rooms = [...this.held.keys()];
    this.held.clear();
    try {
      for (const room of rooms) await this.redis.eval(RELEASE, 1, `${PREFIX}room:${room}:owner`, this.nodeId);
      await this.redis.del(`${PREFIX}node:${this.nodeId}`);
    } catch {
      // Redis is away: the keys expire on their own.
    }
    this.redis.disconnect();
  }

  private async announce(): Promise<void> {
    await this.redis.set(`${PREFIX}node:${this.nodeId}`, this.nodeUrl, 'PX', this.nodeTtlMs);
  }

  private async renew(): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    // Leases of rooms no longer loaded here (a claim whose request failed, say) go back.
    for (const [room, since] of this.held) {
      if (!this.inUse(room) && now - since > this.leaseMs) void this.release(room);
    }
    const rooms = [...this.held.keys()];
    try {
      await this.announce();
      if (rooms.length > 0) {
        const kept = (await this.redis.eval(RENEW, rooms.length, ...rooms.map((r) => `${PREFIX}room:${r}:owner`), this.nodeId, this.leaseMs)) as number[];
        rooms.forEach((room, i) => {
          if (kept[i] !== 1) this.lose(room, 'taken over by another node');
        });
      }
      this.lastRenewal = now;
    } catch (err) {
      // Without Redis this node cannot prove it still owns its rooms: before the leases can have
      // expired (and another node taken over), it lets them all go.
      if (now - this.lastRenewal > this.leaseMs * 0.6) {
        log.warn('cluster.renew_failed', { error: (err as Error).message, rooms: rooms.length });
        for (const room of rooms) this.lose(room, 'Redis unreachable');
      }
    }
  }

  private lose(roomId: string, why: string): void {
    if (!this.held.delete(roomId)) return;
    log.warn('cluster.lease_lost', { room: roomId, why });
    for (const listener of this.lostListeners) listener(roomId);
  }
}
