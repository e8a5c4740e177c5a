import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, configFromEnv } from './config.ts';
import { tempDataDir } from '../testing/harness.ts';

test('defaults, and a secret generated once into DATA_DIR with 0600', () => {
  const dir = tempDataDir();
  try {
    const a = configFromEnv({ DATA_DIR: dir });
    assert.equal(a.port, 3000);
    assert.equal(a.host, '0.0.0.0');
    assert.equal(a.dataDir, dir);
    assert.equal(a.publicUrl, null);
    assert.ok(a.limits.maxFrameBytes > 0 && a.limits.maxDocBytes > a.limits.maxFrameBytes);
    assert.equal(a.ai.typingHoldMs, 10_000);
    const file = join(dir, 'secret');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const b = configFromEnv({ DATA_DIR: dir });
    assert.deepEqual(b.secret, a.secret, 'the same secret on the next start');
    assert.equal(readFileSync(file, 'utf8').trim(), a.secret.toString('utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('explicit values are read and invalid ones fail with the variable name', () => {
  const dir = tempDataDir();
  try {
    const c = configFromEnv({
      DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      TANDEM_SECRET: 's'.repeat(40),
      PUBLIC_URL: 'https://x.example/tandem/',
      MAX_FRAME_BYTES: '2048',
      COMPACT_EVERY: '10',
      TANDEM_AI_TYPING_HOLD_MS: '2500',
    });
    assert.equal(c.ai.typingHoldMs, 2500);
    assert.equal(c.port, 0);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.secret.toString(), 's'.repeat(40));
    assert.equal(c.publicUrl, 'https://x.example/tandem');
    assert.equal(c.limits.maxFrameBytes, 2048);
    assert.equal(c.compactEvery, 10);
    const cases: [Record<string, string>, RegExp][] = [
      [{ PORT: 'eighty' }, /PORT must be an integer/],
      [{ PORT: '70000' }, /PORT/],
      [{ MAX_ROOMS: '0' }, /MAX_ROOMS/],
      [{ MAX_DOC_BYTES: '1.5' }, /MAX_DOC_BYTES/],
      [{ TANDEM_SECRET: 'short' }, /TANDEM_SECRET must be at least 32/],
      [{ PUBLIC_URL: 'not a url' }, /PUBLIC_URL/],
      [{ PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL/],
      [{ TANDEM_AI_TYPING_HOLD_MS: '-1' }, /TANDEM_AI_TYPING_HOLD_MS/],
    ];
    for (const [env, message] of cases) {
      assert.throws(() => configFromEnv({ DATA_DIR: dir, ...env }), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
