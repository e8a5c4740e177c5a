// The edit-prediction benchmark's model server in a process of its own, so the model's answers
// and token times never wait on the benchmark's browser driver (which shares the benchmark's
// event loop). Unpaced, any key, answering as the parent says (bench/predictModel.ts); listens on
// the port given as its argument and leaves when the IPC channel closes.
import { startModelServer } from '../modelServer/modelServer.ts';
import { answerTurn, type PredictModelOp, type PredictModelRecords } from './predictModel.ts';

const server = await startModelServer({ port: Number(process.argv[2]), apiKey: null, model: process.argv[3], rate: 0, maxRecords: 500_000 });

interface AbortLog {
  all(): { transport: string; at: number }[];
}

process.on('message', (raw) => {
  const { id, request } = raw as { id: number; request: PredictModelOp };
  let answer: unknown = { ok: true };
  switch (request.op) {
    case 'answer':
      server.setDefaultTurn(answerTurn(request.name, request.delay));
      break;
    case 'script':
      server.script({ text: request.text, firstTokenDelayMs: request.firstTokenDelayMs });
      break;
    case 'reset':
      server.clearScript();
      server.stats.reset();
      break;
    case 'records': {
      const aborted = (server.stats as unknown as { aborted?: AbortLog }).aborted;
      answer = {
        requests: server.stats.requests.all().filter((r) => r.at >= request.from).map((r) => ({ route: r.route, at: r.at })),
        tokens: server.stats.tokens.all().filter((t) => t.at >= request.from).map((t) => ({ responseId: t.responseId, at: t.at })),
        aborted: aborted ? aborted.all().filter((a) => a.at >= request.from).map((a) => ({ transport: a.transport, at: a.at })) : null,
      } satisfies PredictModelRecords;
      break;
    }
  }
  process.send!({ id, answer });
});
process.on('disconnect', () => {
  void server.close().finally(() => process.exit(0));
});
process.send!('ready');
