// The one module that reads the environment. Everything else receives a typed Config, so tests
// build their own (temp DATA_DIR, port 0) with configFromEnv({...}) and nothing leaks between them.
import { predictConfigFromEnv, type PredictConfig } from './ai/predict/predictConfig.ts';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { aiConfigFromEnv } from './ai/aiConfig.ts';
import { ConfigError } from './configError.ts';
import type { AiSettings } from './ai/AiService.ts';
import type { HistorySettings } from './history/History.ts';
import { MAX_HOLD_MS } from './ai/HunkWriter.ts';

export interface Limits {
  /** Largest WebSocket frame accepted; bigger frames close the socket with 1009. */
  maxFrameBytes: number;
  /** Upper bound of a room's stored state; an update that would pass it closes with 4413. */
  maxDocBytes: number;
  /** Largest HTTP request body (session seeds). */
  maxBodyBytes: number;
  /** Rooms loaded at once; a join that would load one more is refused with 503. */
  maxRooms: number;
  /** Open WebSocket connections per process; one more is refused with 503. */
  maxConnections: number;
  /** Largest awareness (presence) state of one client, as JSON; past it the socket closes 4414. */
  maxAwarenessStateBytes: number;
  /** All presence states of one room together; a state that would pass it closes its socket 4414. */
  maxRoomAwarenessBytes: number;
  /** Sessions one address may create per minute (429 with Retry-After past it). */
  sessionsPerAddressPerMinute: number;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** HMAC key of capability tokens. */
  secret: Buffer;
  /** Origin used in share links, e.g. `https://tandem.example.com`; else derived from Host. */
  publicUrl: string | null;
  limits: Limits;
  /** How long an empty room stays loaded before it is compacted and unloaded. */
  roomIdleMs: number;
  /** Compact a room's update log into a snapshot after this many appended updates. */
  compactEvery: number;
  /** Interval of WebSocket pings; a socket that missed the previous pong is terminated. */
  pingIntervalMs: number;
  /** The AI peer: provider (OPENAI_API_KEY, OPENAI_BASE_URL, TANDEM_AI_*), rate limits, queue. */
  ai: AiSettings;
  /** Edit predictions' model (TANDEM_PREDICT_*), or null when they are off. */
  predict: PredictConfig | null;
  /** ALLOWED_ORIGINS (comma-separated `scheme://host[:port]`): browsers from elsewhere cannot open a WebSocket. */
  allowedOrigins: string[] | null;
  /** DATABASE_URL (`postgres://…`): sessions in PostgreSQL; null keeps them in SQLite in DATA_DIR. */
  databaseUrl: string | null;
  /** REDIS_URL: several nodes serve the same sessions (needs DATABASE_URL and TANDEM_SECRET). */
  cluster: ClusterConfig | null;
  /** Checkpoints: TANDEM_CHECKPOINTS_KEEP, TANDEM_CHECKPOINTS_MAX_BYTES, TANDEM_CHECKPOINT_IDLE_MS. */
  history: HistorySettings;
}

export interface ClusterConfig {
  redisUrl: string;
  /** NODE_URL: how the other nodes reach this one; default `http://127.0.0.1:<port>`. */
  nodeUrl: string | null;
  /** CLUSTER_LEASE_MS: how long a dead node's sessions wait before another node takes them. */
  leaseMs: number;
}

export { ConfigError };

type Env = Record<string, string | undefined>;

const MiB = 1024 * 1024;

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

function publicUrlVar(env: Env): string | null {
  const raw = env.PUBLIC_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`PUBLIC_URL must start with http:// or https:// (got "${raw}")`);
  }
  // Share links are built as `${publicUrl}/s/<id>`: keep any path prefix, drop a trailing slash.
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/**
 * The token secret: TANDEM_SECRET if set (at least 32 characters), else a random key generated
 * once into DATA_DIR/secret (0600) so that share links survive restarts.
 */
function loadSecret(env: Env, dataDir: string): Buffer {
  const given = env.TANDEM_SECRET;
  if (given !== undefined && given !== '') {
    if (given.length < 32) throw new ConfigError('TANDEM_SECRET must be at least 32 characters long');
    return Buffer.from(given, 'utf8');
  }
  const file = join(dataDir, 'secret');
  try {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length >= 32) return Buffer.from(stored, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
    }
  }
  const fresh = randomBytes(32).toString('base64url');
  try {
    // 'wx' so two processes starting together never overwrite each other's secret.
    writeFileSync(file, fresh + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadSecret(env, dataDir);
    throw new ConfigError(`cannot write ${file}: ${(err as Error).message}`);
  }
  return Buffer.from(fresh, 'utf8');
}

/** Builds a Config from an environment object; throws ConfigError with a clear message. */
export function configFromEnv(env: Env, cwd: string = process.cwd()): Config {
  const port = intVar(env, 'PORT', 3000, 0, 65535);
  // Listen on every interface by default: sessions are meant to be shared with other machines,
  // and every session is guarded by its capability tokens. HOST=127.0.0.1 keeps it local.
  const host = env.HOST?.trim() || '0.0.0.0';
  const dataDir = resolve(cwd, env.DATA_DIR?.trim() || './data');
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw new ConfigError(`DATA_DIR ${dataDir} cannot be created: ${(err as Error).message}`);
  }
  return {
    port,
    host,
    dataDir,
    secret: loadSecret(env, dataDir),
    publicUrl: publicUrlVar(env),
    limits: {
      maxFrameBytes: intVar(env, 'MAX_FRAME_BYTES', 8 * MiB, 1024, 1024 * MiB),
      maxDocBytes: intVar(env, 'MAX_DOC_BYTES', 32 * MiB, 1024, 4096 * MiB),
      maxBodyBytes: intVar(env, 'MAX_BODY_BYTES', 16 * MiB, 1024, 1024 * MiB),
      maxRooms: intVar(env, 'MAX_ROOMS', 1000, 1, 1_000_000),
      maxConnections: intVar(env, 'MAX_CONNECTIONS', 10_000, 1, 1_000_000),
      maxAwarenessStateBytes: intVar(env, 'MAX_AWARENESS_STATE_BYTES', 16 * 1024, 256, 16 * MiB),
      maxRoomAwarenessBytes: intVar(env, 'MAX_ROOM_AWARENESS_BYTES', MiB, 1024, 1024 * MiB),
      sessionsPerAddressPerMinute: intVar(env, 'SESSIONS_PER_ADDRESS_PER_MINUTE', 60, 1, 1_000_000),
    },
    roomIdleMs: intVar(env, 'ROOM_IDLE_MS', 30_000, 0, 24 * 3600_000),
    compactEvery: intVar(env, 'COMPACT_EVERY', 500, 1, 1_000_000),
    pingIntervalMs: intVar(env, 'PING_INTERVAL_MS', 30_000, 100, 3600_000),
    ai: aiSettingsFromEnv(env),
    predict: predictConfigFromEnv(env),
    allowedOrigins: allowedOriginsVar(env),
    databaseUrl: databaseUrlVar(env),
    cluster: clusterVar(env),
    history: {
      keep: intVar(env, 'TANDEM_CHECKPOINTS_KEEP', 200, 1, 100_000),
      maxBytes: intVar(env, 'TANDEM_CHECKPOINTS_MAX_BYTES', 64 * MiB, 1024, 64 * 1024 * MiB),
      idleMs: intVar(env, 'TANDEM_CHECKPOINT_IDLE_MS', 60_000, 100, 24 * 3600_000),
    },
  };
}

function clusterVar(env: Env): ClusterConfig | null {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('REDIS_URL must be a URL such as redis://redis:6379');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new ConfigError(`REDIS_URL must start with redis:// or rediss:// (got "${url.protocol}//…")`);
  // Every node must read the same sessions and accept the same links.
  if (!env.DATABASE_URL?.trim()) throw new ConfigError('REDIS_URL needs DATABASE_URL: the nodes share their sessions through PostgreSQL');
  if (!env.TANDEM_SECRET?.trim()) throw new ConfigError('REDIS_URL needs TANDEM_SECRET, the same on every node, so that share links work on all of them');
  const nodeUrl = env.NODE_URL?.trim() || null;
  if (nodeUrl && !/^https?:\/\/[^/]+$/.test(nodeUrl.replace(/\/+$/, ''))) throw new ConfigError(`NODE_URL must be this node's http(s) origin as the other nodes reach it (got "${nodeUrl}")`);
  return { redisUrl: raw, nodeUrl: nodeUrl?.replace(/\/+$/, '') ?? null, leaseMs: intVar(env, 'CLUSTER_LEASE_MS', 5000, 500, 600_000) };
}

function databaseUrlVar(env: Env): string | null {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL must be a URL such as postgres://user:password@host:5432/tandem');
  }
  // Only the scheme is quoted back: the URL may hold a password.
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql:// (got "${url.protocol}//…")`);
  }
  return raw;
}

/** Where sessions are stored, for logs: the database's host and name, never its credentials. */
export function describeStorage(config: Pick<Config, 'dataDir' | 'databaseUrl'>): string {
  if (!config.databaseUrl) return `SQLite in ${config.dataDir}`;
  const url = new URL(config.databaseUrl);
  return `PostgreSQL at ${url.host}${url.pathname}`;
}

function allowedOriginsVar(env: Env): string[] | null {
  const raw = env.ALLOWED_ORIGINS?.trim();
  if (!raw) return null;
  return raw.split(',').map((o) => o.trim()).filter(Boolean).map((o) => {
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      throw new ConfigError(`ALLOWED_ORIGINS must list origins such as https://tandem.example.com (got "${o}")`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`ALLOWED_ORIGINS entries must be http(s) origins (got "${o}")`);
    return url.origin;
  });
}

function aiSettingsFromEnv(env: Env): AiSettings {
  return {
    provider: aiConfigFromEnv(env),
    ratePerPerson: intVar(env, 'TANDEM_AI_RATE_PER_PERSON', 10, 1, 100_000),
    ratePerRoom: intVar(env, 'TANDEM_AI_RATE_PER_ROOM', 30, 1, 100_000),
    rateWindowMs: intVar(env, 'TANDEM_AI_RATE_WINDOW_MS', 60_000, 1000, 24 * 3600_000),
    maxQueued: intVar(env, 'TANDEM_AI_MAX_QUEUE', 10, 1, 1000),
    peerIdleMs: intVar(env, 'TANDEM_AI_IDLE_MS', 5 * 60_000, 0, 24 * 3600_000),
    maxRunning: intVar(env, 'TANDEM_AI_MAX_RUNNING', 16, 1, 10_000),
    typingHoldMs: intVar(env, 'TANDEM_AI_TYPING_HOLD_MS', MAX_HOLD_MS, 0, 120_000),
    runsPerSession: intVar(env, 'TANDEM_AI_RUNS_PER_SESSION', 3, 1, 16),
  };
}

/** The process configuration; exits with a readable message instead of a stack trace. */
export function loadConfig(): Config {
  try {
    return configFromEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`tandem: configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}
