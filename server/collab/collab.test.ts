// Integration: a real server on port 0, sessions from the HTTP API, stock y-websocket providers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { filesOf } from '../../lib/schema.ts';
import {
  connect,
  createSession,
  startTestServer,
  synced,
  waitFor,
  type Client,
  type TestServer,
} from '../../testing/harness.ts';

const SEED = { title: 'Pair', files: { 'src/app.ts': 'export const a = 1;\n', 'README.md': '# hi\n' } };

function text(client: Client, path: string): string {
  return filesOf(client.doc).get(path)?.toString() ?? '';
}

describe('collaboration with the stock WebsocketProvider', () => {
  let server: TestServer;
  const clients: Client[] = [];
  const open = (...args: Parameters<typeof connect>) => {
    const c = connect(...args);
    clients.push(c);
    return c;
  };

  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    for (const c of clients) c.destroy();
    await server.dispose();
  });

  test('an editor joining with editParams sees the seed written by the server', async () => {
    const session = await createSession(server.url, SEED);
    const a = open(session, 'edit');
    await synced(a);
    assert.equal(text(a, 'src/app.ts'), 'export const a = 1;\n');
    assert.equal(text(a, 'README.md'), '# hi\n');
    assert.equal(a.doc.getMap('meta').get('title'), 'Pair');
  });

  test('two editors converge after concurrent edits', async () => {
    const session = await createSession(server.url, SEED);
    const a = open(session, 'edit');
    const b = open(session, 'edit');
    await Promise.all([synced(a), synced(b)]);
    const ta = filesOf(a.doc).get('src/app.ts')!;
    const tb = filesOf(b.doc).get('src/app.ts')!;
    for (let i = 0; i < 50; i++) {
      a.doc.transact(() => ta.insert(0, `a${i} `), 'test-a');
      b.doc.transact(() => tb.insert(tb.length, ` b${i}`), 'test-b');
    }
    a.doc.transact(() => filesOf(a.doc).set('new.ts', new Y.Text('fresh')), 'test-a');
    await waitFor(() => ta.toString() === tb.toString() && text(b, 'new.ts') === 'fresh', 'convergence');
    assert.match(ta.toString(), /^a49 /);
    assert.match(ta.toString(), / b49$/);
    const res = await fetch(`${server.url}/api/sessions/${session.id}/files`, {
      headers: { authorization: `Bearer ${session.collab.viewParams.token}` },
    });
    const body = (await res.json()) as { files: Record<string, string> };
    assert.equal(body.files['src/app.ts'], ta.toString());
  });

  test('a viewer that writes is dropped: not applied, not relayed, not stored', async () => {
    const dataServer = await startTestServer();
    try {
      const session = await createSession(dataServer.url, SEED);
      const editor = open(session, 'edit');
      const viewer = open(session, 'view');
      await Promise.all([synced(editor), synced(viewer)]);
      filesOf(viewer.doc).get('README.md')!.insert(0, 'VIEWER WAS HERE ');
      viewer.doc.transact(() => filesOf(viewer.doc).set('evil.ts', new Y.Text('x')), 'viewer');
      // A marker written after the viewer's edit by the editor: once the viewer sees it, the
      // server has long handled the viewer's frames.
      filesOf(editor.doc).get('src/app.ts')!.insert(0, '// marker\n');
      await waitFor(() => text(viewer, 'src/app.ts').startsWith('// marker'), 'marker reaches viewer');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(text(editor, 'README.md'), '# hi\n', 'relayed to the editor');
      assert.equal(filesOf(editor.doc).has('evil.ts'), false);
      const room = await dataServer.rooms.peek(session.id)!;
      assert.equal(filesOf(room.doc).get('README.md')!.toString(), '# hi\n', 'applied on the server');
      assert.equal(filesOf(room.doc).has('evil.ts'), false);

      editor.destroy();
      viewer.destroy();
      await dataServer.stop();
      const again = await startTestServer({}, dataServer.dataDir);
      try {
        const res = await fetch(`${again.url}/api/sessions/${session.id}/files`, {
          headers: { authorization: `Bearer ${session.collab.editParams.token}` },
        });
        const { files } = (await res.json()) as { files: Record<string, string> };
        assert.deepEqual(Object.keys(files).sort(), ['README.md', 'src/app.ts'], 'stored');
        assert.equal(files['README.md'], '# hi\n');
        assert.equal(files['src/app.ts'], '// marker\nexport const a = 1;\n');
      } finally {
        await again.dispose();
      }
    } finally {
      await dataServer.stop().catch(() => {});
    }
  });

  test('awareness: a viewer is marked role view whatever it claims, and a closed connection leaves', async () => {
    const session = await createSession(server.url, SEED);
    const editor = open(session, 'edit');
    const viewer = open(session, 'view');
    await Promise.all([synced(editor), synced(viewer)]);
    editor.provider.awareness.setLocalState({ name: 'Ada', role: 'view' });
    viewer.provider.awareness.setLocalState({ name: 'Vic', role: 'edit' });
    const viewerId = viewer.doc.clientID;
    const editorId = editor.doc.clientID;
    await waitFor(() => (editor.provider.awareness.getStates().get(viewerId) as { name?: string } | undefined)?.name === 'Vic', 'viewer presence at editor');
    await waitFor(() => (viewer.provider.awareness.getStates().get(editorId) as { name?: string } | undefined)?.name === 'Ada', 'editor presence at viewer');
    assert.equal(editor.provider.awareness.getStates().get(viewerId)!.role, 'view');
    assert.equal(viewer.provider.awareness.getStates().get(editorId)!.role, 'edit');

    // Closing the socket without the client saying goodbye: the server must remove the state.
    const third = open(session, 'edit');
    await synced(third);
    third.provider.awareness.setLocalState({ name: 'Gone' });
    const thirdId = third.doc.clientID;
    await waitFor(() => editor.provider.awareness.getStates().has(thirdId), 'third presence');
    third.provider.shouldConnect = false;
    third.provider.ws!.close();
    await waitFor(() => !editor.provider.awareness.getStates().has(thirdId), 'presence removed after close');
    const room = await server.rooms.peek(session.id)!;
    assert.equal(room.awareness.getStates().has(thirdId), false);
  });
});
