// PostgreSQL and Redis for the multi-node tests of one file: started before its tests, stopped
// after them. Tests read them through the getter `useEngines()` returns.
import { after, before } from 'node:test';
import { randomBytes } from 'node:crypto';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.ts';
import { redisMissing, startRedis, type TestRedis } from './redis.ts';

export interface Engines {
  pg: TestPostgres;
  redis: TestRedis;
  /** The environment of nodes that share a fresh database and this Redis (one secret). */
  clusterEnv(extra?: Record<string, string>): Promise<Record<string, string>>;
}

/** Why multi-node tests cannot run on this machine, or false when they can (a `skip` value). */
export const enginesMissing: string | false = postgresMissing() ?? redisMissing() ?? false;

/**
 * Registers the file's hooks. `setup` runs once the engines are up (top-level before hooks of
 * one file are not ordered against each other), `teardown` before they stop.
 */
export function useEngines(hooks: { setup?: (engines: Engines) => Promise<void>; teardown?: () => Promise<void> } = {}): () => Engines {
  let engines: Engines | null = null;
  before(async () => {
    if (enginesMissing) return;
    const pg = await startPostgres({ fsync: false });
    const redis = await startRedis();
    const secret = randomBytes(32).toString('hex');
    engines = {
      pg,
      redis,
      clusterEnv: async (extra = {}) => ({ DATABASE_URL: await pg.createDatabase(), REDIS_URL: redis.url, TANDEM_SECRET: secret, CLUSTER_LEASE_MS: '1500', ...extra }),
    };
    await hooks.setup?.(engines);
  });
  after(async () => {
    if (engines) await hooks.teardown?.();
    engines?.pg.destroy();
    engines?.redis.destroy();
  });
  return () => {
    if (!engines) throw new Error('PostgreSQL and Redis are not running');
    return engines;
  };
}
