// Version history end to end against a real server: checkpoints made around an AI run, after a
// pause, before a deletion and on demand; listed, read and restored over the HTTP API as a new
// edit by the person restoring (a concurrent edit survives); bounded retention; a last
// checkpoint when a room unloads, read back after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import type { CheckpointInfo, CheckpointListResponse, CheckpointResponse, CreateSessionResponse, RestoreCheckpointResponse } from '../../lib/api.ts';
import { filesOf, identitiesOf, metaOf } from '../../lib/schema.ts';
import { ask, authorsOf, createSession, fileText, joined, startAiStack, waitFinished, waitFor } from '../../testing/aiTestKit.ts';
import { startTestServer, type Client, type TestServer } from '../../testing/harness.ts';

function call(server: TestServer, session: CreateSessionResponse, path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<Response> {
  return fetch(`${server.url}/api/sessions/${session.id}/checkpoints${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${init.token ?? session.collab.editParams.token}`, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

async function list(server: TestServer, session: CreateSessionResponse): Promise<CheckpointInfo[]> {
  const res = await call(server, session, '', { token: session.collab.viewParams.token });
  assert.equal(res.status, 200);
  return ((await res.json()) as CheckpointListResponse).checkpoints;
}

async function read(server: TestServer, session: CreateSessionResponse, id: string): Promise<CheckpointResponse> {
  const res = await call(server, session, `/${id}`, { token: session.collab.viewParams.token });
  assert.equal(res.status, 200);
  return (await res.json()) as CheckpointResponse;
}

async function listed(server: TestServer, session: CreateSessionResponse, check: (all: CheckpointInfo[]) => boolean, what: string): Promise<CheckpointInfo[]> {
  let all: CheckpointInfo[] = [];
  const start = Date.now();
  for (;;) {
    all = await list(server, session);
    if (check(all)) return all;
    if (Date.now() - start > 15_000) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(all.map((c) => [c.kind, c.label]))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A person as the browser is one: their clientID recorded with their name, and their presence. */
function named(client: Client, name: string): void {
  client.doc.transact(() => identitiesOf(client.doc).set(String(client.doc.clientID), { kind: 'human', name, color: '#2563eb' }));
  client.provider.awareness.setLocalStateField('user', { name, color: '#2563eb' });
}

const PATCH = '*** Begin Patch\n*** Update File: a.ts\n@@\n-export const a = 1;\n+export const a = 2;\n*** End Patch\n';

test('an AI run gets a checkpoint before and after it, with its run and who asked, and every client hears of them', async () => {
  const stack = await startAiStack();
  const clients: Client[] = [];
  try {
    const session = await createSession(stack.server.url, { files: { 'a.ts': 'export const a = 1;\n' } });
    const watcher = await joined(session, 'view');
    clients.push(watcher);
    stack.model.script({ text: 'Bumping.', toolCall: { name: 'apply_patch', input: PATCH } });
    const res = await ask(stack.server, session, { prompt: 'bump a', file: 'a.ts', requestedBy: { name: 'Ada' } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const run = await waitFinished(stack.server, session, res.body.runId!);
    assert.equal(run.status, 'done', JSON.stringify(run.error));
    const all = await listed(stack.server, session, (cs) => cs.some((c) => c.kind === 'after-run'), 'the after-run checkpoint');
    const before = all.find((c) => c.kind === 'before-run')!;
    const after = all.find((c) => c.kind === 'after-run')!;
    assert.ok(before && before.createdAt < after.createdAt, 'newest first, before before after');
    assert.equal(all.indexOf(after) < all.indexOf(before), true);
    assert.equal(before.runId, res.body.runId);
    assert.equal(after.runId, res.body.runId);
    assert.deepEqual(before.by, ['Ada']);
    assert.deepEqual(after.by, ['Ada', 'AI']);
    assert.match(before.label, /bump a/);
    assert.equal((await read(stack.server, session, before.id)).files['a.ts'], 'export const a = 1;\n');
    assert.equal((await read(stack.server, session, after.id)).files['a.ts'], 'export const a = 2;\n');
    assert.deepEqual(after.changed, [{ path: 'a.ts', change: 'modified' }]);
    // The first checkpoint is where the history starts: it changed nothing.
    assert.deepEqual([before.changed, before.changedCount, before.fileCount], [[], 0, 1]);
    // The newest checkpoint is announced in the document to everyone, viewers included.
    await waitFor(() => (metaOf(watcher.doc).get('checkpoint') as { id?: string } | undefined)?.id === after.id, 'the checkpoint note at the viewer');
  } finally {
    for (const c of clients) c.destroy();
    await stack.dispose();
  }
});

test('a pause in editing makes a checkpoint naming who edited; a deletion keeps the file’s text; a rename makes none', async () => {
  const server = await startTestServer({ TANDEM_CHECKPOINT_IDLE_MS: '150' });
  const clients: Client[] = [];
  try {
    const session = await createSession(server.url, { files: { 'a.ts': 'one\n', 'b.ts': 'bee\n' } });
    const grace = await joined(session);
    clients.push(grace);
    named(grace, 'Grace');
    filesOf(grace.doc).get('a.ts')!.insert(0, 'zero\n');
    const byGrace = (c: CheckpointInfo) => c.kind === 'idle' && c.by.includes('Grace');
    const idle = (await listed(server, session, (cs) => cs.some(byGrace), 'the idle checkpoint')).find(byGrace)!;
    assert.deepEqual(idle.by, ['Grace']);
    assert.equal(idle.label, 'Edits by Grace');
    // Edits that cancel out before the next pause make no checkpoint.
    filesOf(grace.doc).get('a.ts')!.insert(0, 'x');
    filesOf(grace.doc).get('a.ts')!.delete(0, 1);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await list(server, session)).filter(byGrace).length, 1);
    assert.equal((await read(server, session, idle.id)).files['a.ts'], 'zero\none\n');

    // Rename b.ts → c.ts in one transaction (the file tree's way): not a deletion.
    grace.doc.transact(() => {
      const files = filesOf(grace.doc);
      const text = files.get('b.ts')!.toString();
      files.delete('b.ts');
      files.set('c.ts', new Y.Text(text));
    });
    filesOf(grace.doc).get('a.ts')!.insert(0, 'minus one\n');
    filesOf(grace.doc).delete('a.ts');
    const all = await listed(server, session, (cs) => cs.some((c) => c.kind === 'deletion'), 'the deletion checkpoint');
    const deletions = all.filter((c) => c.kind === 'deletion');
    assert.equal(deletions.length, 1, 'the rename made no deletion checkpoint');
    assert.equal(deletions[0].label, 'Deleted a.ts');
    assert.deepEqual(deletions[0].by, ['Grace']);
    const held = await read(server, session, deletions[0].id);
    assert.equal(held.files['a.ts'], 'minus one\nzero\none\n', 'the text as it was just before the deletion');
    assert.equal(held.files['c.ts'], 'bee\n');
  } finally {
    for (const c of clients) c.destroy();
    await server.dispose();
  }
});

test('a long stretch of edits without a pause still gets a checkpoint, at ten pauses’ length', async () => {
  const server = await startTestServer({ TANDEM_CHECKPOINT_IDLE_MS: '100' });
  const clients: Client[] = [];
  let typing = true;
  try {
    const session = await createSession(server.url, { files: { 'a.ts': '' } });
    const ada = await joined(session);
    clients.push(ada);
    named(ada, 'Ada');
    // Typing every 30 ms, never pausing for 100 ms: a checkpoint still comes within about 1 s.
    const started = Date.now();
    const typist = (async () => {
      while (typing) {
        filesOf(ada.doc).get('a.ts')!.insert(0, 'x');
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    const during = await listed(server, session, (cs) => cs.some((c) => c.by.includes('Ada')), 'a checkpoint while Ada types');
    const elapsed = Date.now() - started;
    typing = false;
    await typist;
    assert.ok(elapsed >= 900, `not before ten quiet periods (${elapsed} ms)`);
    assert.equal(during.filter((c) => c.by.includes('Ada')).length, 1);
  } finally {
    typing = false;
    for (const c of clients) c.destroy();
    await server.dispose();
  }
});

test('a burst of deletions makes one checkpoint per interval, holding every deleted file’s text', async () => {
  const server = await startTestServer();
  const clients: Client[] = [];
  try {
    const files = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}.ts`, `export const v${i} = ${i};\n`]));
    const session = await createSession(server.url, { files });
    const mallory = await joined(session);
    clients.push(mallory);
    for (let i = 0; i < 40; i++) filesOf(mallory.doc).delete(`f${i}.ts`);
    await waitFor(() => filesOf(mallory.doc).size === 0, 'the deletions');
    const all = await listed(server, session, (cs) => cs.filter((c) => c.kind === 'deletion').reduce((n, c) => n + c.changedCount, 0) === 40, 'every deletion in a checkpoint');
    const deletions = all.filter((c) => c.kind === 'deletion');
    assert.ok(deletions.length <= 2, `${deletions.length} deletion checkpoints for 40 deletions in a burst`);
    const kept: Record<string, string> = {};
    for (const c of deletions) {
      const { files: held } = await read(server, session, c.id);
      for (const { path } of c.changed) kept[path] = held[path];
    }
    assert.deepEqual(kept, files);
  } finally {
    for (const c of clients) c.destroy();
    await server.dispose();
  }
});

test('a saved checkpoint restores one file as a new edit by the person restoring; other files keep their edits; `before` undoes it', async () => {
  const server = await startTestServer();
  const clients: Client[] = [];
  try {
    const session = await createSession(server.url, { files: { 'a.ts': 'alpha\nbeta\ngamma\n', 'b.ts': 'b1\n' } });
    const person = await joined(session);
    clients.push(person);
    const saved = await call(server, session, '', { method: 'POST', body: { name: '  Known good  ', by: { name: 'Ada' } } });
    assert.equal(saved.status, 201);
    const { checkpoint } = (await saved.json()) as { checkpoint: CheckpointInfo };
    assert.equal(checkpoint.kind, 'manual');
    assert.equal(checkpoint.label, 'Known good');
    assert.deepEqual(checkpoint.by, ['Ada']);
    assert.equal(checkpoint.fileCount, 2);

    const a = filesOf(person.doc).get('a.ts')!;
    a.delete(0, 'alpha\n'.length);
    a.insert(a.length, 'delta\n');
    filesOf(person.doc).get('b.ts')!.insert(0, 'kept ');
    await waitFor(() => false === (fileText(person, 'a.ts') ?? '').startsWith('alpha'), 'the edit');
    await new Promise((r) => setTimeout(r, 100));

    const restored = await call(server, session, `/${checkpoint.id}/restore`, { method: 'POST', body: { file: 'a.ts', by: { name: 'Lin' } } });
    assert.equal(restored.status, 200);
    const body = (await restored.json()) as RestoreCheckpointResponse;
    assert.deepEqual(body.restored, ['a.ts']);
    assert.equal(body.before.kind, 'before-restore');
    await waitFor(() => fileText(person, 'a.ts') === 'alpha\nbeta\ngamma\n', 'the restored file at the person');
    assert.equal(fileText(person, 'b.ts'), 'kept b1\n', 'other files untouched');
    // A new edit, not a rewind: the restored line is written by a client recorded as Lin, and the untouched lines keep their author.
    const authors = authorsOf(filesOf(person.doc).get('a.ts')!);
    const restorer = identitiesOf(person.doc).get(String(authors[0]));
    assert.equal(restorer?.name, 'Lin');
    assert.notEqual(authors['alpha\n'.length], authors[0], 'beta keeps its original author');

    // `before` holds the edited state: restoring it puts the person's edit back.
    assert.equal((await read(server, session, body.before.id)).files['a.ts'], 'beta\ngamma\ndelta\n');
    const undo = await call(server, session, `/${body.before.id}/restore`, { method: 'POST', body: { by: { name: 'Lin' } } });
    assert.equal(undo.status, 200);
    await waitFor(() => fileText(person, 'a.ts') === 'beta\ngamma\ndelta\n', 'the restore undone');
  } finally {
    for (const c of clients) c.destroy();
    await server.dispose();
  }
});

test('restoring the whole session brings back deleted files, and removes added ones', async () => {
  const server = await startTestServer();
  const clients: Client[] = [];
  try {
    const session = await createSession(server.url, { files: { 'a.ts': 'a\n', 'dir/b.ts': 'b\n' } });
    const person = await joined(session);
    clients.push(person);
    const { checkpoint } = (await (await call(server, session, '', { method: 'POST', body: { name: 'start' } })).json()) as { checkpoint: CheckpointInfo };
    person.doc.transact(() => {
      filesOf(person.doc).delete('dir/b.ts');
      filesOf(person.doc).set('new.ts', new Y.Text('new\n'));
      filesOf(person.doc).get('a.ts')!.insert(0, 'edited ');
    });
    await waitFor(() => fileText(person, 'new.ts') !== null, 'the edits');
    await new Promise((r) => setTimeout(r, 100));
    const res = await call(server, session, `/${checkpoint.id}/restore`, { method: 'POST', body: {} });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as RestoreCheckpointResponse).restored.sort(), ['a.ts', 'dir/b.ts', 'new.ts']);
    await waitFor(() => fileText(person, 'dir/b.ts') === 'b\n' && fileText(person, 'new.ts') === null && fileText(person, 'a.ts') === 'a\n', 'the whole restore');
  } finally {
    for (const c of clients) c.destroy();
    await server.dispose();
  }
});

test('the history API: viewers read but cannot save or restore; bad bodies, unknown checkpoints and files are refused', async () => {
  const server = await startTestServer();
  try {
    const session = await createSession(server.url, { files: { 'a.ts': 'a\n' } });
    const view = session.collab.viewParams.token;
    assert.equal((await call(server, session, '', { method: 'POST', body: { name: 'x' }, token: view })).status, 403);
    assert.equal((await call(server, session, '', { method: 'POST', body: { name: '' } })).status, 400);
    assert.equal((await call(server, session, '', { method: 'POST', body: { name: 'x'.repeat(500) } })).status, 400);
    assert.equal((await call(server, session, '', { token: 'e.' + 'A'.repeat(43) })).status, 403);
    const { checkpoint } = (await (await call(server, session, '', { method: 'POST', body: { name: 'x' } })).json()) as { checkpoint: CheckpointInfo };
    assert.equal((await call(server, session, `/${checkpoint.id}/restore`, { method: 'POST', body: {}, token: view })).status, 403);
    assert.equal((await call(server, session, '/nope')).status, 404);
    assert.equal((await call(server, session, '/nope/restore', { method: 'POST', body: {} })).status, 404);
    const missing = await call(server, session, `/${checkpoint.id}/restore`, { method: 'POST', body: { file: 'missing.ts' } });
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'unknown_file');
    assert.equal((await call(server, session, `/${checkpoint.id}/restore`, { method: 'POST', body: { file: '../../etc/passwd' } })).status, 400);
    assert.equal((await call(server, session, `/${checkpoint.id}/restore`, { method: 'POST', body: { file: 7 } })).status, 400);
    // None of it changed the session's history.
    assert.deepEqual((await list(server, session)).map((c) => c.id), [checkpoint.id]);
  } finally {
    await server.dispose();
  }
});

test('saves and restores are limited per session: the one past the limit is refused with Retry-After and stores nothing', async () => {
  const server = await startTestServer();
  try {
    const session = await createSession(server.url, { files: { 'a.ts': 'a\n' } });
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await call(server, session, '', { method: 'POST', body: { name: `save ${i}` } })).status);
    assert.deepEqual(statuses, [...Array(30).fill(201), 429]);
    const refused = await call(server, session, '', { method: 'POST', body: { name: 'one more' } });
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    const [newest] = await list(server, session);
    assert.equal((await call(server, session, `/${newest.id}/restore`, { method: 'POST', body: {} })).status, 429);
    assert.equal((await list(server, session)).length, 30);
    // Another session is not held back by this one.
    const other = await createSession(server.url, { files: { 'b.ts': 'b\n' } });
    assert.equal((await call(server, other, '', { method: 'POST', body: { name: 'fine' } })).status, 201);
  } finally {
    await server.dispose();
  }
});

test('retention keeps the newest checkpoints; a room that unloads with unsaved edits leaves a last checkpoint that outlives a restart', async () => {
  const server = await startTestServer({ TANDEM_CHECKPOINTS_KEEP: '3', TANDEM_CHECKPOINT_IDLE_MS: '600000' });
  let restarted: TestServer | null = null;
  try {
    const session = await createSession(server.url, { files: { 'a.ts': 'a\n' } });
    for (let i = 0; i < 5; i++) {
      assert.equal((await call(server, session, '', { method: 'POST', body: { name: `save ${i}` } })).status, 201);
    }
    assert.deepEqual((await list(server, session)).map((c) => c.label), ['save 4', 'save 3', 'save 2']);
    const person = await joined(session);
    named(person, 'Ada');
    filesOf(person.doc).get('a.ts')!.insert(0, 'late ');
    await waitFor(() => fileText(person, 'a.ts') === 'late a\n', 'the edit');
    await new Promise((r) => setTimeout(r, 100));
    person.destroy();
    await server.stop();
    restarted = await startTestServer({ TANDEM_CHECKPOINTS_KEEP: '3' }, server.dataDir);
    const all = await list(restarted, session);
    assert.equal(all.length, 3);
    assert.equal(all[0].kind, 'idle');
    assert.deepEqual(all[0].by, ['Ada']);
    assert.equal((await read(restarted, session, all[0].id)).files['a.ts'], 'late a\n');
  } finally {
    if (restarted) await restarted.dispose();
    else await server.dispose();
  }
});
