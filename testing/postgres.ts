// A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server binaries, a temp data
// directory, a free port on loopback. Run as the `postgres` OS user when this process is root
// (the server refuses to run as root), as the current user otherwise. `stop()` and `start()`
// let a test take the database away and bring it back.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './freePort.ts';

export interface TestPostgres {
  /** `postgres://…` of the cluster's default database. */
  url: string;
  port: number;
  /** A fresh, empty database in the cluster; its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown); the data stays. */
  stop(): void;
  /** Starts it again on the same port. */
  start(): void;
  /** Stops the server and removes its data. */
  destroy(): void;
}

/** Where Debian puts the server binaries (newest version), or PG_BIN; null when not installed. */
export function postgresBinDir(): string | null {
  if (process.env.PG_BIN) return existsSync(join(process.env.PG_BIN, 'initdb')) ? process.env.PG_BIN : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0], 'bin') : null;
}

/** Why PostgreSQL tests cannot run here, or null when they can. */
export function postgresMissing(): string | null {
  if (postgresBinDir() === null) return 'PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN)';
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root and there is no postgres OS user';
  return null;
}

const live = new Set<TestPostgres>();
process.once('exit', () => {
  for (const pgServer of live) pgServer.destroy();
});

export async function startPostgres(options: { fsync?: boolean } = {}): Promise<TestPostgres> {
  const missing = postgresMissing();
  if (missing) throw new Error(missing);
  const bin = postgresBinDir()!;
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'tandem-pg-'));
  chmodSync(dir, 0o700);
  if (asRoot) spawnSync('chown', ['postgres:postgres', dir]);
  const data = join(dir, 'data');
  const run = (cmd: string, args: string[]) => {
    const argv = asRoot ? ['runuser', '-u', 'postgres', '--', join(bin, cmd), ...args] : [join(bin, cmd), ...args];
    const result = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${cmd} failed (${result.status}): ${result.stderr || result.stdout}`);
  };
  run('initdb', ['-D', data, '-U', 'tandem', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const port = await freePort();
  // Settings for a small cluster that starts fast; fsync stays on unless a caller turns it off.
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    [`port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dir}'`, `fsync = ${options.fsync === false ? 'off' : 'on'}`, 'max_connections = 200', 'shared_buffers = 32MB'].join('\n') + '\n',
  );
  if (asRoot) spawnSync('chown', ['postgres:postgres', join(data, 'postgresql.auto.conf')]);
  const logFile = join(dir, 'server.log');
  let running = false;
  const start = () => {
    run('pg_ctl', ['start', '-D', data, '-l', logFile, '-w', '-t', '60']);
    running = true;
  };
  const stop = () => {
    if (!running) return;
    running = false;
    run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '60']);
  };
  start();
  const url = `postgres://tandem@127.0.0.1:${port}/postgres`;
  let databases = 0;
  const instance: TestPostgres = {
    url,
    port,
    async createDatabase() {
      const name = `t${++databases}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://tandem@127.0.0.1:${port}/${name}`;
    },
    stop,
    start,
    destroy() {
      live.delete(instance);
      try {
        if (running) run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30']);
      } catch {
        // already gone
      }
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(instance);
  return instance;
}
