// Assembles the process: storage, rooms, the /api handler, the /collab/ upgrade handler and,
// unless told otherwise, Next for every other request. Tests call startServer with next: false
// on port 0; server/main.ts calls it with the process configuration.
import { socketPredictions } from './ai/predict/socketPredictions.ts';
import { predictionReader } from './ai/predict/predictionReader.ts';
import { PredictionService } from './ai/predict/PredictionService.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import { RoomManager } from './collab/RoomManager.ts';
import { History } from './history/History.ts';
import { recordRoomHistory } from './history/roomHistory.ts';
import { createUpgradeHandler } from './http/collabUpgrade.ts';
import { API_PREFIX, createApiHandler } from './http/router.ts';
import { HISTORY_WRITES_PER_MINUTE } from './http/historyRoutes.ts';
import { sendError } from './http/respond.ts';
import { SqliteStorage } from './storage/SqliteStorage.ts';
import { PostgresStorage } from './storage/PostgresStorage.ts';
import type { Storage } from './storage/Storage.ts';
import { MeasuredStorage } from './storage/MeasuredStorage.ts';
import { ServerMetrics } from './ops/metrics.ts';
import { checkReadiness, type ReadinessCheck } from './ops/readiness.ts';
import type { Cluster } from './cluster/Cluster.ts';
import { log } from './log.ts';
import { AiService } from './ai/AiService.ts';
import { createConnector, type ModelConnector } from './ai/connector.ts';
import { RateLimiter } from './access/rateLimit.ts';

export interface StartOptions {
  /** Host the Next app (false for API-only servers in tests). */
  next: false | { dev: boolean };
  /** Storage to use instead of the configured one (SQLite in DATA_DIR, or DATABASE_URL). */
  storage?: Storage;
  /** Model connector to use instead of the configured one (tests). */
  connector?: ModelConnector;
}

export interface RunningServer {
  server: Server;
  port: number;
  /** `http://host:port` as reachable from this machine. */
  url: string;
  storage: Storage;
  rooms: RoomManager;
  ai: AiService;
  metrics: ServerMetrics;
  close(): Promise<void>;
}

type NextHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
interface NextApp {
  prepare(): Promise<void>;
  getRequestHandler(): NextHandler;
  close?(): Promise<void>;
}

export async function startServer(config: Config, options: StartOptions): Promise<RunningServer> {
  const backing = options.storage ?? (config.databaseUrl ? await PostgresStorage.connect(config.databaseUrl) : SqliteStorage.open(config.dataDir));
  const metrics = new ServerMetrics();
  const storage = new MeasuredStorage(backing, metrics);
  const rooms = new RoomManager(storage, {
    ...config.limits,
    roomIdleMs: config.roomIdleMs,
    compactEvery: config.compactEvery,
    pingIntervalMs: config.pingIntervalMs,
  });
  const history = new History(storage, config.history);
  const roomHistory = recordRoomHistory(history, rooms);
  const ai = new AiService(rooms, options.connector ?? createConnector(config.ai.provider), config.ai, metrics);
  const sessionCreations = new RateLimiter(config.limits.sessionsPerAddressPerMinute, 60_000);
  metrics.watch({ connections: () => rooms.connections.size, rooms: () => rooms.roomCount, aiQueued: () => ai.queuedRuns });
  // With REDIS_URL the node joins the cluster once it listens (its URL needs the port); requests
  // that arrive before that wait for it rather than serve a room without its lease.
  let joinCluster: (cluster: Cluster | null) => void = () => {};
  const clusterReady: Promise<Cluster | null> = config.cluster ? new Promise((resolve) => (joinCluster = resolve)) : Promise.resolve(null);
  let cluster: Cluster | null = null;
  const checks: Record<string, ReadinessCheck> = { database: () => storage.ping() };
  if (config.cluster) checks.redis = async () => (cluster ? cluster.ping() : Promise.reject(new Error('not connected yet')));
  const readiness = () => checkReadiness(checks);
  const predictions = config.predict
    ? new PredictionService(config.predict, predictionReader(rooms))
    : null;
  rooms.handleRequests(socketPredictions(predictions, (id, vector, ms) => rooms.caughtUp(id, vector, ms)));
  const handleApi = createApiHandler({ config, storage, rooms, ai, predictions, history: { history, rooms: roomHistory, writes: new RateLimiter(HISTORY_WRITES_PER_MINUTE, 60_000) }, sessionCreations, readiness, cluster: clusterReady });
  let nextApp: NextApp | null = null;
  let nextHandler: NextHandler | null = null;

  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path.startsWith(API_PREFIX) || path === '/api') {
      void handleApi(req, res);
    } else if (path === '/metrics' || path.startsWith('/metrics?')) {
      metrics.scrape().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
          res.end(body);
        },
        (err: unknown) => {
          log.error('metrics.failed', err);
          sendError(res, 'internal', 'internal error');
        },
      );
    } else if (nextHandler) {
      nextHandler(req, res).catch((err: unknown) => {
        log.error('next.failed', err);
        sendError(res, 'internal', 'internal error');
      });
    } else {
      sendError(res, 'not_found', 'this server only serves /api and /collab');
    }
  });
  const upgrade = createUpgradeHandler({
    storage,
    secret: config.secret,
    rooms,
    maxFrameBytes: config.limits.maxFrameBytes,
    allowedOrigins: config.allowedOrigins,
    cluster: config.cluster ? clusterReady : undefined,
    maxForwarded: config.limits.maxConnections,
  });
  // Registered before Next adds its own listener: ours answers only /collab/ and ignores the rest.
  server.on('upgrade', upgrade);

  if (options.next) {
    // Loaded lazily so API-only servers (tests, tools) never pay for Next.
    const { default: next } = await import('next');
    nextApp = next({
      dev: options.next.dev,
      hostname: config.host,
      port: config.port,
      httpServer: server,
    }) as unknown as NextApp;
    try {
      await nextApp.prepare();
    } catch (err) {
      await ai.shutdown();
      await rooms.shutdown();
      await storage.close();
      throw err;
    }
    nextHandler = nextApp.getRequestHandler();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  if (config.cluster) {
    try {
      // Loaded only with REDIS_URL: a single node never loads the Redis client.
      const { Cluster } = await import('./cluster/Cluster.ts');
      cluster = await Cluster.connect({ redisUrl: config.cluster.redisUrl, nodeUrl: config.cluster.nodeUrl ?? `http://127.0.0.1:${port}`, leaseMs: config.cluster.leaseMs });
    } catch (err) {
      server.close();
      server.closeAllConnections();
      await ai.shutdown();
      await rooms.shutdown();
      await storage.close();
      throw new Error(`REDIS_URL cannot be reached: ${(err as Error).message}`);
    }
    const joined = cluster;
    joined.setInUse((id) => rooms.peek(id) !== undefined);
    joined.onLost((id) => void rooms.evict(id));
    rooms.onUnloaded((id) => void joined.release(id));
    joinCluster(joined);
  }
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      server.close();
      // AI runs stop first: hunks in progress are rolled back while the rooms can still store it.
      predictions?.close();
      await ai.shutdown();
      await rooms.shutdown();
      // The last checkpoints of the rooms just unloaded are stored before the database closes.
      roomHistory.stop();
      await history.flush();
      // Leases go back at once, so the other nodes take these sessions without waiting.
      await cluster?.close();
      upgrade.close();
      server.closeAllConnections();
      await nextApp?.close?.();
      await storage.close();
    })();
    return closing;
  };
  return { server, port, url: `http://${shownHost}:${port}`, storage, rooms, ai, metrics, close };
}
