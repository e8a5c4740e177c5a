// Edit predictions over HTTP against the local model server, for each kind of provider: the
// rewrite prompt on Chat Completions and Responses, fill-in-the-middle on /v1/completions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PredictResponse } from '../../../lib/api.ts';
import type { CreateSessionResponse } from '../../../lib/api.ts';
import { createSession, waitFor } from '../../../testing/harness.ts';
import * as Y from 'yjs';
import { filesOf } from '../../../lib/schema.ts';
import { joined, startAiStack, type AiStack } from '../../../testing/aiTestKit.ts';
import type { ModelRequest } from '../../../modelServer/modelServer.ts';
import { CURSOR, REGION_END, REGION_START } from './predictionPrompt.ts';

const FILE = ['export function add(a: number, b: number) {', '  return a + b;', '}', '', 'export function sub(a: number, b: number) {', '  ', '}', ''].join('\n');
const CURSOR_AT = FILE.indexOf('  \n}') + 2;

async function predict(stack: AiStack, session: CreateSessionResponse, body: unknown, token = session.collab.editParams.token) {
  const res = await fetch(`${stack.server.url}/api/sessions/${session.id}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as PredictResponse & { error?: { code: string } }, headers: res.headers };
}

/** A "model" that completes the region the way the test expects: it rewrites `  \n}` into a body. */
function rewriteModel(request: ModelRequest) {
  const text = request.inputText;
  // The last markers: the system prompt names them too.
  const region = text.slice(text.lastIndexOf(REGION_START) + REGION_START.length, text.lastIndexOf(REGION_END)).replace(CURSOR, "");
  return { text: region.replace(/ {2}c?\n\}/, '  const d = a - b;\n  return d;\n}') };
}

const predictionCalls = (stack: AiStack, route: string) => stack.model.stats.requests.all().filter((r) => r.route === route).length;

const VARIANTS = [
  { kind: 'chat', transport: 'http', route: 'POST /v1/chat/completions', label: 'Chat Completions' },
  { kind: 'responses', transport: 'websocket', route: 'WS /v1/responses', label: 'the Responses API on its WebSocket' },
  { kind: 'responses', transport: 'http', route: 'POST /v1/responses', label: 'the Responses API over HTTP' },
] as const;

for (const { kind, transport, route, label } of VARIANTS) {
  describe(`predictions through ${label}`, () => {
    let stack: AiStack;
    before(async () => {
      stack = await startAiStack({ env: { TANDEM_PREDICT_MODEL: 'tandem-test-model', TANDEM_PREDICT_PROVIDER: kind, TANDEM_PREDICT_TRANSPORT: transport, TANDEM_PREDICT_RATE_PER_PERSON: '6' } });
      stack.model.setDefaultTurn(rewriteModel);
    });
    after(() => stack.dispose());

    test('a multi-line prediction at the cursor, as the smallest edit; the same excerpt again is a cache hit', async () => {
      const session = await createSession(stack.server.url, { files: { 'src/math.ts': FILE } });
      const before = predictionCalls(stack, route);
      const first = await predict(stack, session, { file: 'src/math.ts', cursor: CURSOR_AT });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.source, 'model');
      // Where the server's time went, for browsers' developer tools and the benchmark.
      assert.match(first.headers.get('server-timing') ?? '', /^request;dur=[\d.]+, read;dur=[\d.]+, model;dur=[\d.]+, total;dur=[\d.]+$/);
      assert.equal(first.body.prediction?.text, 'const d = a - b;\n  return d;');
      assert.deepEqual(first.body.prediction?.range, { start: CURSOR_AT, end: CURSOR_AT, startLine: 6, startColumn: 3, endLine: 6, endColumn: 3 });
      assert.equal(predictionCalls(stack, route), before + 1);
      // The prompt carried the file's outline and the cursor inside the editable region.
      const sent = stack.model.stats.requests.all().filter((r) => r.route === route).at(-1)!;
      assert.match(JSON.stringify(sent.body), /5: export function sub/);
      const again = await predict(stack, session, { file: 'src/math.ts', cursor: { line: 6, column: 3 } });
      assert.equal(again.body.source, 'cache');
      assert.equal(again.body.prediction?.text, first.body.prediction?.text);
      assert.equal(predictionCalls(stack, route), before + 1, 'no second upstream request');
    });

    test('the prompt carries the recent edits in the file: the person’s own as "you", another person’s by name', async () => {
      const session = await createSession(stack.server.url, { files: { 'src/math.ts': FILE } });
      const ada = await joined(session);
      const ben = await joined(session);
      try {
        ada.provider.awareness.setLocalStateField('user', { name: 'Ada' });
        ben.provider.awareness.setLocalStateField('user', { name: 'Ben' });
        const asAda = { requestedBy: { clientId: ada.doc.clientID } };
        // The first prediction in the file starts keeping its edits.
        await predict(stack, session, { file: 'src/math.ts', cursor: CURSOR_AT, ...asAda });
        const atAda = () => filesOf(ada.doc).get('src/math.ts')!.toString();
        filesOf(ben.doc).get('src/math.ts')!.insert(FILE.indexOf('a + b'), '2 * ');
        await waitFor(() => atAda().includes('2 * a + b'), "Ben's edit at Ada");
        filesOf(ada.doc).get('src/math.ts')!.insert(CURSOR_AT + 4, 'c');
        const before = predictionCalls(stack, route);
        const res = await predict(stack, session, { file: 'src/math.ts', cursor: CURSOR_AT + 5, stateVector: Buffer.from(Y.encodeStateVector(ada.doc)).toString('base64'), ...asAda });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(predictionCalls(stack, route), before + 1);
        const sent = JSON.stringify(stack.model.stats.requests.all().filter((r) => r.route === route).at(-1)!.body);
        assert.ok(sent.includes(JSON.stringify('Ben:\n@@ line 2 @@\n-  return a + b;\n+  return 2 * a + b;').slice(1, -1)), sent);
        assert.ok(sent.includes(JSON.stringify('you:\n@@ line 6 @@\n-  \n+  c').slice(1, -1)), sent);
      } finally {
        ada.destroy();
        ben.destroy();
      }
    });

    test('viewers get none; bad bodies 400; unknown files 400; past the per-person rate 429', async () => {
      const session = await createSession(stack.server.url, { files: { 'src/math.ts': FILE } });
      const viewer = await predict(stack, session, { file: 'src/math.ts', cursor: 0 }, session.collab.viewParams.token);
      assert.equal(viewer.status, 403);
      assert.equal(viewer.body.error?.code, 'read_only');
      assert.equal((await predict(stack, session, { file: 'src/math.ts' })).status, 400);
      assert.equal((await predict(stack, session, { file: 'src/math.ts', cursor: -1 })).status, 400);
      const unknown = await predict(stack, session, { file: 'nope.ts', cursor: 0 });
      assert.equal(unknown.status, 400);
      assert.equal(unknown.body.error?.code, 'unknown_file');
      let limited: Awaited<ReturnType<typeof predict>> | null = null;
      for (let i = 0; i < 8 && !limited; i++) {
        const res = await predict(stack, session, { file: 'src/math.ts', cursor: i });
        if (res.status === 429) limited = res;
      }
      assert.ok(limited, 'the per-person limit (6 a minute) refuses');
      assert.equal(limited.body.error?.code, 'rate_limited');
      assert.ok(Number(limited.headers.get('retry-after')) >= 1);
    });
  });
}

describe('predictions off', () => {
  let stack: AiStack;
  before(async () => {
    stack = await startAiStack();
  });
  after(() => stack.dispose());
  test('without TANDEM_PREDICT_MODEL the endpoint says predictions are off', async () => {
    const session = await createSession(stack.server.url, { files: { 'a.ts': FILE } });
    const res = await predict(stack, session, { file: 'a.ts', cursor: 0 });
    assert.equal(res.status, 503);
    assert.equal(res.body.error?.code, 'ai_unavailable');
  });
});

describe('a prediction that overtakes its keystroke', () => {
  let stack: AiStack;
  before(async () => {
    stack = await startAiStack({ env: { TANDEM_PREDICT_MODEL: 'tandem-test-model', TANDEM_PREDICT_PROVIDER: 'chat' } });
    stack.model.setDefaultTurn(rewriteModel);
  });
  after(() => stack.dispose());

  test('waits for the change its state vector names, then predicts against it', async () => {
    const session = await createSession(stack.server.url, { files: { 'src/math.ts': FILE } });
    const page = await joined(session);
    try {
      // The page types "c" on line 6, but its WebSocket frame is held back for a moment.
      const text = filesOf(page.doc).get('src/math.ts')!;
      page.provider.disconnect();
      text.insert(CURSOR_AT, 'c');
      const vector = Buffer.from(Y.encodeStateVector(new Map([[page.doc.clientID, Y.getState(page.doc.store, page.doc.clientID)]]))).toString('base64');
      const asked = predict(stack, session, { file: 'src/math.ts', cursor: CURSOR_AT + 1, stateVector: vector });
      await new Promise((r) => setTimeout(r, 60));
      page.provider.connect();
      const res = await asked;
      assert.equal(res.status, 200, JSON.stringify(res.body));
      // Against the text with the "c": the rest of the line after it.
      assert.equal(res.body.prediction?.text, 'onst d = a - b;\n  return d;');
      const bad = await predict(stack, session, { file: 'src/math.ts', cursor: 0, stateVector: '!!!' });
      assert.equal(bad.status, 400);
    } finally {
      page.destroy();
    }
  });
});

describe('predictions by fill-in-the-middle (/v1/completions)', () => {
  let stack: AiStack;
  before(async () => {
    stack = await startAiStack({ env: { TANDEM_PREDICT_MODEL: 'tandem-test-model', TANDEM_PREDICT_PROVIDER: 'fim' } });
  });
  after(() => stack.dispose());

  test('the prompt is the text before the cursor and the suffix the text after; the answer is inserted at the cursor', async () => {
    const session = await createSession(stack.server.url, { files: { 'src/math.ts': FILE } });
    stack.model.script({ text: 'return a - b;\n}\n' });
    const res = await predict(stack, session, { file: 'src/math.ts', cursor: CURSOR_AT });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // Cut where the model ran on into the text after the cursor ("}").
    assert.equal(res.body.prediction?.text, 'return a - b;');
    assert.equal(res.body.prediction?.range.start, CURSOR_AT);
    const sent = stack.model.stats.requests.all().filter((r) => r.route === 'POST /v1/completions').at(-1)!.body as { prompt: string; suffix: string; stream: boolean };
    assert.equal(sent.prompt, `// src/math.ts\n${FILE.slice(0, CURSOR_AT)}`);
    assert.equal(sent.suffix, FILE.slice(CURSOR_AT));
    assert.equal(sent.stream, true);
  });

  test('a newer request of the same person supersedes the one in flight, which is aborted upstream', async () => {
    const session = await createSession(stack.server.url, { files: { 'src/math.ts': FILE } });
    // The first answer stalls before its first token; the second comes at once.
    stack.model.script({ text: 'return a - b;', id: 'slow', pauseAfterTokens: 0, pauseMaxMs: 30_000 }, { text: 'return b - a;' });
    const abortedBefore = stack.model.stats.aborted.all().length;
    const first = predict(stack, session, { file: 'src/math.ts', cursor: CURSOR_AT });
    await waitFor(() => stack.model.pauses.list().length === 1, 'the first request waiting upstream');
    const second = await predict(stack, session, { file: 'src/math.ts', cursor: CURSOR_AT + 0 });
    assert.equal(second.body.source, 'model');
    assert.equal(second.body.prediction?.text, 'return b - a;');
    const superseded = await first;
    assert.equal(superseded.status, 200);
    assert.equal(superseded.body.source, 'superseded');
    assert.equal(superseded.body.prediction, null);
    await waitFor(() => stack.model.stats.aborted.all().length === abortedBefore + 1, 'the upstream stream closed by Tandem');
  });
});
