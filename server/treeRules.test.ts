// The tree's own rules, checked on every run: no source file outside tests over 350 lines, no
// production module importing test support, and no import cycle among the project's modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((f) => /\.(ts|tsx)$/.test(f));
const isTest = (f: string) => /\.(test|spec)\.tsx?$/.test(f) || /^(e2e|testing|bench)\//.test(f);
const production = files.filter((f) => !isTest(f) && /^(server|lib|components|app|cli)\//.test(f));
const source = (f: string) => readFileSync(join(ROOT, f), 'utf8');

/** Project files a module imports (relative and `@/` paths). */
function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const m of source(file).matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
    const spec = m[1];
    if (!spec.startsWith('.') && !spec.startsWith('@/')) continue;
    const path = normalize(spec.startsWith('@/') ? spec.slice(2) : join(dirname(file), spec));
    if (files.includes(path)) out.push(path);
  }
  return out;
}

test('no source file outside tests is over 350 lines', () => {
  const long = production.map((f) => [f, source(f).split('\n').length - 1] as const).filter(([, n]) => n > 350);
  assert.deepEqual(long, []);
});

test('no production module imports test support', () => {
  const bad = production.flatMap((f) => importsOf(f).filter((i) => /^(testing|modelServer|e2e|bench)\//.test(i)).map((i) => `${f} → ${i}`));
  assert.deepEqual(bad, []);
});

test('no import cycle among production modules', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') return void cycles.push([...path.slice(path.indexOf(f)), f].join(' → '));
    state.set(f, 'open');
    for (const next of importsOf(f)) if (production.includes(next)) visit(next, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of production) visit(f, []);
  assert.deepEqual(cycles, []);
});
