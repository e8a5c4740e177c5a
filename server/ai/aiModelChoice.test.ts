// Per-request model choice: the operator offers models besides the default (TANDEM_AI_MODELS);
// an ask may name one, the run goes to that model on the same provider, the thread records which,
// and a model not offered is refused with 400 before anything is queued.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ask, createSession, startAiStack, waitFinished, type AiStack } from '../../testing/aiTestKit.ts';

let stack: AiStack;
before(async () => {
  stack = await startAiStack({ provider: 'responses', rate: 0, env: { TANDEM_AI_MODELS: 'tandem-planner, tandem-fast' } });
});
after(() => stack.dispose());

test('an ask names one of the offered models: the run goes to it and the thread says so; others are refused', async () => {
  const session = await createSession(stack.server.url, { files: { 'a.ts': 'export const a = 1;\n' } });
  const status = (await (await fetch(`${stack.server.url}/api/sessions/${session.id}/ai`, { headers: { authorization: `Bearer ${session.collab.editParams.token}` } })).json()) as { model: string; models: string[] };
  assert.deepEqual(status.models, [status.model, 'tandem-planner', 'tandem-fast'], 'the default first');

  stack.model.script({ text: 'Planned.' }, { text: 'Defaulted.' });
  const chosen = await ask(stack.server, session, { prompt: 'plan it', file: 'a.ts', model: 'tandem-planner' });
  assert.equal(chosen.status, 202, JSON.stringify(chosen.body));
  const run = await waitFinished(stack.server, session, chosen.body.runId!, 60_000);
  assert.equal(run.status, 'done', JSON.stringify(run.error));
  assert.equal(run.model, 'tandem-planner');
  const creates = () => stack.model.stats.requests.all().map((r) => r.body as { type?: string; generate?: boolean; model?: string; input?: unknown }).filter((b) => b.type === 'response.create' && b.generate !== false);
  assert.equal(creates().at(-1)!.model, 'tandem-planner', 'the request upstream names the chosen model');

  const plain = await ask(stack.server, session, { prompt: 'and now the default', file: 'a.ts' });
  const second = await waitFinished(stack.server, session, plain.body.runId!, 60_000);
  assert.equal(second.model, status.model);
  assert.equal(creates().at(-1)!.model, status.model);

  const refused = await ask(stack.server, session, { prompt: 'x', file: 'a.ts', model: 'gpt-unknown' });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error?.code, 'unknown_model');
  assert.match(refused.body.error?.message ?? '', /tandem-planner/);
});
