// Redirecting a run mid-stream through the real AI peer and the model server, for both provider
// kinds (apply_patch over the Responses WebSocket, SEARCH/REPLACE over Chat Completions): the
// hunk being written is rolled back (never half-written), the hunks already applied stay, and
// the run goes on with the instruction: over the WebSocket as `response.steer` input to the
// response in flight (its successor continues; refused or lost, a chained turn), over Chat
// Completions by ending the request and a chained turn. The thread records the redirect.
// Queueing a follow-up makes a run of its own. Viewers, unknown runs and finished runs are refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CreateSessionResponse } from '../../lib/api.ts';
import { ask, createSession, getRun, startAiStack, waitFinished, waitFor, type AiStack } from '../../testing/aiTestKit.ts';

const FILE = 'src/events.ts';
const TEXT = [
  'export function on(name: string, cb: () => void) {',
  '  handlers.set(name, cb);',
  '}',
  '',
  'export function emit(name: string) {',
  '  handlers.get(name)?.();',
  '}',
  '',
].join('\n');

const FIRST = { old: '  handlers.set(name, cb);', new: '  handlers.set(name, cb); // one handler per name' };
// The hunk the model is writing when it is redirected: its first new lines land, then it waits.
const CUT = { old: '  handlers.get(name)?.();', new: ['  const started = Date.now();', '  handlers.get(name)?.();', '  log(name, Date.now() - started);', '  return started;'] };
const AFTER = { old: '  handlers.get(name)?.();', new: '  handlers.get(name)?.(); // callbacks stay' };
const REDIRECT = 'no, keep the callback API';

function patch(hunks: { old: string; new: string | string[] }[]): string {
  const body = hunks.map((h) => ['@@', `-${h.old}`, ...[h.new].flat().map((l) => `+${l}`)].join('\n')).join('\n');
  return `*** Begin Patch\n*** Update File: ${FILE}\n${body}\n*** End Patch\n`;
}

function searchReplace(hunks: { old: string; new: string | string[] }[]): string {
  return hunks.map((h) => `${FILE}\n<<<<<<< SEARCH\n${h.old}\n=======\n${[h.new].flat().join('\n')}\n>>>>>>> REPLACE\n`).join('\n');
}

async function redirect(stack: AiStack, session: CreateSessionResponse, runId: string, body: unknown, token = session.collab.editParams.token) {
  const res = await fetch(`${stack.server.url}/api/sessions/${session.id}/ai/${runId}/redirect`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { mode?: string; runId?: string; queuePosition?: number | null; error?: { code: string } } };
}

async function serverFile(stack: AiStack, session: CreateSessionResponse): Promise<string> {
  const res = await fetch(`${stack.server.url}/api/sessions/${session.id}/files`, { headers: { authorization: `Bearer ${session.collab.viewParams.token}` } });
  return ((await res.json()) as { files: Record<string, string> }).files[FILE];
}

for (const provider of ['responses', 'chat'] as const) {
  describe(`redirect mid-run (${provider === 'responses' ? 'apply_patch over the Responses WebSocket' : 'SEARCH/REPLACE over Chat Completions'})`, () => {
    let stack: AiStack;
    before(async () => {
      stack = await startAiStack({ provider, rate: 0, env: { TANDEM_AI_STALL_MS: '60000' } });
    });
    after(() => stack.dispose());

    test('steering ends the request, rolls back the hunk in progress, keeps the applied one, and the run goes on with the instruction', async () => {
      const session = await createSession(stack.server.url, { files: { [FILE]: TEXT } });
      const edit = (hunks: Parameters<typeof patch>[0]) => (provider === 'responses' ? { text: 'Working on it.', toolCall: { name: 'apply_patch', input: patch(hunks) } } : { text: searchReplace(hunks) });
      stack.model.script(
        // (A SEARCH/REPLACE block's new side is diffed as it streams: its lines land a line or two behind.)
        { ...edit([FIRST, CUT]), pauseAt: `${CUT.new[2]}\n`, pauseMaxMs: 60_000 },
        // Taken only by a request that carries the instruction (the steered successor or the chained turn).
        { ...edit([AFTER]), whenInputIncludes: REDIRECT },
      );
      const creates = () => stack.model.stats.requests.all().filter((r) => (r.body as { type?: string; generate?: boolean }).type !== 'response.steer' && (r.body as { generate?: boolean }).generate !== false).length;
      const before = creates();
      const asked = await ask(stack.server, session, { prompt: 'make emit time its handler', file: FILE });
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      const runId = asked.body.runId!;
      // Held with the second hunk's first line written.
      await waitFor(() => stack.model.pauses.list().length === 1, 'the model to pause mid-hunk');
      // The second hunk is placed and streaming; over apply_patch its first new line is in the
      // document already (a SEARCH/REPLACE block's diff holds its lines until it is sure of them).
      for (let i = 0; ; i++) {
        const hunks = (await getRun(stack.server, session, runId)).hunks;
        const written = provider === 'chat' || (await serverFile(stack, session)).includes(CUT.new[0]);
        if (hunks[1]?.status === 'streaming' && written) break;
        assert.ok(i < 500, `the hunk in progress is partly written: ${JSON.stringify(hunks)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok((await serverFile(stack, session)).includes(FIRST.new), 'the first hunk is applied');

      const steered = await redirect(stack, session, runId, { prompt: REDIRECT, requestedBy: { name: 'Ben' } });
      assert.equal(steered.status, 202, JSON.stringify(steered.body));
      assert.deepEqual(steered.body, { mode: 'steer', runId, queuePosition: null });

      const run = await waitFinished(stack.server, session, runId, 60_000);
      assert.equal(run.status, 'done', JSON.stringify(run.error));
      // The paused response was ended by the redirect (nobody released the pause).
      await waitFor(() => stack.model.pauses.list().length === 0, 'the paused turn to end');
      assert.equal(stack.model.pauses.released, 0);
      if (provider === 'responses') {
        // Steered in place: one request of Tandem's, the instruction as steering input, and the
        // successor (the server's own) wrote the rest.
        assert.equal(creates() - before, 1, 'no second request: the successor continued');
        const steers = stack.model.stats.steers.all();
        assert.equal(steers.length, 1);
        assert.match(String(steers[0]!.input), /^Ben redirects you: "no, keep the callback API"/);
      } else {
        // The continuation carries the original request and the redirect.
        const last = stack.model.stats.requests.all().at(-1)!;
        const sent = JSON.stringify(last.body);
        assert.ok(sent.includes('make emit time its handler') && sent.includes(REDIRECT), sent.slice(0, 400));
      }

      assert.equal(await serverFile(stack, session), TEXT.replace(FIRST.old, FIRST.new).replace(CUT.old, AFTER.new));
      assert.deepEqual(run.hunks.map((h) => h.status), ['applied', 'rolledBack', 'applied']);
      assert.match(run.hunks[1].reason ?? '', /^redirected by Ben/);
      assert.deepEqual(run.redirects.map(({ prompt, by, mode }) => ({ prompt, by, mode })), [{ prompt: REDIRECT, by: 'Ben', mode: 'steer' }]);

      // Finished: steering is refused with 409; queueing a follow-up makes a run of its own.
      const late = await redirect(stack, session, runId, { prompt: 'and log it' });
      assert.equal(late.status, 409);
      assert.equal(late.body.error?.code, 'run_not_running');
      stack.model.script({ text: 'Nothing to change.' });
      const queued = await redirect(stack, session, runId, { prompt: 'and log it', mode: 'queue', requestedBy: { name: 'Ben' } });
      assert.equal(queued.status, 202, JSON.stringify(queued.body));
      assert.equal(queued.body.mode, 'queue');
      assert.notEqual(queued.body.runId, runId);
      const follow = await waitFinished(stack.server, session, queued.body.runId!, 60_000);
      assert.equal(follow.prompt, 'and log it');
      assert.equal(follow.file, FILE);
      const noted = await getRun(stack.server, session, runId);
      assert.deepEqual(noted.redirects.map(({ mode, runId: r }) => ({ mode, runId: r })), [{ mode: 'steer', runId: undefined }, { mode: 'queue', runId: queued.body.runId }]);
    });

    if (provider === 'responses') {
      for (const steering of ['unsupported', 'drop'] as const) {
        test(`steering ${steering === 'drop' ? 'lost with the connection (outcome unknown)' : 'refused by the provider'}: the run goes on with a chained turn, nothing applied twice`, async () => {
          const session = await createSession(stack.server.url, { files: { [FILE]: TEXT } });
          const handshakes = stack.model.stats.wsHandshakes;
          const accepted = stack.model.stats.steers.all().length;
          stack.model.script(
            { text: 'Working on it.', toolCall: { name: 'apply_patch', input: patch([FIRST, CUT]) }, pauseAt: `${CUT.new[2]}\n`, pauseMaxMs: 60_000, steering },
            { text: 'Redirected.', toolCall: { name: 'apply_patch', input: patch([AFTER]) }, whenInputIncludes: REDIRECT },
          );
          const asked = await ask(stack.server, session, { prompt: 'make emit time its handler', file: FILE });
          const runId = asked.body.runId!;
          await waitFor(() => stack.model.pauses.list().length === 1, 'the model to pause mid-hunk');
          for (let i = 0; !(await serverFile(stack, session)).includes(CUT.new[0]); i++) {
            assert.ok(i < 500, 'the hunk in progress is partly written');
            await new Promise((r) => setTimeout(r, 10));
          }
          assert.equal((await redirect(stack, session, runId, { prompt: REDIRECT, requestedBy: { name: 'Ben' } })).status, 202);
          const run = await waitFinished(stack.server, session, runId, 60_000);
          assert.equal(run.status, 'done', JSON.stringify(run.error));
          assert.equal(await serverFile(stack, session), TEXT.replace(FIRST.old, FIRST.new).replace(CUT.old, AFTER.new));
          assert.deepEqual(run.hunks.map((h) => h.status), ['applied', 'rolledBack', 'applied']);
          assert.equal(stack.model.stats.steers.all().length, accepted, 'nothing was accepted');
          // The chained turn carries the original request and the redirect.
          const sent = JSON.stringify(stack.model.stats.requests.all().at(-1)!.body);
          assert.ok(sent.includes('make emit time its handler') && sent.includes(REDIRECT), sent.slice(0, 400));
          if (steering === 'drop') assert.ok(stack.model.stats.wsHandshakes > handshakes, 'a new connection');
        });
      }
    }

    test('viewers are refused (403), an unknown run is 404, a bad body 400', async () => {
      const session = await createSession(stack.server.url, { files: { [FILE]: TEXT } });
      stack.model.script({ text: 'Fine as it is.' });
      const asked = await ask(stack.server, session, { prompt: 'look', file: FILE });
      const runId = asked.body.runId!;
      await waitFinished(stack.server, session, runId, 60_000);
      assert.equal((await redirect(stack, session, runId, { prompt: 'x' }, session.collab.viewParams.token)).status, 403);
      assert.equal((await redirect(stack, session, 'r-nope', { prompt: 'x' })).status, 404);
      assert.equal((await redirect(stack, session, runId, { prompt: '' })).status, 400);
      assert.equal((await redirect(stack, session, runId, { prompt: 'x', mode: 'later' })).status, 400);
      const run = await getRun(stack.server, session, runId);
      assert.deepEqual(run.redirects, []);
    });
  });
}
