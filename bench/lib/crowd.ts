// Child process entry: `node bench/lib/crowd.ts <serverUrl> <room> <paramsJson> <count> <file>` joins
// <count> idle stock WebsocketProvider clients (with presence) to one room and reports "ready"
// over IPC. Kept out of the measuring process so the crowd's decoding never delays the client
// whose receive time is being taken.
import { connectClient, waitUntil } from './clients.ts';
import type { ServerChild } from './servers.ts';

const [serverUrl, room, paramsJson, countArg, file] = process.argv.slice(2);
const count = Number(countArg);
const server = { kind: 'tandem', wsUrl: serverUrl } as ServerChild;
const clients = Array.from({ length: count }, (_, i) => connectClient(server, { name: room, params: JSON.parse(paramsJson) as Record<string, string> }, `crowd-${i}`, file));
await waitUntil(() => clients.every((c) => c.provider.synced), `${count} crowd clients synced`);
process.send?.('ready');
process.on('disconnect', () => {
  for (const c of clients) c.destroy();
  process.exit(0);
});
