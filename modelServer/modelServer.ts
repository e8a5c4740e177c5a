// A local model server speaking the providers' real wire protocols, for tests, benchmarks
// and development: Responses over WebSocket and over SSE, Chat Completions SSE, and legacy
// (fill-in-the-middle) Completions SSE.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleChatCompletions, handleModels } from './chatCompletionsEndpoint.ts';
import { handleCompletions } from './completionsEndpoint.ts';
import { CONTROL_PREFIX, handleControl } from './controlRoutes.ts';
import { ModelServerCore, readBody } from './modelServerCore.ts';
import { handleResponsesPost, sendError } from './responsesHttpEndpoint.ts';
import { ResponsesWsEndpoint } from './responsesWsEndpoint.ts';
import type { PauseBoard } from './turnPauses.ts';
import type { ModelServerStats } from './modelServerStats.ts';
import { nowMs } from './modelServerStats.ts';
import type { Failure, HandshakeFailure, ModelServerOptions, Transport, TurnSource } from './modelServerTypes.ts';

export type * from './modelServerTypes.ts';
export { tokenize } from './tokenPacing.ts';
export { ModelServerStats } from './modelServerStats.ts';
export type { PausedTurn, PauseBoard } from './turnPauses.ts';

export interface ModelServer {
  /** 'http://127.0.0.1:<port>' */
  url: string;
  port: number;
  /** 'http://127.0.0.1:<port>/v1': the `baseURL` for the `openai` package and OPENAI_BASE_URL. */
  httpBaseUrl: string;
  /** 'ws://127.0.0.1:<port>/v1/responses' */
  wsUrl: string;
  /** The accepted key (null: any). */
  apiKey: string | null;
  stats: ModelServerStats;
  /** Queues scripted outputs, consumed in order by generating turns on any transport. */
  script(...turns: TurnSource[]): void;
  /** Turns waiting at a scripted pause (`pauses.list()`), and `pauses.release(id?)` to let them go on. */
  pauses: PauseBoard;
  /** Scripted turns not yet consumed. */
  readonly pending: number;
  /** Drops every queued scripted turn. */
  clearScript(): void;
  /** Output used when nothing is scripted. */
  setDefaultTurn(turn: TurnSource): void;
  /** Failure applied to every generating turn without one of its own (null clears it). */
  setFailure(failure: Failure | null): void;
  /** Refuses the next WebSocket upgrade(s) with an HTTP status. */
  failHandshakes(failure: HandshakeFailure): void;
  /** Kills every open WebSocket abruptly (as a network failure would). */
  dropConnections(): void;
  close(): Promise<void>;
}

const ROUTES: Record<string, Transport> = {
  'POST /v1/responses': 'responses-http',
  'POST /v1/chat/completions': 'chat-completions',
  'POST /v1/completions': 'completions',
};

export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const core = new ModelServerCore(options);
  const ws = new ResponsesWsEndpoint(core);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const handled = options.control && path.startsWith(CONTROL_PREFIX) ? handleControl(core, req, res, path) : handleHttp(core, req, res);
    handled.catch(() => {
      if (!res.headersSent) sendError(res, 500, 'server_error', 'Model server error.');
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (path === '/v1/responses') {
      ws.handleUpgrade(req, socket, head);
    } else {
      core.stats.wsRejected++;
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  const url = `http://${host}:${port}`;
  return {
    url,
    port,
    httpBaseUrl: `${url}/v1`,
    wsUrl: `ws://${host}:${port}/v1/responses`,
    apiKey: core.options.apiKey,
    stats: core.stats,
    script: (...turns) => core.script.enqueue(turns),
    pauses: core.pauses,
    get pending() {
      return core.script.pending;
    },
    clearScript: () => core.script.clear(),
    setDefaultTurn: (turn) => {
      core.script.defaultTurn = turn;
    },
    setFailure: (failure) => {
      core.script.globalFailure = failure;
    },
    failHandshakes: (failure) => core.failHandshakes(failure),
    dropConnections: () => ws.closeAll(false),
    close: async () => {
      core.pauses.release();
      ws.closeAll(true);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function handleHttp(core: ModelServerCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const route = `${req.method ?? 'GET'} ${path}`;
  core.stats.countHttp(route);
  const transport = ROUTES[route];
  if (route !== 'GET /v1/models' && !transport) {
    sendError(res, 404, 'not_found', `No route ${route}.`);
    return;
  }
  if (!core.authorized(req.headers)) {
    sendError(res, 401, 'invalid_api_key', 'Incorrect API key provided.');
    return;
  }
  if (!transport) {
    handleModels(core, res);
    return;
  }
  let raw: Buffer;
  try {
    raw = await readBody(req);
  } catch {
    sendError(res, 413, 'request_too_large', 'Request body too large.');
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    body = undefined;
  }
  core.stats.requests.push({ transport, route, connectionId: null, body: body ?? raw.toString('utf8').slice(0, 1000), bytes: raw.length, at: nowMs() });
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    sendError(res, 400, 'invalid_json', 'We could not parse the JSON body of your request.');
    return;
  }
  const parsed = body as Record<string, unknown>;
  if (transport === 'responses-http') await handleResponsesPost(core, res, parsed);
  else if (transport === 'completions') await handleCompletions(core, res, parsed);
  else await handleChatCompletions(core, res, parsed);
}
