// The `tandem` command against a real server, with temporary folders: share honours .gitignore
// and skips binaries; a local save reaches a stock y-websocket client as a minimal change; a
// remote edit lands on disk; local and remote edits to one file at once both survive; renames
// and deletions go both ways; pull writes the same tree and leaves differing files alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as Y from 'yjs';
import type { SessionInfoResponse } from '../lib/api.ts';
import { filesOf, identitiesOf } from '../lib/schema.ts';
import { startTestServer, waitFor, type TestServer } from '../testing/harness.ts';
import { authorsOf } from '../testing/aiTestKit.ts';
import { startTlsProxy } from '../testing/tlsProxy.ts';
import { connectProvider, type Client } from '../testing/nodeProvider.ts';

const BIN = join(import.meta.dirname, 'tandem.mjs');

interface Run {
  child: ChildProcess;
  out: string[];
  exited: Promise<number>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const out: string[] = [];
  child.stdout!.on('data', (d: Buffer) => out.push(...d.toString().split('\n').filter(Boolean)));
  child.stderr!.on('data', (d: Buffer) => out.push(...d.toString().split('\n').filter(Boolean)));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, out, exited };
}

function tree(root: string, dir = root): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const abs = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(files, tree(root, abs));
    else files[relative(root, abs)] = readFileSync(abs, 'utf8');
  }
  return files;
}

const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : null);

async function share(server: TestServer, dir: string, via: { url: string; env: Record<string, string> } = { url: server.url, env: {} }): Promise<{ run: Run; link: string; client: Client }> {
  const sharing = run(['share', dir, '--server', via.url, '--name', 'Ada’s laptop'], via.env);
  await waitFor(() => sharing.out.some((l) => l.startsWith('Syncing')), 'the share to start syncing', 30_000);
  const link = sharing.out.find((l) => l.startsWith('Edit link: '))!.slice('Edit link: '.length);
  const url = new URL(link);
  const token = new URLSearchParams(url.hash.slice(1)).get('token')!;
  const info = (await (await fetch(`${server.url}/api/sessions/${url.pathname.split('/')[2]}`, { headers: { authorization: `Bearer ${token}` } })).json()) as SessionInfoResponse;
  // The stock client connects to the server itself, whatever the folder went through.
  const client = connectProvider(info.collab.serverUrl, info.collab.room, info.collab.params, 200);
  await waitFor(() => client.provider.synced, 'the stock client to sync');
  return { run: sharing, link, client };
}

function folder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-folder-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const text = (client: Client, path: string) => filesOf(client.doc).get(path)?.toString() ?? null;

test('share creates the session from the folder without ignored, binary or large files, then syncs both ways live', async () => {
  const server = await startTestServer();
  const dir = folder({
    '.gitignore': 'dist/\n*.log\n',
    'src/a.ts': 'export const a = 1;\nexport const b = 2;\n',
    'src/sub/.gitignore': 'secret.txt\n',
    'src/sub/secret.txt': 'nope',
    'src/sub/kept.md': '# kept\n',
    'debug.log': 'noise',
    'dist/out.js': 'built',
    'node_modules/x/index.js': 'dep',
    'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]),
    'big.txt': 'x'.repeat(600 * 1024),
  });
  const pulled = mkdtempSync(join(tmpdir(), 'tandem-pull-'));
  let sharing: Awaited<ReturnType<typeof share>> | null = null;
  try {
    sharing = await share(server, dir);
    const { client, run: cli } = sharing;
    assert.deepEqual(Array.from(filesOf(client.doc).keys()).sort(), ['.gitignore', 'src/a.ts', 'src/sub/.gitignore', 'src/sub/kept.md']);
    assert.ok(cli.out.some((l) => /^Shared 4 files from .* \(skipped 1 binary, 1 too large, \d+ ignored\)$/.test(l)), cli.out.join('\n'));
    assert.ok(cli.out.some((l) => /^View link: http/.test(l)));

    // A local save is a minimal change at a stock client: one character replaced, not the file.
    const a = filesOf(client.doc).get('src/a.ts')!;
    const deltas: unknown[] = [];
    a.observe((e) => deltas.push(...e.delta));
    writeFileSync(join(dir, 'src/a.ts'), 'export const a = 7;\nexport const b = 2;\n');
    await waitFor(() => text(client, 'src/a.ts') === 'export const a = 7;\nexport const b = 2;\n', 'the local save in the session');
    assert.deepEqual(deltas, [{ retain: 17 }, { delete: 1 }, { insert: '7' }]);
    const author = authorsOf(a)[a.toString().indexOf('7')];
    assert.equal(identitiesOf(client.doc).get(String(author))?.name, 'Ada’s laptop', 'the folder writes under its own name');

    // A remote edit lands on disk.
    a.insert(0, '// remote\n');
    await waitFor(() => read(join(dir, 'src/a.ts')) === '// remote\nexport const a = 7;\nexport const b = 2;\n', 'the remote edit on disk');

    // Local and remote edits to the same file at once: both survive, on both sides.
    writeFileSync(join(dir, 'src/a.ts'), '// remote\nexport const a = 7;\nexport const b = 2;\n// local\n');
    a.insert(a.toString().indexOf('export const b'), '// also remote\n');
    const both = '// remote\nexport const a = 7;\n// also remote\nexport const b = 2;\n// local\n';
    await waitFor(() => text(client, 'src/a.ts') === both && read(join(dir, 'src/a.ts')) === both, 'both edits on both sides');

    // Renames and deletions, from the folder…
    renameSync(join(dir, 'src/sub/kept.md'), join(dir, 'src/notes.md'));
    unlinkSync(join(dir, '.gitignore'));
    writeFileSync(join(dir, 'src/new.ts'), 'export {};\n');
    writeFileSync(join(dir, 'photo.jpg'), Buffer.from([0xff, 0xd8, 0, 0, 1]));
    await waitFor(() => text(client, 'src/notes.md') === '# kept\n' && text(client, 'src/sub/kept.md') === null && text(client, '.gitignore') === null && text(client, 'src/new.ts') === 'export {};\n', 'the local rename, deletion and new file');
    assert.equal(text(client, 'photo.jpg'), null, 'a binary file stays out');
    // …and from the session.
    client.doc.transact(() => {
      const files = filesOf(client.doc);
      files.set('docs/notes.md', new Y.Text(files.get('src/notes.md')!.toString()));
      files.delete('src/notes.md');
      files.delete('src/new.ts');
    });
    await waitFor(() => read(join(dir, 'docs/notes.md')) === '# kept\n' && !existsSync(join(dir, 'src/notes.md')) && !existsSync(join(dir, 'src/new.ts')), 'the remote rename and deletion on disk');

    // Pull writes the same tree the session has.
    const pull = run(['pull', sharing.link, pulled]);
    assert.equal(await pull.exited, 0, pull.out.join('\n'));
    const session = Object.fromEntries(Array.from(filesOf(client.doc).entries()).map(([p, t]) => [p, t.toString()]));
    assert.deepEqual(tree(pulled), session);
    // Pulling again over a file changed there leaves it alone, unless forced.
    writeFileSync(join(pulled, 'src/a.ts'), 'mine\n');
    const again = run(['pull', sharing.link, pulled]);
    assert.equal(await again.exited, 1);
    assert.ok(again.out.some((l) => l.includes('src/a.ts')), again.out.join('\n'));
    assert.equal(read(join(pulled, 'src/a.ts')), 'mine\n');
    const forced = run(['pull', sharing.link, pulled, '--force']);
    assert.equal(await forced.exited, 0);
    assert.deepEqual(tree(pulled), session);
  } finally {
    sharing?.client.destroy();
    sharing?.run.child.kill('SIGINT');
    if (sharing) assert.equal(await sharing.run.exited, 0, 'Ctrl+C stops cleanly');
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
    rmSync(pulled, { recursive: true, force: true });
  }
});

test('a file deleted on one side while changed on the other is kept; bad links and servers get clear errors', async () => {
  const server = await startTestServer();
  const dir = folder({ 'a.ts': 'one\n', 'b.ts': 'two\n' });
  let sharing: Awaited<ReturnType<typeof share>> | null = null;
  try {
    sharing = await share(server, dir);
    const { client } = sharing;
    // Deleted here while edited in the session: the session's text stays and comes back to disk.
    filesOf(client.doc).get('a.ts')!.insert(0, 'edited ');
    unlinkSync(join(dir, 'a.ts'));
    await waitFor(() => read(join(dir, 'a.ts')) === 'edited one\n' && text(client, 'a.ts') === 'edited one\n', 'the edited file kept');
    // Deleted in the session while edited here: it goes back into the session.
    writeFileSync(join(dir, 'b.ts'), 'two, edited here\n');
    filesOf(client.doc).delete('b.ts');
    await waitFor(() => text(client, 'b.ts') === 'two, edited here\n' && read(join(dir, 'b.ts')) === 'two, edited here\n', 'the locally edited file kept');

    const badLink = run(['pull', 'https://example.invalid/nothing']);
    assert.equal(await badLink.exited, 1);
    assert.match(badLink.out.join('\n'), /not a Tandem session link/);
    const forged = run(['pull', sharing.link.replace(/token=.*/, 'token=e.' + 'A'.repeat(43)), join(dir, 'never')]);
    assert.equal(await forged.exited, 1);
    assert.match(forged.out.join('\n'), /answered 403/);
    assert.equal(existsSync(join(dir, 'never')), false, 'nothing written');
    const usage = run(['frobnicate']);
    assert.equal(await usage.exited, 2);
    assert.match(usage.out.join('\n'), /Usage:/);
  } finally {
    sharing?.client.destroy();
    sharing?.run.child.kill('SIGINT');
    if (sharing) await sharing.run.exited;
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('share works with a Tandem behind TLS: links say https, the live sync runs over wss', async () => {
  const server = await startTestServer();
  const proxy = await startTlsProxy(Number(new URL(server.url).port));
  const dir = folder({ 'a.ts': 'one\n' });
  let sharing: Awaited<ReturnType<typeof share>> | null = null;
  try {
    sharing = await share(server, dir, { url: proxy.url, env: { NODE_EXTRA_CA_CERTS: proxy.certFile } });
    assert.ok(sharing.link.startsWith(`${proxy.url}/s/`), sharing.link);
    assert.equal(proxy.upgrades, 1, 'the folder’s live connection went through TLS');
    const { client } = sharing;
    writeFileSync(join(dir, 'a.ts'), 'one\ntwo\n');
    await waitFor(() => text(client, 'a.ts') === 'one\ntwo\n', 'the save over wss');
    filesOf(client.doc).get('a.ts')!.insert(0, 'zero\n');
    await waitFor(() => read(join(dir, 'a.ts')) === 'zero\none\ntwo\n', 'the remote edit over wss');
  } finally {
    sharing?.client.destroy();
    sharing?.run.child.kill('SIGINT');
    if (sharing) await sharing.run.exited;
    await proxy.close();
    await server.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sync joins an existing session from a second folder: both folders and the session stay in step; a view link is refused', async () => {
  const server = await startTestServer();
  const ada = folder({ 'src/a.ts': 'export const a = 1;\n' });
  const ben = folder({ 'ben.md': '# Ben’s notes\n' });
  let sharing: Awaited<ReturnType<typeof share>> | null = null;
  let syncing: Run | null = null;
  try {
    sharing = await share(server, ada);
    syncing = run(['sync', sharing.link, ben, '--name', 'Ben’s desktop']);
    await waitFor(() => syncing!.out.some((l) => l.startsWith('Syncing')), 'the second folder to start syncing', 30_000);
    // Ben's folder has the session's files; his own text file joined the session and reached Ada's folder.
    assert.equal(read(join(ben, 'src/a.ts')), 'export const a = 1;\n');
    await waitFor(() => read(join(ada, 'ben.md')) === '# Ben’s notes\n', 'Ben’s file in Ada’s folder');
    // A save in either folder reaches the other.
    writeFileSync(join(ben, 'src/a.ts'), 'export const a = 2;\n');
    await waitFor(() => read(join(ada, 'src/a.ts')) === 'export const a = 2;\n', 'Ben’s save in Ada’s folder');
    writeFileSync(join(ada, 'ben.md'), '# Ben’s notes\nread by Ada\n');
    await waitFor(() => read(join(ben, 'ben.md')) === '# Ben’s notes\nread by Ada\n', 'Ada’s save in Ben’s folder');
    assert.equal(text(sharing.client, 'ben.md'), '# Ben’s notes\nread by Ada\n');

    const viewLink = sharing.run.out.find((l) => l.startsWith('View link: '))!.slice('View link: '.length);
    const viewer = run(['sync', viewLink, join(ben, 'never')]);
    assert.equal(await viewer.exited, 1);
    assert.match(viewer.out.join('\n'), /view link: it can only pull/);
  } finally {
    syncing?.child.kill('SIGINT');
    if (syncing) assert.equal(await syncing.exited, 0);
    sharing?.client.destroy();
    sharing?.run.child.kill('SIGINT');
    if (sharing) await sharing.run.exited;
    await server.dispose();
    rmSync(ada, { recursive: true, force: true });
    rmSync(ben, { recursive: true, force: true });
  }
});
