// docs/ARCHITECTURE.md and docs/MODEL-PROTOCOLS.md describe the tree as it is: every repository path
// they name exists, and every section of the protocol notes that the code cites is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

const ROOT = join(import.meta.dirname, '..');

test('every path docs/ARCHITECTURE.md names exists', () => {
  const doc = readFileSync(join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
  const paths = [...doc.matchAll(/`((?:app|cli|components|lib|server|testing|modelServer|e2e|bench|scripts|docs)\/[^`\s]*)`/g)].map((m) => m[1]);
  assert.ok(paths.length > 40, `the document names ${paths.length} paths`);
  const missing = paths.filter((p) => !existsSync(join(ROOT, p)));
  assert.deepEqual(missing, []);
});

test('every path docs/MODEL-PROTOCOLS.md names exists, and every section the code cites is there', () => {
  const doc = readFileSync(join(ROOT, 'docs/MODEL-PROTOCOLS.md'), 'utf8');
  const paths = [...doc.matchAll(/`((?:lib|server|modelServer)\/[^`\s]*)`/g)].map((m) => m[1]);
  assert.ok(paths.length > 8, `the document names ${paths.length} paths`);
  assert.deepEqual(paths.filter((p) => !existsSync(join(ROOT, p))), []);
  const sections = new Set([...doc.matchAll(/^## (\d+)\. /gm)].map((m) => m[1]));
  const files = execFileSync('git', ['ls-files', '*.ts', '*.tsx'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const cited: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/docs\/MODEL-PROTOCOLS\.md §(\d+)/g)) cited.push(`${file} §${m[1]}`);
  }
  assert.ok(cited.length >= 3, `the code cites ${cited.length} sections`);
  assert.deepEqual(cited.filter((c) => !sections.has(c.split('§')[1])), []);
});
