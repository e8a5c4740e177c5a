import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { filesOf } from '../../lib/schema.ts';
import { connect, createSession, startTestServer, statusWithin, synced, waitFor } from '../../testing/harness.ts';
import { postgresMissing, startPostgres, type TestPostgres } from '../../testing/postgres.ts';
import { ask, startAiStack, waitFinished } from '../../testing/aiTestKit.ts';

/** One sample's value from Prometheus exposition text (0 when the series is absent). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

test('GET /metrics answers Prometheus text that follows connections, rooms and relayed updates', async () => {
  const server = await startTestServer();
  const clients: ReturnType<typeof connect>[] = [];
  try {
    const empty = await fetch(`${server.url}/metrics`);
    assert.equal(empty.status, 200);
    assert.match(empty.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const before = await empty.text();
    assert.equal(sample(before, 'tandem_connections'), 0);
    assert.match(before, /# TYPE tandem_storage_write_seconds histogram/);

    const session = await createSession(server.url, { files: { 'a.txt': '' } });
    const a = connect(session, 'edit');
    const b = connect(session, 'edit');
    clients.push(a, b);
    await Promise.all([synced(a), synced(b)]);
    for (let i = 0; i < 5; i++) filesOf(a.doc).get('a.txt')!.insert(i, 'x');
    await waitFor(() => filesOf(b.doc).get('a.txt')?.toString() === 'xxxxx', 'b receives the edits');

    const text = await (await fetch(`${server.url}/metrics`)).text();
    assert.equal(sample(text, 'tandem_connections'), 2);
    assert.equal(sample(text, 'tandem_rooms'), 1);
    assert.ok(sample(text, 'tandem_updates_relayed_total') >= 5, 'every keystroke counted');
    assert.ok(sample(text, 'tandem_storage_write_seconds_count') >= 1, 'write latency observed');
    assert.ok(sample(text, 'tandem_process_cpu_seconds_total') > 0, 'process metrics');
  } finally {
    for (const c of clients) c.destroy();
    await server.close();
  }
});

test('/metrics counts AI runs by status, their first-token time and speed, and model errors', async () => {
  const stack = await startAiStack({ rate: 2000 });
  try {
    const session = await createSession(stack.server.url, { files: { 'a.ts': 'const a = 1;\n' } });
    stack.model.script({ text: 'Nothing to change.' });
    const first = await ask(stack.server, session, { prompt: 'look' });
    assert.equal((await waitFinished(stack.server, session, first.body.runId!)).status, 'done');
    stack.model.setFailure({ kind: 'http', status: 401, message: 'bad key' });
    const second = await ask(stack.server, session, { prompt: 'again' });
    const failed = await waitFinished(stack.server, session, second.body.runId!);
    stack.model.setFailure(null);
    assert.equal(failed.status, 'error');
    const text = await (await fetch(`${stack.server.url}/metrics`)).text();
    assert.equal(sample(text, 'tandem_ai_runs_total{status="done"}'), 1);
    assert.equal(sample(text, 'tandem_ai_runs_total{status="error"}'), 1);
    assert.equal(sample(text, 'tandem_ai_first_token_seconds_count'), 1, 'the run that streamed');
    assert.equal(sample(text, 'tandem_ai_tokens_per_second_count'), 1);
    assert.equal(sample(text, `tandem_model_errors_total{code="${failed.error!.code}"}`), 1);
    assert.equal(sample(text, 'tandem_ai_queued_runs'), 0);
  } finally {
    await stack.dispose();
  }
});

test('GET /api/health says alive; GET /api/ready is 200 on the embedded store', async () => {
  const server = await startTestServer();
  try {
    const health = await fetch(`${server.url}/api/health`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${server.url}/api/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { ready: true, checks: { database: 'ok' } });
  } finally {
    await server.close();
  }
});

const missing = postgresMissing();
let pgServer: TestPostgres | null = null;
before(async () => {
  if (!missing) pgServer = await startPostgres({ fsync: false });
});
after(() => pgServer?.destroy());

test('readiness fails while PostgreSQL is stopped and recovers when it returns; liveness stays up', { skip: missing ?? false, timeout: 60_000 }, async () => {
  const server = await startTestServer({ DATABASE_URL: await pgServer!.createDatabase() });
  try {
    assert.equal((await fetch(`${server.url}/api/ready`)).status, 200);
    pgServer!.stop();
    const down = await fetch(`${server.url}/api/ready`);
    assert.equal(down.status, 503);
    const report = (await down.json()) as { ready: boolean; checks: Record<string, string> };
    assert.equal(report.ready, false);
    assert.notEqual(report.checks.database, 'ok');
    assert.equal((await fetch(`${server.url}/api/health`)).status, 200, 'the process is alive all the same');
    assert.equal((await fetch(`${server.url}/metrics`)).status, 200);
    pgServer!.start();
    assert.equal(await statusWithin(`${server.url}/api/ready`, 200), 200, 'ready again once the database is back');
  } finally {
    await server.close();
  }
});
