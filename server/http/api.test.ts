// The HTTP API against a real server on port 0.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { unzipSync, strFromU8 } from 'fflate';
import type { CreateSessionResponse, SessionInfoResponse } from '../../lib/api.ts';
import { createSession, startTestServer, type TestServer } from '../../testing/harness.ts';

async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const res = await fetch(`${url}/api/sessions`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } & Partial<CreateSessionResponse> };
}

describe('HTTP API', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ MAX_BODY_BYTES: '65536' });
  });
  after(() => server.dispose());

  test('health', async () => {
    const res = await fetch(`${server.url}/api/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { ok: true });
  });

  test('create with seed: links, collab info, files normalised to LF and clean paths', async () => {
    const s = await createSession(server.url, { title: '  Demo  ', files: { '/src\\app.ts': 'a\r\nb\r\n', 'README.md': '# x' } });
    assert.match(s.id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(s.title, 'Demo');
    const origin = server.url.replace('localhost', '127.0.0.1');
    assert.equal(s.editUrl, `${origin}/s/${s.id}#token=${s.collab.editParams.token}`);
    assert.equal(s.viewUrl, `${origin}/s/${s.id}#token=${s.collab.viewParams.token}`);
    assert.equal(s.collab.serverUrl, `${origin.replace('http', 'ws')}/collab`);
    assert.equal(s.collab.room, s.id);
    assert.notEqual(s.collab.editParams.token, s.collab.viewParams.token);

    const files = await fetch(`${server.url}/api/sessions/${s.id}/files`, { headers: { authorization: `Bearer ${s.collab.viewParams.token}` } });
    assert.deepEqual(await files.json(), { files: { 'src/app.ts': 'a\nb\n', 'README.md': '# x' } });

    const info = await fetch(`${server.url}/api/sessions/${s.id}`, { headers: { authorization: `Bearer ${s.collab.editParams.token}` } });
    const body = (await info.json()) as SessionInfoResponse;
    assert.equal(body.role, 'edit');
    assert.equal(body.title, 'Demo');
    assert.deepEqual(body.collab.params, s.collab.editParams);

    const zip = await fetch(`${server.url}/api/sessions/${s.id}/zip?token=${s.collab.viewParams.token}`);
    assert.equal(zip.status, 200);
    assert.equal(zip.headers.get('content-type'), 'application/zip');
    assert.match(zip.headers.get('content-disposition') ?? '', /filename="Demo\.zip"/);
    const entries = unzipSync(new Uint8Array(await zip.arrayBuffer()));
    assert.deepEqual(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, strFromU8(v)])), { 'src/app.ts': 'a\nb\n', 'README.md': '# x' });
  });

  test('links: editors get both share links, viewers and strangers do not', async () => {
    const s = await createSession(server.url, { title: 'Links' });
    const get = (token?: string) =>
      fetch(`${server.url}/api/sessions/${s.id}/links`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    const ok = await get(s.collab.editParams.token);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { editUrl: s.editUrl, viewUrl: s.viewUrl });
    const viewer = await get(s.collab.viewParams.token);
    assert.equal(viewer.status, 403);
    const viewerBody = (await viewer.json()) as { error: { code: string } };
    assert.equal(viewerBody.error.code, 'read_only');
    assert.equal((await get()).status, 401);
    assert.equal((await get('e.' + 'A'.repeat(43))).status, 403);
    const post = await fetch(`${server.url}/api/sessions/${s.id}/links`, { method: 'POST', headers: { authorization: `Bearer ${s.collab.editParams.token}` } });
    assert.equal(post.status, 405);
  });

  test('empty body creates an untitled, empty session', async () => {
    const res = await fetch(`${server.url}/api/sessions`, { method: 'POST' });
    assert.equal(res.status, 201);
    const s = (await res.json()) as CreateSessionResponse;
    assert.equal(s.title, 'Untitled session');
  });

  test('PUBLIC_URL and forwarded proto shape the links', async () => {
    // fetch may not set Host, so this one goes through node:http.
    const p = await new Promise<CreateSessionResponse>((resolve, reject) => {
      const req = request(
        `${server.url}/api/sessions`,
        { method: 'POST', headers: { host: 'tandem.example:8443', 'x-forwarded-proto': 'https' } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve(JSON.parse(text) as CreateSessionResponse));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.ok(p.editUrl.startsWith('https://tandem.example:8443/s/'));
    assert.equal(p.collab.serverUrl, 'wss://tandem.example:8443/collab');

    const pub = await startTestServer({ PUBLIC_URL: 'https://edit.example.com/' });
    try {
      const s = await createSession(pub.url);
      assert.ok(s.editUrl.startsWith('https://edit.example.com/s/'));
      assert.equal(s.collab.serverUrl, 'wss://edit.example.com/collab');
    } finally {
      await pub.dispose();
    }
  });

  test('invalid bodies are refused with codes', async () => {
    assert.equal((await post(server.url, '{nope')).body.error?.code, 'invalid_json');
    const longTitle = await post(server.url, JSON.stringify({ title: 'x'.repeat(201) }));
    assert.equal(longTitle.status, 400);
    assert.equal(longTitle.body.error?.code, 'invalid_body');
    assert.equal((await post(server.url, JSON.stringify({ files: { a: 1 } }))).status, 400);
    assert.equal((await post(server.url, JSON.stringify({ files: [] }))).status, 400);
    const many: Record<string, string> = {};
    for (let i = 0; i < 2001; i++) many[`f${i}`] = '';
    assert.equal((await post(server.url, JSON.stringify({ files: many }))).body.error?.code, 'invalid_body');
    for (const bad of ['../etc/passwd', 'a/./b', '', 'a\u0000b']) {
      const res = await post(server.url, JSON.stringify({ files: { [bad]: 'x' } }));
      assert.equal(res.body.error?.code, 'invalid_path', JSON.stringify(bad));
    }
    assert.equal((await post(server.url, JSON.stringify({ files: { 'a.ts': '1', '/a.ts': '2' } }))).body.error?.code, 'duplicate_path');
    const huge = await post(server.url, JSON.stringify({ files: { 'a.ts': 'x'.repeat(70_000) } }));
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error?.code, 'payload_too_large');
    assert.equal((await post(server.url, '{}', { 'content-type': 'text/plain' })).status, 415);
  });

  test('unknown routes, wrong methods, bad ids and tokens', async () => {
    const s = await createSession(server.url);
    const auth = { authorization: `Bearer ${s.collab.editParams.token}` };
    assert.equal((await fetch(`${server.url}/api/nope`)).status, 404);
    assert.equal((await fetch(`${server.url}/api/sessions`)).status, 405);
    assert.equal((await fetch(`${server.url}/api/sessions/${s.id}`, { method: 'DELETE', headers: auth })).status, 405);
    assert.equal((await fetch(`${server.url}/api/sessions/bad-id/files`, { headers: auth })).status, 400);
    assert.equal((await fetch(`${server.url}/api/sessions/${s.id}/files`, { headers: { authorization: 'Bearer e.' + 'x'.repeat(43) } })).status, 403);
    assert.equal((await fetch(`${server.url}/api/sessions/${s.id}/zip`)).status, 401);
    const notFound = await fetch(`${server.url}/api/sessions/${s.id}/nothing`, { headers: auth });
    assert.equal(notFound.status, 404);
    assert.equal((await fetch(`${server.url}/`)).status, 404, 'no Next in API-only mode');
  });
});

test('session creation is limited per address: 429 with Retry-After past the limit, other routes unaffected', async () => {
  const server = await startTestServer({ SESSIONS_PER_ADDRESS_PER_MINUTE: '5' });
  try {
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${server.url}/api/sessions`, { method: 'POST' })).status, 201);
    const limited = await fetch(`${server.url}/api/sessions`, { method: 'POST' });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    assert.equal(((await limited.json()) as { error: { code: string } }).error.code, 'rate_limited');
    assert.equal((await fetch(`${server.url}/api/health`)).status, 200);
  } finally {
    await server.dispose();
  }
});
