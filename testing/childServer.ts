// A Tandem server as a child process (the real entry point), for tests that kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../server/main.ts', import.meta.url));

export interface Child {
  proc: ChildProcess;
  port: number;
}

/** Starts `server/main.ts --no-next` on a free port with DATA_DIR and `extraEnv`; resolves once it listens. */
export function startChild(dataDir: string, extraEnv: Record<string, string> = {}): Promise<Child> {
  const proc = spawn(process.execPath, [MAIN, '--no-next'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ROOM_IDLE_MS: '60000',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match) resolve({ proc, port: Number(match[1]) });
    });
    proc.once('exit', (code) => reject(new Error(`server exited with ${code} before listening: ${err.slice(-2000)}`)));
  });
}

/** SIGKILL, resolved once the process is gone. */
export function kill(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) return resolve();
    child.proc.once('exit', () => resolve());
    child.proc.kill('SIGKILL');
  });
}
