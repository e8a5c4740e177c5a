// Figure 3: time to first token through Tandem vs directly from the model server, both on the
// Responses WebSocket with a warmed-up, chained session and the model's first-token delay at 0.
// Tandem: from sending POST /ai to the run's first text arriving in a Node y-websocket client
// watching the document. Direct: from calling session.turn() (the provider layer Tandem uses,
// in this process) to its first text event. Repetitions alternate between the two paths.
import type * as Y from 'yjs';
import { aiRunsOf, type AiRunView } from '../../lib/ai/aiRuns.ts';
import { instructionsFor, toolsFor } from '../../server/ai/instructions.ts';
import { createModelSession } from '../../server/ai/providers/index.ts';
import { connectClient, waitUntil } from '../lib/clients.ts';
import type { ServerChild } from '../lib/servers.ts';
import type { ModelHandle } from './modelHandle.ts';
import { askAi, createSession, waitForRun } from './tandemApi.ts';

const now = () => performance.timeOrigin + performance.now();
const FILE = 'src/notes.ts';
const SEED = '// notes.ts\nexport const notes: string[] = [];\n';
// Paced (about 60 tokens at 1000 tok/s), so the turn is still streaming after its first token,
// as a real one is: what people see first is then the first batch, not the end of the turn.
const TURN = { text: 'Nothing to change: the notes are fine as they are. '.repeat(5), rate: 1000, firstTokenDelayMs: 0 };

/** One repetition: all times in ms. `relay` = first token sent by the model server → first text received. */
export interface TtftSample {
  total: number;
  /** Start → the model server has the request. */
  request: number;
  /** The model server: request → first token sent. */
  model: number;
  relay: number;
  /** Tandem only: the run's own metrics.ttftMs (whole ms, from the run's start inside the server). */
  recorded?: number | null;
}

async function upstreamTimes(model: ModelHandle): Promise<{ requestAt: number; firstTokenAt: number }> {
  const requests = (await model.requests()).filter((r) => r.generate);
  const tokens = (await model.tokens()).filter((t) => t.count > 0);
  if (requests.length !== 1 || tokens.length === 0) throw new Error(`expected one generating request with tokens, got ${requests.length} and ${tokens.length}`);
  return { requestAt: requests[0].at, firstTokenAt: tokens[0].at };
}

export async function runTtft(model: ModelHandle, server: ServerChild, options: { reps: number; log(line: string): void }): Promise<{ direct: TtftSample[]; tandem: TtftSample[] }> {
  const session = await createSession(server, 'AI first-token bench', { [FILE]: SEED });
  const watcher = connectClient(server, { name: session.collab.room, params: session.collab.editParams }, 'ttft-watcher', FILE);
  const target = { kind: 'responses' as const, baseUrl: model.baseUrl, apiKey: model.key, model: model.model, transport: 'websocket' as const, label: 'model server' };
  const direct = createModelSession(target);
  try {
    await waitUntil(() => watcher.provider.synced, 'the watcher to sync');
    // Tandem warms a session up when someone joins; give the direct one the same start.
    const warm = await direct.warmUp({ instructions: instructionsFor('responses'), tools: toolsFor('responses'), input: [{ type: 'message', role: 'user', text: `${FILE}\n${SEED}` }] });
    if (warm) throw new Error(`direct warm-up failed: ${warm.message}`);

    let firstText: number | null = null;
    aiRunsOf(watcher.doc).observeDeep((events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
      if (firstText !== null) return;
      // The run's explanation (a Y.Text at [runId, 'explanation']) received its first text.
      if (events.some((e) => e.path.at(-1) === 'explanation')) firstText = now();
    });

    const viaTandem = async (): Promise<TtftSample> => {
      await model.reset();
      await model.script(TURN);
      firstText = null;
      const t0 = now();
      const runId = await askAi(server, session, 'Anything to change in the notes?', FILE);
      await waitUntil(() => firstText !== null, 'the first text in the document', 30_000);
      const run: AiRunView = await waitForRun(server, session, runId);
      const up = await upstreamTimes(model);
      return { total: firstText! - t0, request: up.requestAt - t0, model: up.firstTokenAt - up.requestAt, relay: firstText! - up.firstTokenAt, recorded: run.metrics?.ttftMs ?? null };
    };
    const viaDirect = async (): Promise<TtftSample> => {
      await model.reset();
      await model.script(TURN);
      let first: number | null = null;
      const t0 = now();
      for await (const e of direct.turn({ instructions: instructionsFor('responses'), tools: toolsFor('responses'), input: [{ type: 'message', role: 'user', text: 'Anything to change in the notes?' }] })) {
        if (e.type === 'text' && first === null) first = now();
        if (e.type === 'error') throw new Error(`direct turn failed: ${e.error.message}`);
      }
      if (first === null) throw new Error('the direct turn had no text');
      const up = await upstreamTimes(model);
      return { total: first - t0, request: up.requestAt - t0, model: up.firstTokenAt - up.requestAt, relay: first - up.firstTokenAt };
    };

    const out = { direct: [] as TtftSample[], tandem: [] as TtftSample[] };
    const warmups = 3;
    for (let i = 0; i < options.reps + warmups; i++) {
      // Alternate which goes first, so neither always follows the other's garbage.
      const pair = i % 2 === 0 ? [viaDirect, viaTandem] : [viaTandem, viaDirect];
      for (const fn of pair) {
        const s = await fn();
        if (i >= warmups) (fn === viaDirect ? out.direct : out.tandem).push(s);
      }
    }
    options.log(`  ${options.reps} repetitions each (after ${warmups} warm-up pairs)`);
    return out;
  } finally {
    direct.close();
    watcher.destroy();
  }
}
