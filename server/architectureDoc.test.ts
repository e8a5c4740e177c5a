// docs/ARCHITECTURE.md describes the tree as it is: every repository path it names exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

test('every path docs/ARCHITECTURE.md names exists', () => {
  const doc = readFileSync(join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
  const paths = [...doc.matchAll(/`((?:app|components|lib|server|testing|modelServer|e2e|bench|scripts|docs)\/[^`\s]*)`/g)].map((m) => m[1]);
  assert.ok(paths.length > 40, `the document names ${paths.length} paths`);
  const missing = paths.filter((p) => !existsSync(join(ROOT, p)));
  assert.deepEqual(missing, []);
});
