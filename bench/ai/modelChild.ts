// The local model server in a process of its own (so its pacing never waits on the benchmark's
// browsers or on Tandem), driven over IPC by bench/ai/modelHandle.ts: script turns, reset the
// records, read token send times and request sizes. Listens on the port given as its argument;
// leaves when the IPC channel closes.
import { startModelServer } from '../../modelServer/modelServer.ts';
import type { RecordedRequest, TokenRecord } from '../../modelServer/modelServer.ts';
import { MODEL_KEY, MODEL_NAME, type ModelOp, type RequestSummary } from './modelTypes.ts';

function summarise(r: RecordedRequest): RequestSummary {
  const body = (r.body ?? {}) as Record<string, unknown>;
  return {
    transport: r.transport,
    connectionId: r.connectionId,
    bytes: r.bytes,
    at: r.at,
    generate: body.generate !== false,
    previousResponseId: typeof body.previous_response_id === 'string' ? body.previous_response_id : null,
    inputItems: Array.isArray(body.input) ? body.input.length : 0,
  };
}

const server = await startModelServer({ port: Number(process.argv[2]), apiKey: MODEL_KEY, model: MODEL_NAME, rate: 1000, maxRecords: 500_000 });

process.on('message', (raw) => {
  const { id, request } = raw as { id: number; request: ModelOp };
  let answer: unknown;
  switch (request.op) {
    case 'script':
      server.script(...request.turns);
      answer = { pending: server.pending };
      break;
    case 'reset':
      server.clearScript();
      server.stats.reset();
      answer = { ok: true };
      break;
    case 'tokens':
      answer = server.stats.tokens.all() satisfies TokenRecord[];
      break;
    case 'requests':
      answer = server.stats.requests.all().map(summarise);
      break;
  }
  process.send!({ id, answer });
});
process.on('disconnect', () => {
  void server.close().finally(() => process.exit(0));
});
process.send!('ready');
