// Review of what the REAL AI peer wrote: the model server streams the edit, the peer applies it
// and records each hunk's items, a person types inside a hunk while it streams, and keep /
// reject go through POST /api/sessions/<id>/review. Then the state survives a server restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import type { CreateSessionResponse } from '../../lib/api.ts';
import { filesOf } from '../../lib/schema.ts';
import { readThread } from '../../lib/ai/aiRuns.ts';
import { hunkStates, lineAuthorship, pendingHunks } from '../../lib/review/index.ts';
import { connect, startTestServer, synced, type Client, type TestServer } from '../../testing/harness.ts';
import { ask, createSession, fileText, joined, startAiStack, waitFinished, waitFor } from '../../testing/aiTestKit.ts';

const fn = (name: string, body: string[]) => `export function ${name}(x: number) {\n${body.map((l) => `  ${l}`).join('\n')}\n}\n`;
const BIG_OLD = Array.from({ length: 10 }, (_, i) => `x = step(x, ${i});`);
const BIG_NEW = Array.from({ length: 10 }, (_, i) => `x = fastStep(x, ${i}, 'v2');`);
const FILE = [
  ...Array.from({ length: 8 }, (_, i) => fn(`f${i}`, [`return x + ${i};`])),
  fn('big', [...BIG_OLD, 'return x;']),
  ...Array.from({ length: 8 }, (_, i) => fn(`g${i}`, [`return x - ${i};`])),
].join('\n');
const PATCH = '*** Begin Patch\n*** Update File: src/app.ts\n'
  + '@@ export function f2(x: number) {\n-  return x + 2;\n+  return x * 2;\n'
  + `@@ export function big(x: number) {\n${BIG_OLD.map((l) => `-  ${l}`).join('\n')}\n${BIG_NEW.map((l) => `+  ${l}`).join('\n')}\n   return x;\n`
  + '@@ export function g5(x: number) {\n-  return x - 5;\n+  return x / 5;\n'
  + '*** End Patch\n';
const ALL_NEW = FILE.replace('return x + 2;', 'return x * 2;').replace(BIG_OLD.map((l) => `  ${l}`).join('\n'), BIG_NEW.map((l) => `  ${l}`).join('\n')).replace('return x - 5;', 'return x / 5;');
const MARK = 'ZZ';

async function post(server: TestServer, session: CreateSessionResponse, body: unknown) {
  const res = await fetch(`${server.url}/api/sessions/${session.id}/review`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.collab.editParams.token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Once `marker` (written by the AI) is in the file while `hunkIndex` streams, types MARK inside it. */
async function typeInsideWhileStreaming(b: Client, path: string, hunkIndex: number, marker: string, offset: number): Promise<void> {
  await waitFor(() => {
    const hunk = readThread(b.doc)[0]?.hunks[hunkIndex];
    return hunk?.status === 'streaming' && (fileText(b, path)?.includes(marker) ?? false);
  }, `hunk ${hunkIndex + 1} streaming with ${marker} written`);
  const t = filesOf(b.doc).get(path)!;
  const at = t.toString().indexOf(marker) + offset;
  b.doc.transact(() => t.insert(at, MARK), 'B');
  assert.equal(readThread(b.doc)[0]?.hunks[hunkIndex].status, 'streaming', 'typed while the hunk was still streaming');
}

function reviewSnapshot(doc: Y.Doc, path: string) {
  return {
    hunks: hunkStates(doc).map((h) => [h.hunkId, h.review, h.mixed, h.range, h.personChars]),
    authorship: lineAuthorship(doc, filesOf(doc).get(path)!).map((l) => [l.line, l.authors.map((a) => `${a.kind}:${a.name}:${a.runId ?? ''}`)]),
  };
}

test('apply_patch from the real AI peer: reject a mixed hunk keeps the person\'s typing, keep is shared, all survives a restart', async () => {
  const stack = await startAiStack({ rate: 150 });
  let server: TestServer = stack.server;
  const clients: Client[] = [];
  try {
    const session = await createSession(server.url, { files: { 'src/app.ts': FILE } });
    const a = await joined(session);
    const b = await joined(session);
    clients.push(a, b);
    stack.model.script({ text: 'Faster steps.', toolCall: { name: 'apply_patch', input: PATCH } });
    const res = await ask(server, session, { prompt: 'speed up', file: 'src/app.ts', requestedBy: { name: 'Ann', clientId: a.doc.clientID } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const runId = res.body.runId!;
    await typeInsideWhileStreaming(b, 'src/app.ts', 1, "fastStep(x, 1, 'v2')", 2);
    const run = await waitFinished(server, session, runId);
    assert.equal(run.status, 'done', JSON.stringify(run.error));
    assert.deepEqual(run.hunks.map((h) => [h.op, h.status, h.items !== null]), [['update', 'applied', true], ['update', 'applied', true], ['update', 'applied', true]]);
    await waitFor(() => fileText(a, 'src/app.ts') === fileText(b, 'src/app.ts') && pendingHunks(a.doc).length === 3, 'convergence');
    assert.equal(fileText(a, 'src/app.ts')!.replace(MARK, ''), ALL_NEW);

    const states = hunkStates(a.doc);
    assert.deepEqual(states.map((h) => [h.mixed, h.personChars, h.reviewable]), [[false, 0, true], [true, MARK.length, true], [false, 0, true]]);

    const rejected = await post(server, session, { action: 'reject', hunkIds: [`${runId}:2`], by: { name: 'Ann' } });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    const expected = ALL_NEW.replace(BIG_NEW.map((l) => `  ${l}`).join('\n'), BIG_OLD.map((l) => `  ${l}`).join('\n'));
    await waitFor(() => fileText(b, 'src/app.ts')?.replace(MARK, '') === expected, 'the replaced text back at B');
    assert.ok(fileText(b, 'src/app.ts')!.includes(MARK), 'B\'s characters stay');
    assert.deepEqual(pendingHunks(b.doc).map((h) => h.hunkId), [`${runId}:1`, `${runId}:3`]);
    assert.deepEqual(hunkStates(b.doc).map((h) => h.review), ['pending', 'rejected', 'pending']);

    const kept = await post(server, session, { action: 'keep', hunkIds: [`${runId}:1`], by: { name: 'Bo' } });
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
    await waitFor(() => readThread(a.doc)[0]?.hunks[0].review === 'kept', 'A sees hunk 1 kept');
    await waitFor(() => fileText(a, 'src/app.ts') === fileText(b, 'src/app.ts'), 'convergence after review');
    const before = reviewSnapshot(a.doc, 'src/app.ts');
    assert.ok(before.authorship.some(([, authors]) => (authors as string[]).some((s) => s.startsWith('ai:') && s.endsWith(runId))), 'the AI is an author');
    for (const c of clients.splice(0)) c.destroy();

    await server.stop();
    server = await startTestServer({}, server.dataDir);
    const again = connect(session, 'view', `${server.url.replace('http', 'ws')}/collab`);
    try {
      await synced(again);
      await waitFor(() => readThread(again.doc)[0]?.hunks.length === 3, 'thread after restart');
      assert.deepEqual(reviewSnapshot(again.doc, 'src/app.ts'), before);
    } finally {
      again.destroy();
    }
  } finally {
    for (const c of clients) c.destroy();
    await server.dispose();
    await stack.model.close();
  }
});

test('SEARCH/REPLACE over Chat Completions: reject a hunk a person typed inside while it streamed', async () => {
  const stack = await startAiStack({ provider: 'chat', rate: 150 });
  const clients: Client[] = [];
  try {
    const session = await createSession(stack.server.url, { files: { 'src/app.ts': FILE } });
    const a = await joined(session);
    const b = await joined(session);
    clients.push(a, b);
    // Small changes per line: the streaming diff settles them line by line (a wholesale
    // rewrite of every line would settle only at the end, with nothing to type inside).
    const srNew = BIG_OLD.map((l, i) => (i % 2 === 0 ? l.replace(');', ', true);') : l));
    const answer = `Faster.\n\nsrc/app.ts\n\`\`\`ts\n<<<<<<< SEARCH\n${BIG_OLD.map((l) => `  ${l}`).join('\n')}\n=======\n${srNew.map((l) => `  ${l}`).join('\n')}\n>>>>>>> REPLACE\n\`\`\`\n`;
    stack.model.script({ text: answer });
    const res = await ask(stack.server, session, { prompt: 'speed up', file: 'src/app.ts' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await typeInsideWhileStreaming(b, 'src/app.ts', 0, 'x, 0, true', 6);
    const run = await waitFinished(stack.server, session, res.body.runId!);
    assert.equal(run.status, 'done', JSON.stringify(run.error));
    const changed = FILE.replace(BIG_OLD.map((l) => `  ${l}`).join('\n'), srNew.map((l) => `  ${l}`).join('\n'));
    await waitFor(() => fileText(a, 'src/app.ts')?.replace(MARK, '') === changed && pendingHunks(a.doc)[0]?.mixed === true, 'the edit, mixed, at A');

    const rejected = await post(stack.server, session, { action: 'reject', runId: run.id });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    await waitFor(() => fileText(a, 'src/app.ts')?.replace(MARK, '') === FILE, 'the old text back');
    assert.ok(fileText(a, 'src/app.ts')!.includes(MARK), 'B\'s characters stay');
    assert.deepEqual(hunkStates(a.doc).map((h) => h.review), ['rejected']);
  } finally {
    for (const c of clients) c.destroy();
    await stack.dispose();
  }
});

test('review per file, added and deleted files, undo by entry id: on a real AI run over four files', async () => {
  const stack = await startAiStack({ rate: 2000 });
  const clients: Client[] = [];
  try {
    const B_FILE = fn('h', ['return x;']);
    const D_FILE = '# to be removed\nold notes\n';
    const session = await createSession(stack.server.url, { files: { 'src/app.ts': FILE, 'src/b.ts': B_FILE, 'docs/d.md': D_FILE } });
    const a = await joined(session);
    clients.push(a);
    const patch = '*** Begin Patch\n*** Update File: src/app.ts\n'
      + '@@ export function f2(x: number) {\n-  return x + 2;\n+  return x * 2;\n'
      + '@@ export function g5(x: number) {\n-  return x - 5;\n+  return x / 5;\n'
      + '*** Update File: src/b.ts\n@@ export function h(x: number) {\n-  return x;\n+  return -x;\n'
      + '*** Add File: src/c.ts\n+export const c = 1;\n+export const d = 2;\n'
      + '*** Delete File: docs/d.md\n'
      + '*** End Patch\n';
    stack.model.script({ text: 'Several files.', toolCall: { name: 'apply_patch', input: patch } });
    const res = await ask(stack.server, session, { prompt: 'change things' });
    const run = await waitFinished(stack.server, session, res.body.runId!);
    assert.equal(run.status, 'done', JSON.stringify(run.error));
    assert.deepEqual(run.hunks.map((h) => [h.file, h.op, h.status, h.items !== null]), [
      ['src/app.ts', 'update', 'applied', true], ['src/app.ts', 'update', 'applied', true], ['src/b.ts', 'update', 'applied', true],
      ['src/c.ts', 'add', 'applied', true], ['docs/d.md', 'delete', 'applied', false],
    ]);
    const APP_NEW = FILE.replace('return x + 2;', 'return x * 2;').replace('return x - 5;', 'return x / 5;');
    const C_FILE = 'export const c = 1;\nexport const d = 2;\n';
    await waitFor(() => fileText(a, 'src/app.ts') === APP_NEW && fileText(a, 'src/c.ts') === C_FILE && fileText(a, 'docs/d.md') === null && pendingHunks(a.doc).length === 5, 'the run at A');
    const other = await joined(session);
    clients.push(other);

    // Reject all of one file: both its hunks, nothing else.
    const rejectApp = await post(stack.server, session, { action: 'reject', file: 'src/app.ts' });
    assert.equal(rejectApp.status, 200, JSON.stringify(rejectApp.body));
    assert.deepEqual(rejectApp.body.hunks.map((h: { hunkId: string }) => h.hunkId), [`${run.id}:1`, `${run.id}:2`]);
    await waitFor(() => fileText(other, 'src/app.ts') === FILE, 'src/app.ts back to its old text');
    assert.equal(fileText(other, 'src/b.ts'), B_FILE.replace('return x;', 'return -x;'));
    // Keep all of another file.
    const keepB = await post(stack.server, session, { action: 'keep', file: 'src/b.ts' });
    assert.equal(keepB.status, 200, JSON.stringify(keepB.body));
    assert.equal((await post(stack.server, session, { action: 'keep', file: 'src/b.ts' })).status, 409, 'nothing pending in src/b.ts any more');
    // Reject the added file: it is gone. Reject the deletion: the file is back as it was.
    const rejectAdd = await post(stack.server, session, { action: 'reject', hunkIds: [`${run.id}:4`] });
    assert.equal(rejectAdd.status, 200, JSON.stringify(rejectAdd.body));
    const rejectDelete = await post(stack.server, session, { action: 'reject', hunkIds: [`${run.id}:5`] });
    assert.equal(rejectDelete.status, 200, JSON.stringify(rejectDelete.body));
    await waitFor(() => fileText(other, 'src/c.ts') === null && fileText(other, 'docs/d.md') === D_FILE, 'added file removed, deleted file restored');
    assert.deepEqual(hunkStates(other.doc).map((h) => h.review), ['rejected', 'rejected', 'kept', 'rejected', 'rejected']);

    // Undo an older action by its id (not the last one): only its hunks come back.
    const undoApp = await post(stack.server, session, { action: 'undo', entryId: rejectApp.body.entry.id });
    assert.equal(undoApp.status, 200, JSON.stringify(undoApp.body));
    await waitFor(() => fileText(other, 'src/app.ts') === APP_NEW, 'the file-wide reject undone');
    assert.deepEqual(hunkStates(other.doc).map((h) => h.review), ['pending', 'pending', 'kept', 'rejected', 'rejected']);
    assert.equal(fileText(other, 'src/c.ts'), null, 'the later reject of the added file still holds');
    assert.equal((await post(stack.server, session, { action: 'undo', entryId: rejectApp.body.entry.id })).status, 409, 'an action is undone once');
    assert.equal((await post(stack.server, session, { action: 'undo', entryId: 'nosuchentry' })).status, 404);
    // Undo the added file's reject: the file and its text are back, as the AI's.
    const undoAdd = await post(stack.server, session, { action: 'undo', entryId: rejectAdd.body.entry.id });
    assert.equal(undoAdd.status, 200, JSON.stringify(undoAdd.body));
    await waitFor(() => fileText(other, 'src/c.ts') === C_FILE, 'the added file back');
    assert.ok(lineAuthorship(other.doc, filesOf(other.doc).get('src/c.ts')!).every((l) => l.authors.every((x) => x.kind === 'ai' && x.runId === run.id)));
    // Undo the deletion's reject: the file is deleted again.
    const undoDelete = await post(stack.server, session, { action: 'undo', entryId: rejectDelete.body.entry.id });
    assert.equal(undoDelete.status, 200, JSON.stringify(undoDelete.body));
    await waitFor(() => fileText(other, 'docs/d.md') === null, 'the file deleted again');
    assert.deepEqual(pendingHunks(other.doc).map((h) => h.hunkId), [1, 2, 4, 5].map((n) => `${run.id}:${n}`));
  } finally {
    for (const c of clients) c.destroy();
    await stack.dispose();
  }
});
