// Follow-up turns carry what people changed as a diff of the text the model last read: a
// one-line change in a 100 KB file costs a few hundred bytes upstream, and the diff applied to
// what the model was sent before (the warm-up's file plus its own edit) is the file people see.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { filesOf } from '../../lib/schema.ts';
import { applyUnifiedDiff } from './unifiedDiff.ts';
import { ask, createSession, fileText, joined, startAiStack, waitFinished, waitFor, type AiStack } from '../../testing/aiTestKit.ts';

const BIG = 'src/records.ts';
const LINES = Array.from({ length: 1400 }, (_, i) => `export const record${i} = { id: ${i}, name: 'record number ${i}', tags: ['a', 'b'] };`);
const CONTENT = `${LINES.join('\n')}\n`;

/** Every string inside a request's input (message texts, tool outputs). */
function texts(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) texts(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) texts(v, out);
  return out;
}

function diffOf(body: unknown, path: string): string | null {
  const header = `--- ${path} (changes since your last turn, unified diff of the text you last read)\n`;
  const text = texts((body as { input?: unknown }).input).findLast((t) => t.includes(header));
  if (!text) return null;
  const start = text.indexOf(header) + header.length;
  return text.slice(start, text.indexOf(`--- end of ${path} changes`, start));
}

async function editedThenChanged(stack: AiStack, transport: 'responses-ws' | 'responses-http') {
  const session = await createSession(stack.server.url, { files: { [BIG]: CONTENT, 'src/other.ts': 'export {};\n' } });
  const person = await joined(session);
  const generating = () => stack.model.stats.requests.all().filter((r) => r.transport === transport && (r.body as { generate?: boolean }).generate !== false);
  // Turn 1: the AI edits one line of the big file.
  stack.model.script({ text: 'Renamed.', toolCall: { name: 'apply_patch', input: `*** Begin Patch\n*** Update File: ${BIG}\n@@\n-${LINES[10]}\n+${LINES[10].replace('record10 =', 'recordTen =')}\n*** End Patch\n` } });
  const first = await ask(stack.server, session, { prompt: 'rename record10', file: BIG });
  assert.equal((await waitFinished(stack.server, session, first.body.runId!)).status, 'done');
  await waitFor(() => fileText(person, BIG)?.includes('recordTen =') ?? false, 'the AI edit');
  const seenByModel = fileText(person, BIG)!;
  // A person changes one line far from it.
  const file = filesOf(person.doc).get(BIG)!;
  const at = file.toString().indexOf("'record number 900'");
  person.doc.transact(() => file.insert(at + 1, 'checked '), 'person');
  const now = file.toString();
  for (let tries = 0; ; tries++) {
    const res = await fetch(`${stack.server.url}/api/sessions/${session.id}/files`, { headers: { authorization: `Bearer ${session.collab.viewParams.token}` } });
    if (((await res.json()) as { files: Record<string, string> }).files[BIG] === now) break;
    assert.ok(tries < 200, 'the change reaches the server');
    await new Promise((r) => setTimeout(r, 10));
  }
  const before = generating().length;
  stack.model.script({ text: 'Looks right.' });
  const second = await ask(stack.server, session, { prompt: 'is my change fine?', file: BIG });
  assert.equal((await waitFinished(stack.server, session, second.body.runId!)).status, 'done');
  const followUp = generating()[before];
  person.destroy();
  return { followUp, seenByModel, now };
}

let ws: AiStack;
before(async () => {
  ws = await startAiStack({ rate: 0 });
});
after(async () => {
  await ws.dispose();
});

test('WebSocket, chained: a one-line change in a 100 KB file goes up as a diff, ≤ 5% of the full context', async () => {
  const warmBefore = ws.model.stats.requests.all().length;
  const { followUp, seenByModel, now } = await editedThenChanged(ws, 'responses-ws');
  const warmUp = ws.model.stats.requests.all().slice(warmBefore).find((r) => (r.body as { generate?: boolean }).generate === false);
  assert.ok(warmUp, 'the room was warmed up with the full context');
  assert.ok(warmUp.bytes > CONTENT.length, `${warmUp.bytes} bytes`);
  assert.equal(typeof (followUp.body as { previous_response_id?: unknown }).previous_response_id, 'string', 'chained');
  assert.ok(followUp.bytes <= 0.05 * warmUp.bytes, `follow-up ${followUp.bytes} bytes vs full context ${warmUp.bytes}`);
  const diff = diffOf(followUp.body, BIG);
  assert.ok(diff, 'the follow-up carries a diff of the big file');
  assert.equal(applyUnifiedDiff(seenByModel, diff), now, 'the diff applied to what the model had read gives the current file');
});

test('HTTP (full history resent every turn): the diff still applies to the file in that history', async () => {
  const http = await startAiStack({ transport: 'http', rate: 0 });
  try {
    const { followUp, seenByModel, now } = await editedThenChanged(http, 'responses-http');
    const input = texts((followUp.body as { input?: unknown }).input);
    // The history holds the file as first sent, whole, and the model's own patch to it.
    assert.ok(input.some((t) => t.includes(CONTENT)), 'the first turn\'s full file is in the resent history');
    assert.ok(input.some((t) => t.includes('recordTen =')), 'so is the AI\'s own edit');
    const diff = diffOf(followUp.body, BIG);
    assert.ok(diff);
    assert.equal(applyUnifiedDiff(seenByModel, diff), now);
    assert.equal(input.filter((t) => t.includes(CONTENT)).length, 1, 'the file is not sent whole a second time');
  } finally {
    await http.dispose();
  }
});
