// `npm test`: every test — unit and integration (node's runner), then end-to-end (Playwright
// against a fresh test build: the production build with the page's test hook, in .next-test, see
// next.config.js) — and one closing line `N passed, N failed` counting both.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const only = process.argv[2]; // 'unit' | 'e2e' | undefined (both)
mkdirSync('test-results', { recursive: true });

function run(cmd: string, args: string[], extraEnv: Record<string, string> = {}): number {
  console.log(`\n$ ${Object.entries(extraEnv).map(([k, v]) => `${k}=${v} `).join('')}${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  return r.status ?? 1;
}

let passed = 0;
let failed = 0;

if (only !== 'e2e') {
  const tap = 'test-results/unit.tap';
  rmSync(tap, { force: true });
  const code = run('node', [
    '--test',
    // A hung test fails on its own instead of holding CI until its time limit.
    '--test-timeout=120000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    'lib/**/*.test.ts', 'server/**/*.test.ts', 'modelServer/**/*.test.ts', 'cli/**/*.test.ts',
  ]);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const pass = Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
  const fail = Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0);
  const cancelled = Number(/^# cancelled (\d+)/m.exec(text)?.[1] ?? 0);
  passed += pass;
  failed += fail + cancelled + (code !== 0 && fail + cancelled === 0 ? 1 : 0);
  console.log(`unit: ${pass} passed, ${fail + cancelled} failed`);
}

if (only !== 'unit') {
  const build = run('next', ['build'], { TANDEM_TEST_BUILD: '1' });
  if (build !== 0) {
    failed += 1;
    console.log('e2e: the test build failed');
  } else {
    const report = 'test-results/e2e.json';
    rmSync(report, { force: true });
    const code = run('playwright', ['test']);
    let pass = 0;
    let fail = 0;
    try {
      const stats = JSON.parse(readFileSync(report, 'utf8')).stats as { expected: number; unexpected: number; flaky: number };
      pass = stats.expected + stats.flaky;
      fail = stats.unexpected;
    } catch {
      fail = 1;
    }
    if (code !== 0 && fail === 0) fail = 1;
    passed += pass;
    failed += fail;
    console.log(`e2e: ${pass} passed, ${fail} failed`);
  }
}

const summary = `${passed} passed, ${failed} failed`;
writeFileSync('test-results/summary.txt', summary + '\n');
console.log(`\n${summary}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
