// Parent side of bench/ai/modelChild.ts: the model server's URL and key, and its IPC requests.
import { freePort, startHelper } from '../lib/servers.ts';
import { ipcAsker } from '../lib/ipc.ts';
import type { ScriptedTurn, TokenRecord } from '../../modelServer/modelServer.ts';
import { MODEL_KEY, MODEL_NAME, type ModelOp, type RequestSummary } from './modelTypes.ts';

export interface ModelHandle {
  url: string;
  baseUrl: string;
  key: string;
  model: string;
  script(...turns: ScriptedTurn[]): Promise<void>;
  reset(): Promise<void>;
  tokens(): Promise<TokenRecord[]>;
  requests(): Promise<RequestSummary[]>;
  /** Environment pointing a Tandem server at this model server. */
  tandemEnv(transport: 'websocket' | 'http'): Record<string, string>;
  stop(): Promise<void>;
}

export async function startModel(): Promise<ModelHandle> {
  const port = await freePort();
  const child = await startHelper('bench/ai/modelChild.ts', [String(port)]);
  const ask = ipcAsker<ModelOp>(child.proc);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseUrl: `${url}/v1`,
    key: MODEL_KEY,
    model: MODEL_NAME,
    script: (...turns) => ask({ op: 'script', turns }).then(() => undefined),
    reset: () => ask({ op: 'reset' }).then(() => undefined),
    tokens: () => ask({ op: 'tokens' }),
    requests: () => ask({ op: 'requests' }),
    tandemEnv: (transport) => ({
      OPENAI_BASE_URL: `${url}/v1`,
      OPENAI_API_KEY: MODEL_KEY,
      TANDEM_AI_PROVIDER: 'responses',
      TANDEM_AI_MODEL: MODEL_NAME,
      TANDEM_AI_TRANSPORT: transport,
      // Many runs in a few minutes: the limits guard people, not this benchmark.
      TANDEM_AI_RATE_PER_PERSON: '100000',
      TANDEM_AI_RATE_PER_ROOM: '100000',
      TANDEM_AI_MAX_QUEUE: '1000',
    }),
    stop: () => child.stop(),
  };
}
