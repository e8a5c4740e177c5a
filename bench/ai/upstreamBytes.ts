// Figure 4: bytes Tandem sends upstream on a follow-up turn in a session holding a 100 KB file.
// WebSocket: the follow-up chains with previous_response_id and carries only the new input;
// HTTP (store: false) resends the whole conversation; a WebSocket cache miss
// (previous_response_not_found) is retried with the full input. Sizes are what the model
// server received per request (the JSON body or the response.create frame).
import type * as Y from 'yjs';
import { connectClient, waitUntil } from '../lib/clients.ts';
import type { ServerChild } from '../lib/servers.ts';
import type { ModelHandle } from './modelHandle.ts';
import type { RequestSummary } from './modelTypes.ts';
import { askAi, createSession, waitForRun } from './tandemApi.ts';

const BIG = 'src/big.ts';
const TARGET_BYTES = 100 * 1024;

function bigFile(): string {
  const lines = ['// big.ts: generated records for the upstream-bytes benchmark'];
  for (let i = 1; lines.join('\n').length < TARGET_BYTES - 100; i++) {
    lines.push(`export const record${i} = { id: ${i}, name: "record number ${i}", weight: ${(i * 37) % 101}, tags: ["t${i % 7}", "t${i % 11}"] };`);
  }
  return `${lines.join('\n')}\n`;
}

const HEADER_PATCH = `*** Begin Patch\n*** Update File: ${BIG}\n@@\n-// big.ts: generated records for the upstream-bytes benchmark\n+// big.ts: generated records (reviewed)\n*** End Patch\n`;

export interface BytesResult {
  transport: 'websocket' | 'http';
  fileBytes: number;
  /** The first request carrying the file (the warm-up on WebSocket, the first turn on HTTP). */
  full: RequestSummary;
  /** The next turn when nobody changed a file meanwhile (only the AI's own edit happened). */
  followUp: RequestSummary[];
  /** The turn after that, after a person changed one line of the 100 KB file. */
  afterPersonEdit: RequestSummary[];
  /** WebSocket only: the follow-up refused with previous_response_not_found, then its retry. */
  cacheMiss?: RequestSummary[];
}

async function turn(model: ModelHandle, server: ServerChild, session: Awaited<ReturnType<typeof createSession>>, prompt: string, turns: Parameters<ModelHandle['script']>): Promise<RequestSummary[]> {
  await model.reset();
  await model.script(...turns);
  await waitForRun(server, session, await askAi(server, session, prompt, BIG));
  return model.requests();
}

export async function runUpstreamBytes(model: ModelHandle, server: ServerChild, transport: 'websocket' | 'http'): Promise<BytesResult> {
  const text = bigFile();
  await model.reset();
  const session = await createSession(server, `AI bytes bench (${transport})`, { [BIG]: text, 'README.md': '# Records\n' });
  const person = connectClient(server, { name: session.collab.room, params: session.collab.editParams }, 'bytes-person', BIG);
  try {
    await waitUntil(() => person.provider.synced, 'the person to sync');
    let warmUp: RequestSummary | undefined;
    if (transport === 'websocket') {
      // Joining the room makes Tandem open the model connection and send the workspace (generate: false).
      const deadline = Date.now() + 20_000;
      while (!warmUp && Date.now() < deadline) {
        warmUp = (await model.requests()).find((r) => !r.generate);
        if (!warmUp) await new Promise((r) => setTimeout(r, 50));
      }
      if (!warmUp) throw new Error('no warm-up request reached the model server');
    }
    const first = await turn(model, server, session, 'Mark the header as reviewed.', [{ text: 'Marking it reviewed.', toolCall: { name: 'apply_patch', input: HEADER_PATCH } }]);
    const followUp = await turn(model, server, session, 'Anything else to fix in the header?', [{ text: 'No, it reads well now.' }]);
    // A person changes one line between turns: the context sends it as a diff of what the model read.
    const file = person.doc.getMap<Y.Text>('files').get(BIG)!;
    person.doc.transact(() => file.insert(file.toString().indexOf('export const record10 '), '// checked by a person\n'), 'bench-person');
    await new Promise((r) => setTimeout(r, 300));
    const afterPersonEdit = await turn(model, server, session, 'I added a note; is it in the right place?', [{ text: 'Yes, it is.' }]);
    const result: BytesResult = {
      transport,
      fileBytes: Buffer.byteLength(text),
      full: warmUp ?? first.find((r) => r.generate)!,
      followUp: followUp.filter((r) => r.generate),
      afterPersonEdit: afterPersonEdit.filter((r) => r.generate),
    };
    if (transport === 'websocket') {
      result.cacheMiss = (await turn(model, server, session, 'And the README?', [{ failure: { kind: 'previous_response_not_found' } }, { text: 'The README is fine.' }])).filter((r) => r.generate);
    }
    return result;
  } finally {
    person.destroy();
  }
}
