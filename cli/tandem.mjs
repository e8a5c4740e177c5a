#!/usr/bin/env node
// The `tandem` command: shares a local folder as a session and keeps both in sync, or pulls a
// session into a folder (cli/main.ts). Its code is TypeScript, which Node 24 runs as it is; with
// an older Node it runs under Node 24 from scripts/node24.sh (installed from the npm registry once).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('./main.ts', import.meta.url));
if (Number(process.versions.node.split('.')[0]) >= 24) {
  const { main: run } = await import(main);
  process.exitCode = await run(process.argv.slice(2));
} else {
  const node24 = fileURLToPath(new URL('../scripts/node24.sh', import.meta.url));
  const result = spawnSync('sh', [node24, 'node', main, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
