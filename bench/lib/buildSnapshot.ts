// The browser benchmarks serve a private copy of the test build (`npm run build:test`: the
// production build with the page's window.__tandem hook, which they read, in .next-test). Other
// work in the same checkout rebuilds it at any moment (a half-written build answers 500), so the
// benchmark waits for a finished build, copies it into a temp project directory that links
// everything else back to the checkout, and runs server/main.ts there with TEST_BUILD_ENV (Next
// reads next.config.js and the build from the cwd).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './servers.ts';

/** The test build's folder (next.config.js), and what makes the server serve it. */
const BUILD_DIR = '.next-test';
export const TEST_BUILD_ENV = { TANDEM_TEST_BUILD: '1' } as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True while some process on this machine runs `next build`. */
function buildRunning(): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => /(^|\/)next(\.js)?$/.test(a)) && cmd.includes('build')) return true;
    } catch {
      // the process has gone
    }
  }
  return false;
}

function readBuildId(): string | null {
  try {
    return readFileSync(join(ROOT, BUILD_DIR, 'BUILD_ID'), 'utf8');
  } catch {
    return null;
  }
}

/** Milliseconds since anything at the top of the build folder changed (a build writes there all along). */
function quietFor(): number {
  const dir = join(ROOT, BUILD_DIR);
  let newest = 0;
  try {
    newest = statSync(dir).mtimeMs;
    for (const name of readdirSync(dir)) {
      if (name === 'cache' || name === 'dev') continue;
      newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
    }
  } catch {
    return Number.POSITIVE_INFINITY;
  }
  return Date.now() - newest;
}

/**
 * Waits out a build in progress (seen as a `next build` process, or, for builds in other
 * process namespaces sharing this checkout, as recent writes in the build folder); builds only when there
 * is no build and nothing has been written for a minute.
 */
async function finishedBuildId(): Promise<string> {
  for (let waited = 0; waited < 300; waited += 2) {
    const id = readBuildId();
    const running = buildRunning();
    const quiet = quietFor();
    if (id && !running && quiet > 5_000) return id;
    if (!id && !running && quiet > 60_000) break;
    if (waited === 0) console.log('keystroke: waiting for a next build in progress to finish');
    await sleep(2000);
  }
  console.log(`keystroke: no test build (${BUILD_DIR}/BUILD_ID); running next build with TANDEM_TEST_BUILD=1`);
  const built = spawnSync('sh', ['scripts/node24.sh', 'next', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...TEST_BUILD_ENV } });
  const id = readBuildId();
  if (built.status !== 0 || !id) throw new Error('next build failed');
  return id;
}

/** A temp directory to run the server from (with TEST_BUILD_ENV), holding a stable copy of the test build. */
export async function snapshotBuild(): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = await finishedBuildId();
    const dir = tempDir('tandem-bench-app-');
    for (const name of ['node_modules', 'package.json', 'next.config.js', 'public', 'tsconfig.json']) {
      if (existsSync(join(ROOT, name))) symlinkSync(join(ROOT, name), join(dir, name));
    }
    // The build output only: the caches and the dev server's files are not needed to serve.
    const skip = new Set(['cache', 'dev', 'trace', 'lock', 'turbopack', 'diagnostics']);
    try {
      cpSync(join(ROOT, BUILD_DIR), join(dir, BUILD_DIR), {
        recursive: true,
        filter: (src) => !skip.has(src.slice(join(ROOT, BUILD_DIR).length + 1).split('/')[0]),
      });
    } catch {
      continue; // a rebuild removed files while they were copied
    }
    if (readBuildId() === id && readFileSync(join(dir, BUILD_DIR, 'BUILD_ID'), 'utf8') === id) return dir;
  }
  throw new Error('the test build kept changing while it was copied');
}
