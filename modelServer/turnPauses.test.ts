// Scripted pauses: the stream stops at a token or a text marker, silent with the connection open,
// until released (by id, or all), its bound passes, or the client goes away — on every transport.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startModelServer, type ModelServer } from './modelServer.ts';
import { missingMarkers, pausePoints } from './turnPauses.ts';
import { pollUntil } from '../testing/poll.ts';
import { deltas, openaiClient, openClient, sleep } from './modelServerTestKit.ts';
import { tokenize } from './tokenPacing.ts';

const PATCH = '*** Begin Patch\n*** Update File: a.ts\n@@\n-old line\n+new line one\n+new line two\n+new line three\n*** End Patch\n';

function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  return pollUntil(cond, what, timeoutMs, 5);
}

describe('pause points', () => {
  it('counts tokens as the routes stream them: message first, then each tool input', () => {
    const turn = { text: 'Editing now.', toolCall: { name: 'apply_patch', input: PATCH }, pauseAt: '+new line one\n' };
    const tokens = [...tokenize(turn.text), ...tokenize(PATCH)];
    const [n] = pausePoints(turn);
    const sentText = tokens.slice(0, n).join('');
    assert.ok(sentText.includes('+new line one\n'), sentText);
    assert.ok(!tokens.slice(0, n! - 1).join('').includes('+new line one\n'), 'the pause is at the token that completes the marker');
    assert.ok(!sentText.includes('two'));
  });

  it('merges counts and markers, sorted and distinct, capped at the output length', () => {
    const turn = { text: 'abcd efgh ijkl', pauseAfterTokens: [2, 99, 0, 2], pauseAt: 'efgh' };
    assert.deepEqual(pausePoints(turn), [0, 2, 3]);
    assert.deepEqual(pausePoints({ text: 'no pauses' }), []);
  });

  it('reports markers the output does not contain', () => {
    assert.deepEqual(missingMarkers({ text: 'hello', toolCall: { name: 't', input: 'world' }, pauseAt: ['hellowor', 'nope'] }), ['nope']);
  });

  it('refuses a turn whose marker is not in its output, queueing nothing', async () => {
    const s = await startModelServer({ rate: 0 });
    try {
      assert.throws(() => s.script({ text: 'ok' }, { text: 'hello', pauseAt: 'bye' }), /pauseAt marker/);
      assert.equal(s.pending, 0);
    } finally {
      await s.close();
    }
  });
});

describe('pauses on the wire', () => {
  let s: ModelServer;
  before(async () => {
    s = await startModelServer({ rate: 2000 });
  });
  after(() => s.close());

  it('Responses over WebSocket: stops after the marker, silent and open, until released by id', async () => {
    s.script({ id: 'edit', text: 'Editing.', toolCall: { name: 'apply_patch', input: PATCH }, pauseAt: '+new line one\n' });
    const c = openClient(s);
    try {
      const done = c.turn({ model: 'm', input: 'go' }, 10_000);
      await until(() => s.pauses.list().length === 1, 'the pause');
      const [paused] = s.pauses.list();
      assert.equal(paused!.turn, 'edit');
      assert.match(paused!.responseId, /^resp_/);
      // The marker's frame may still be on its way when the pause is listed: count from its arrival.
      await until(() => deltas(c.events, 'response.custom_tool_call_input.delta').includes('+new line one\n'), 'the marker');
      const count = c.events.length;
      await sleep(300);
      // Nothing was sent while paused and the socket is still open.
      assert.equal(c.events.length, count);
      assert.equal(c.errors.length, 0);
      const sofar = deltas(c.events, 'response.custom_tool_call_input.delta');
      assert.ok(sofar.includes('+new line one\n'), sofar);
      assert.ok(!sofar.includes('two'), sofar);
      assert.equal(s.pauses.release('someone-else'), 0);
      assert.equal(s.pauses.release('edit'), 1);
      const events = await done;
      assert.equal(events.at(-1)!.type, 'response.completed');
      assert.equal(deltas(events, 'response.custom_tool_call_input.delta'), PATCH);
      assert.deepEqual({ reached: s.pauses.reached, released: s.pauses.released, timedOut: s.pauses.timedOut }, { reached: 1, released: 1, timedOut: 0 });
    } finally {
      c.rws.close();
      s.pauses.reset();
    }
  });

  it('Responses over SSE: several pauses in one turn, each released in turn by response id', async () => {
    const client = openaiClient(s);
    s.script({ text: 'one two three four five six seven', pauseAfterTokens: [2, 5] });
    let text = '';
    let completed = false;
    const reading = (async () => {
      for await (const e of await client.responses.create({ model: 'm', input: 'go', stream: true })) {
        if (e.type === 'response.output_text.delta') text += e.delta;
        if (e.type === 'response.completed') completed = true;
      }
    })();
    const tokens = tokenize('one two three four five six seven');
    for (const n of [2, 5]) {
      await until(() => s.pauses.list().length === 1, `pause at ${n}`);
      assert.equal(s.pauses.list()[0]!.afterTokens, n);
      await until(() => text === tokens.slice(0, n).join(''), `text up to ${n}`);
      await sleep(100);
      assert.equal(text, tokens.slice(0, n).join(''));
      assert.equal(s.pauses.release(s.pauses.list()[0]!.responseId), 1);
    }
    await reading;
    assert.equal(text, 'one two three four five six seven');
    assert.equal(completed, true);
    s.pauses.reset();
  });

  it('Chat Completions: a pause nobody releases resumes by itself after its bound', async () => {
    const client = openaiClient(s);
    s.script({ text: 'slow and steady wins', pauseAfterTokens: 1, pauseMaxMs: 250 });
    let text = '';
    let finish: string | null = null;
    const start = performance.now();
    for await (const c of await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'go' }], stream: true })) {
      text += c.choices[0]?.delta.content ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(text, 'slow and steady wins');
    assert.equal(finish, 'stop');
    assert.ok(performance.now() - start >= 240, 'it waited for the bound');
    assert.equal(s.pauses.timedOut, 1);
    assert.equal(s.pauses.list().length, 0);
    s.pauses.reset();
  });

  it('output after a release keeps its pace instead of bursting', async () => {
    s.script({ text: 'word '.repeat(30), rate: 50, pauseAfterTokens: 5 });
    const c = openClient(s);
    try {
      const done = c.turn({ model: 'm', input: 'go' }, 10_000);
      await until(() => s.pauses.list().length === 1, 'the pause');
      await sleep(400);
      s.pauses.release();
      await done;
      const after = s.stats.tokens.all().filter((t) => t.index >= 5);
      // 25 tokens at 50 tok/s take about half a second; a burst would take a few ms.
      assert.ok(after.at(-1)!.at - after[0]!.at >= 250, `spread ${(after.at(-1)!.at - after[0]!.at).toFixed(0)} ms`);
    } finally {
      c.rws.close();
      s.pauses.reset();
    }
  });

  it('a client that goes away while paused aborts the turn and leaves no pause behind', async () => {
    s.script({ text: 'never finished text here', pauseAfterTokens: 2 });
    const c = openClient(s);
    const aborted = s.stats.responses.get('aborted') ?? 0;
    c.rws.send({ type: 'response.create', model: 'm', input: 'go' } as never);
    await until(() => s.pauses.list().length === 1, 'the pause');
    c.rws.close();
    await until(() => s.pauses.list().length === 0, 'the pause to end');
    await until(() => (s.stats.responses.get('aborted') ?? 0) === aborted + 1, 'the abort');
    assert.equal(s.pauses.released, 0);
    s.pauses.reset();
  });
});

describe('pauses through the control routes', () => {
  let s: ModelServer;
  before(async () => {
    s = await startModelServer({ rate: 1000, control: true });
  });
  after(() => s.close());

  const post = (path: string, body?: unknown) =>
    fetch(`${s.url}/__control/${path}`, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const stats = async () => (await (await fetch(`${s.url}/__control/stats`)).json()) as { paused: { turn: string | null; afterTokens: number }[]; pauses: Record<string, number> };

  it('scripts a JSON turn with a marker, lists it paused, releases it by id', async () => {
    const res = await post('script', { turns: [{ id: 'hunk2', text: 'Working.', toolCall: { name: 'apply_patch', input: PATCH }, pauseAt: 'two' }] });
    assert.equal(res.status, 200);
    const client = openaiClient(s);
    let patch = '';
    const reading = (async () => {
      for await (const e of await client.responses.create({ model: 'm', input: 'go', stream: true })) {
        if (e.type === 'response.custom_tool_call_input.delta') patch += e.delta;
      }
    })();
    let st = await stats();
    while (st.paused.length === 0) {
      await sleep(10);
      st = await stats();
    }
    assert.equal(st.paused[0]!.turn, 'hunk2');
    assert.ok(patch.includes('+new line two'), patch);
    assert.ok(!patch.includes('three'), patch);
    assert.deepEqual(await (await post('release', { id: 'other' })).json(), { released: 0 });
    assert.deepEqual(await (await post('release', { id: 'hunk2' })).json(), { released: 1 });
    await reading;
    assert.equal(patch, PATCH);
    st = await stats();
    assert.deepEqual(st.pauses, { reached: 1, released: 1, timedOut: 0 });
    assert.deepEqual(st.paused, []);
  });

  it('refuses a marker the output lacks and a malformed release', async () => {
    const res = await post('script', { turns: [{ text: 'hello', pauseAt: 'bye' }] });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(await res.json()), /pauseAt marker/);
    assert.equal(s.pending, 0);
    assert.equal((await post('release', { id: 7 })).status, 400);
    assert.equal((await post('release', { turn: 'x' })).status, 400);
    // No body releases everything (nothing is paused here).
    assert.deepEqual(await (await post('release')).json(), { released: 0 });
  });

  it('reset lets a paused turn go on', async () => {
    await post('script', { turns: [{ text: 'held then finished', pauseAfterTokens: 1 }] });
    const client = openaiClient(s);
    let text = '';
    const reading = (async () => {
      for await (const e of await client.responses.create({ model: 'm', input: 'go', stream: true })) {
        if (e.type === 'response.output_text.delta') text += e.delta;
      }
    })();
    await until(() => s.pauses.list().length === 1, 'the pause');
    assert.equal((await post('reset')).status, 200);
    await reading;
    assert.equal(text, 'held then finished');
    assert.deepEqual((await stats()).pauses, { reached: 0, released: 0, timedOut: 0 });
  });
});
