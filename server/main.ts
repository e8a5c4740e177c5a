// Entry point: `node server/main.ts [--dev] [--no-next]`.
//   --dev      Next in development mode (hot reload)
//   --no-next  only /api and /collab (headless use and the durability test)
// Configuration comes from the environment (server/config.ts). SIGTERM/SIGINT close every
// connection, compact every room and close the database before exiting.
import { describeStorage, loadConfig } from './config.ts';
import { startServer, type RunningServer } from './app.ts';
import { log } from './log.ts';

const args = new Set(process.argv.slice(2));
const config = loadConfig();
const dev = args.has('--dev');

let running: RunningServer;
try {
  running = await startServer(config, { next: args.has('--no-next') ? false : { dev } });
} catch (err) {
  console.error(`tandem: cannot start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
const shown = config.publicUrl ?? running.url;
console.log(`tandem: listening on ${running.url} (public ${shown}, data: ${describeStorage(config)}${dev ? ', dev' : ''})`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('server.stopping', { signal });
  const force = setTimeout(() => {
    log.warn('server.shutdown_timeout');
    process.exit(1);
  }, 10_000);
  force.unref();
  try {
    await running.close();
    process.exit(0);
  } catch (err) {
    log.error('server.shutdown_failed', err);
    process.exit(1);
  }
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
