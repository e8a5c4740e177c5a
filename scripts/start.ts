// `npm start`: serves the production build, building it first when there is none, so that a
// fresh clone runs with `npm install && npm start`.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync('.next/BUILD_ID')) {
  console.log('tandem: no production build yet, running `next build` (about 30 s)…');
  const result = spawnSync('next', ['build'], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) {
    console.error('tandem: the build failed, see above');
    process.exit(result.status ?? 1);
  }
}

await import('../server/main.ts');
