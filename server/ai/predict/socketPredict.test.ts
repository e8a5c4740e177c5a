// Edit predictions asked on the collab WebSocket (MESSAGE.predict) by a stock y-websocket client,
// against the local model server (fill-in-the-middle: scripted answers, recorded aborts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { PredictFrameAnswer, PredictResponse } from '../../../lib/api.ts';
import { MESSAGE } from '../../../lib/protocol.ts';
import { filesOf } from '../../../lib/schema.ts';
import { createSession, waitFor, type Client } from '../../../testing/harness.ts';
import { joined, startAiStack, type AiStack } from '../../../testing/aiTestKit.ts';

const FILE = ['export function sub(a: number, b: number) {', '  ', '}', ''].join('\n');
const CURSOR_AT = FILE.indexOf('  \n}') + 2;
const FIM = 'POST /v1/completions';

/** Sends predict frames on the client's socket and collects the answers. */
function predictChannel(client: Client) {
  const answers: PredictFrameAnswer[] = [];
  client.provider.messageHandlers[MESSAGE.predict] = (_encoder, decoder) => {
    answers.push(JSON.parse(decoding.readVarString(decoder)) as PredictFrameAnswer);
  };
  const sendRaw = (payload: string) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE.predict);
    encoding.writeVarString(encoder, payload);
    client.provider.ws!.send(encoding.toUint8Array(encoder));
  };
  const answer = async (id: number | null) => {
    await waitFor(() => answers.some((a) => a.id === id), `the answer to request ${id}`);
    return answers.find((a) => a.id === id)!;
  };
  return {
    sendRaw,
    send: (body: object) => sendRaw(JSON.stringify(body)),
    /** The answer to `id`, which must be a prediction (or none). */
    ok: async (id: number): Promise<PredictResponse & { timing?: string }> => {
      const a = await answer(id);
      assert.ok(!('error' in a), JSON.stringify(a));
      return a;
    },
    /** The error code the answer to `id` names. */
    error: async (id: number | null): Promise<string> => {
      const a = await answer(id);
      assert.ok('error' in a, JSON.stringify(a));
      return a.error.code;
    },
  };
}

describe('edit predictions on the collab socket', () => {
  let stack: AiStack;
  before(async () => {
    stack = await startAiStack({ env: { TANDEM_PREDICT_MODEL: 'tandem-test-model', TANDEM_PREDICT_PROVIDER: 'fim' } });
  });
  after(() => stack.dispose());

  test('a request right behind the keystroke is answered against the text with it, with its id and stage times', async () => {
    const session = await createSession(stack.server.url, { files: { 'src/math.ts': FILE } });
    const page = await joined(session);
    try {
      const channel = predictChannel(page);
      stack.model.script({ text: 'onst d = a - b;' });
      // The keystroke's update and the request leave back to back, as the page sends them.
      filesOf(page.doc).get('src/math.ts')!.insert(CURSOR_AT, 'c');
      channel.send({ id: 7, file: 'src/math.ts', cursor: { line: 2, column: 4 }, seen: { client: page.doc.clientID, clock: 1 } });
      const answer = await channel.ok(7);
      assert.equal(answer.source, 'model');
      assert.equal(answer.prediction?.text, 'onst d = a - b;');
      assert.equal(answer.prediction?.range.start, CURSOR_AT + 1);
      assert.match(answer.timing ?? '', /^catchup;dur=[\d.]+, read;dur=[\d.]+, model;dur=[\d.]+, total;dur=[\d.]+$/);
      // The model saw the "c": the prompt ends with it.
      const sent = stack.model.stats.requests.all().filter((r) => r.route === FIM).at(-1)!.body as { prompt: string };
      assert.ok(sent.prompt.endsWith('  c'), sent.prompt);
    } finally {
      page.destroy();
    }
  });

  test('bad requests get an error answer and the socket stays; a viewer gets none; an oversized one closes the socket', async () => {
    const session = await createSession(stack.server.url, { files: { 'src/math.ts': FILE } });
    const page = await joined(session);
    const viewer = await joined(session, 'view');
    try {
      const channel = predictChannel(page);
      channel.sendRaw('{not json');
      assert.equal(await channel.error(null), 'invalid_body');
      channel.send({ id: 1, file: 'src/math.ts', cursor: -3 });
      assert.equal(await channel.error(1), 'invalid_body');
      channel.send({ id: 2, file: '../etc/passwd', cursor: 0 });
      assert.equal(await channel.error(2), 'invalid_path');
      channel.send({ id: 3, file: 'src/nope.ts', cursor: 0 });
      assert.equal(await channel.error(3), 'unknown_file');
      const viewing = predictChannel(viewer);
      const upstream = stack.model.stats.requests.all().length;
      viewing.send({ id: 4, file: 'src/math.ts', cursor: CURSOR_AT });
      assert.equal(await viewing.error(4), 'read_only');
      assert.equal(stack.model.stats.requests.all().length, upstream, 'a viewer costs no upstream request');
      // Still open: the next request is answered.
      stack.model.script({ text: 'return a - b;' });
      channel.send({ id: 5, file: 'src/math.ts', cursor: CURSOR_AT });
      assert.equal((await channel.ok(5)).prediction?.text, 'return a - b;');
      assert.equal(page.provider.wsconnected, true);

      const closed = new Promise<number>((resolve) => page.provider.ws!.addEventListener('close', (e) => resolve(e.code)));
      channel.send({ id: 6, file: 'src/math.ts', cursor: 0, pad: 'x'.repeat(5000) });
      assert.equal(await closed, 4400);
    } finally {
      page.destroy();
      viewer.destroy();
    }
  });

  test('a cancel stops the request upstream; a newer request supersedes the one in flight', async () => {
    const session = await createSession(stack.server.url, { files: { 'src/math.ts': FILE } });
    const page = await joined(session);
    try {
      const channel = predictChannel(page);
      const abortedBefore = stack.model.stats.aborted.all().length;
      stack.model.script({ text: 'return a - b;', id: 'slow', pauseAfterTokens: 0, pauseMaxMs: 30_000 });
      const paused = stack.model.pauses.list().length;
      channel.send({ id: 1, file: 'src/math.ts', cursor: CURSOR_AT });
      await waitFor(() => stack.model.pauses.list().length === paused + 1, 'the request waiting upstream');
      channel.send({ id: 1, cancel: true });
      await waitFor(() => stack.model.stats.aborted.all().length === abortedBefore + 1, 'the upstream stream closed by Tandem');
      assert.equal((await channel.ok(1)).source, 'superseded');

      stack.model.script({ text: 'return a - b;', id: 'slow2', pauseAfterTokens: 0, pauseMaxMs: 30_000 }, { text: 'return b - a;' });
      const pausedBefore = stack.model.pauses.list().length;
      channel.send({ id: 2, file: 'src/math.ts', cursor: CURSOR_AT });
      await waitFor(() => stack.model.pauses.list().length === pausedBefore + 1, 'the second request waiting upstream');
      channel.send({ id: 3, file: 'src/math.ts', cursor: CURSOR_AT });
      assert.equal((await channel.ok(3)).prediction?.text, 'return b - a;');
      assert.equal((await channel.ok(2)).source, 'superseded');
      await waitFor(() => stack.model.stats.aborted.all().length === abortedBefore + 2, 'the superseded stream closed');
    } finally {
      page.destroy();
    }
  });
});
