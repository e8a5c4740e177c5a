// A throwaway Redis server for tests and benchmarks: Debian's redis-server on a free loopback
// port, no persistence. `stop()` and `start()` take it away and bring it back on the same port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './freePort.ts';

export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): void;
}

export function redisMissing(): string | null {
  return spawnSync('redis-server', ['--version']).status === 0 ? null : 'redis-server not found (apt-get install redis-server)';
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

const live = new Set<TestRedis>();
process.once('exit', () => {
  for (const r of live) r.destroy();
});

export async function startRedis(): Promise<TestRedis> {
  const missing = redisMissing();
  if (missing) throw new Error(missing);
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      if (await answers(port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`redis-server did not answer on port ${port}`);
  };
  const stop = async () => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  };
  await start();
  const instance: TestRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    destroy() {
      live.delete(instance);
      proc?.kill('SIGKILL');
      proc = null;
    },
  };
  live.add(instance);
  return instance;
}
