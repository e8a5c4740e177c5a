// The edit-prediction benchmark's model server in a process of its own, so the model's answers
// and token times never wait on the benchmark's browser driver (which shares the benchmark's
// event loop). Unpaced, any key, answering as the parent says (bench/predictModel.ts); listens on
// the port given as its argument and leaves when the IPC channel closes.
import { startModelServer } from '../modelServer/modelServer.ts';
import { answerTurn, type PredictModelOp, type PredictModelRecords } from './predictModel.ts';
import { serveIpc } from './lib/ipc.ts';

const server = await startModelServer({ port: Number(process.argv[2]), apiKey: null, model: process.argv[3], rate: 0, maxRecords: 500_000 });

serveIpc<PredictModelOp>((request) => {
  switch (request.op) {
    case 'answer':
      server.setDefaultTurn(answerTurn(request.name, request.delay));
      return { ok: true };
    case 'script':
      server.script({ text: request.text, firstTokenDelayMs: request.firstTokenDelayMs });
      return { ok: true };
    case 'reset':
      server.clearScript();
      server.stats.reset();
      return { ok: true };
    case 'records':
      return {
        requests: server.stats.requests.all().filter((r) => r.at >= request.from).map((r) => ({ route: r.route, at: r.at })),
        tokens: server.stats.tokens.all().filter((t) => t.at >= request.from).map((t) => ({ responseId: t.responseId, at: t.at })),
        aborted: server.stats.aborted.all().filter((a) => a.at >= request.from).map((a) => ({ transport: a.transport, at: a.at })),
      } satisfies PredictModelRecords;
  }
}, () => server.close());
