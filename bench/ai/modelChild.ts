// The local model server in a process of its own (so its pacing never waits on the benchmark's
// browsers or on Tandem), driven over IPC by bench/ai/modelHandle.ts: script turns, reset the
// records, read token send times and request sizes. Listens on the port given as its argument;
// leaves when the IPC channel closes.
import { startModelServer } from '../../modelServer/modelServer.ts';
import type { RecordedRequest, TokenRecord } from '../../modelServer/modelServer.ts';
import { MODEL_KEY, MODEL_NAME, type ModelOp, type RequestSummary } from './modelTypes.ts';
import { serveIpc } from '../lib/ipc.ts';

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

serveIpc<ModelOp>((request) => {
  switch (request.op) {
    case 'script':
      server.script(...request.turns);
      return { pending: server.pending };
    case 'reset':
      server.clearScript();
      server.stats.reset();
      return { ok: true };
    case 'tokens':
      return server.stats.tokens.all() satisfies TokenRecord[];
    case 'requests':
      return server.stats.requests.all().map(summarise);
  }
}, () => server.close());
