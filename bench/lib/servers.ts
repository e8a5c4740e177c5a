// Server child processes for the benchmarks: Tandem's real entry point and the reference
// @y/websocket-server, each in its own process so its CPU time is its own.
// CPU time comes from process.cpuUsage() inside the child (lib/cpuProbe.ts, preloaded).
// Every child is registered and killed when the benchmark process exits, however it exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from '../../testing/freePort.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TANDEM_MAIN = join(ROOT, 'server/main.ts');
const REFERENCE_BIN = join(ROOT, 'node_modules/@y/websocket-server/src/server.js');
const CPU_PROBE = pathToFileURL(join(ROOT, 'bench/lib/cpuProbe.ts')).href;

const children = new Set<ChildProcess>();

let profileDir: string | null = null;
let profileSeq = 0;
/** Server children write the V8 CPU profiles of their load phases into `dir` (null: off). */
export function profileServersInto(dir: string | null): void {
  profileDir = dir;
}
const tempDirs = new Set<string>();

function cleanup(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    cleanup();
    process.exit(130);
  });
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/**
 * Runs a bench helper script in a child process that reports "ready" over IPC; the child is
 * killed with the benchmark. Disconnecting the channel asks it to leave.
 */
export function startHelper(script: string, args: string[]): Promise<{ proc: ChildProcess; stop(): Promise<void> }> {
  const proc = spawn(process.execPath, [join(ROOT, script), ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(proc);
  return new Promise((resolve, reject) => {
    proc.once('exit', (code, signal) => {
      children.delete(proc);
      reject(new Error(`${script} exited (${code ?? signal}) before it was ready`));
    });
    proc.once('message', (message) => {
      if (message !== 'ready') return reject(new Error(`${script} said ${String(message)}`));
      resolve({
        proc,
        stop: () => {
          const exited = new Promise<void>((r) => (proc.exitCode !== null ? r() : proc.once('exit', () => r())));
          if (proc.connected) proc.disconnect();
          const force = setTimeout(() => proc.kill('SIGKILL'), 5_000);
          return exited.finally(() => {
            clearTimeout(force);
            children.delete(proc);
          });
        },
      });
    });
  });
}

export { freePort };

export interface ServerChild {
  kind: 'tandem' | 'reference';
  proc: ChildProcess;
  pid: number;
  port: number;
  httpUrl: string;
  /** Base URL for WebsocketProvider's serverUrl argument. */
  wsUrl: string;
  /** Starts a V8 CPU profile when profiling is on (see profileServersInto); false otherwise. */
  profileStart(): Promise<boolean>;
  /** Stops it and returns the .cpuprofile file written, or null when not profiling. */
  profileStop(): Promise<string | null>;
  /** User + system CPU time of the server process so far, in milliseconds. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

function startChild(kind: ServerChild['kind'], args: string[], env: NodeJS.ProcessEnv, ready: RegExp, port: number, wsPath: string, cwd = ROOT): Promise<ServerChild> {
  const proc = spawn(process.execPath, ['--import', CPU_PROBE, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  children.add(proc);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start in 120 s: ${output.slice(-2000)}`)), 120_000);
    const onData = (d: Buffer) => {
      // Keep only the start-up output; routine logs afterwards are read and dropped.
      if (output.length < 20_000) output += d.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        ready.lastIndex = 0;
        resolve({
          kind,
          proc,
          pid: proc.pid!,
          port,
          httpUrl: `http://127.0.0.1:${port}`,
          wsUrl: `ws://127.0.0.1:${port}${wsPath}`,
          stop: () => stopChild(proc),
          profileStart: () => (profileDir ? ask(proc, 'profile-start', 'profiling').then(() => true) : Promise.resolve(false)),
          profileStop: async () => {
            if (!profileDir) return null;
            mkdirSync(profileDir, { recursive: true });
            const file = join(profileDir, `${kind}-${++profileSeq}.cpuprofile`);
            await ask(proc, { profileStop: file }, 'profiled');
            return file;
          },
          cpuMs: () => askCpu(proc),
        });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(proc);
      reject(new Error(`${kind} server exited (${code ?? signal}) before it was ready: ${output.slice(-2000)}`));
    });
  });
}

/** Sends a request to the child's probe and resolves with the answer holding `key`. */
function ask(proc: ChildProcess, request: unknown, key: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not answer ${key}`)), 30_000);
    const onMessage = (message: unknown) => {
      if (typeof message !== 'object' || message === null || !(key in message)) return;
      clearTimeout(timer);
      proc.off('message', onMessage);
      resolve((message as Record<string, unknown>)[key]);
    };
    proc.on('message', onMessage);
    proc.send(request as string);
  });
}

async function askCpu(proc: ChildProcess): Promise<number> {
  const cpu = (await ask(proc, 'cpu', 'cpu')) as NodeJS.CpuUsage;
  return (cpu.user + cpu.system) / 1000;
}

function stopChild(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      children.delete(proc);
      return resolve();
    }
    const force = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => {
      clearTimeout(force);
      children.delete(proc);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

/**
 * Tandem's server/main.ts with a temp DATA_DIR and real SQLite persistence. `next: false`
 * passes --no-next (fan-out needs only /api and /collab); `next: true` serves the production
 * build found in `cwd` (default: the checkout). `env` adds variables (e.g. an AI provider).
 */
export async function startTandem(options: { next: boolean; cwd?: string; env?: Record<string, string> }): Promise<ServerChild> {
  const port = await freePort();
  const dataDir = tempDir('tandem-bench-');
  const args = [TANDEM_MAIN, ...(options.next ? [] : ['--no-next'])];
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, NODE_ENV: 'production', ...options.env };
  const child = await startChild('tandem', args, env, /tandem: listening on/, port, '/collab', options.cwd);
  const health = await fetch(`${child.httpUrl}/api/health`);
  if (health.status !== 200) throw new Error(`tandem /api/health answered ${health.status}`);
  return child;
}

/** The reference server exactly as its bin starts it; no YPERSISTENCE, so in memory only. */
export async function startReference(): Promise<ServerChild> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1' };
  delete env.YPERSISTENCE;
  return startChild('reference', [REFERENCE_BIN], env, /running at/, port, '');
}
