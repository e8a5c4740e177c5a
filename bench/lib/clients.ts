// Stock y-websocket clients in Node, the way an integration would join: WebsocketProvider with
// the `ws` polyfill. Sessions on Tandem are created through its HTTP API; on the reference
// server a room is just a name.
import * as Y from 'yjs';
import type { CreateSessionResponse } from '../../lib/api.ts';
import { connectProvider, type Client } from '../../testing/nodeProvider.ts';
import { pollUntil } from '../../testing/poll.ts';
import type { ServerChild } from './servers.ts';

export interface Room {
  /** Room name as WebsocketProvider takes it. */
  name: string;
  params: Record<string, string>;
}

export type BenchClient = Client;

export const BENCH_FILE = 'bench.txt';

// Every WebsocketProvider in Node adds a process 'exit' listener; hundreds are expected here.
process.setMaxListeners(0);

/** A Tandem session seeded with one empty file, or a fresh room name on the reference. */
export async function openRoom(server: ServerChild, label: string): Promise<Room> {
  if (server.kind === 'reference') {
    return { name: `${label}-${Math.random().toString(36).slice(2)}`, params: {} };
  }
  const res = await fetch(`${server.httpUrl}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: label, files: { [BENCH_FILE]: '' } }),
  });
  if (res.status !== 201) throw new Error(`POST /api/sessions → ${res.status} ${await res.text()}`);
  const session = (await res.json()) as CreateSessionResponse;
  return { name: session.collab.room, params: session.collab.editParams };
}

export function connectClient(server: ServerChild, room: Room, name: string, file = BENCH_FILE): BenchClient {
  const client = connectProvider(server.wsUrl, room.name, room.params);
  // Presence like a person's: name, colour, role, the file they look at.
  client.provider.awareness.setLocalState({
    user: { name, color: '#38bdf8', colorLight: '#38bdf833' },
    role: 'edit',
    kind: 'human',
    file,
  });
  return client;
}

export function waitUntil(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  return pollUntil(check, what, timeoutMs, 5);
}

export function benchText(client: BenchClient): Y.Text | undefined {
  return client.doc.getMap<Y.Text>('files').get(BENCH_FILE);
}

/**
 * Connects `count` clients to a room, all synced and all holding the bench file. On the
 * reference server the first client creates the file (Tandem seeds it server-side).
 */
export async function joinRoom(server: ServerChild, room: Room, count: number, label: string): Promise<BenchClient[]> {
  const first = connectClient(server, room, `${label}-0`);
  await waitUntil(() => first.provider.synced, 'first client sync');
  if (server.kind === 'reference' && !benchText(first)) {
    first.doc.transact(() => first.doc.getMap<Y.Text>('files').set(BENCH_FILE, new Y.Text()), 'bench-setup');
  }
  const clients = [first];
  for (let i = 1; i < count; i++) clients.push(connectClient(server, room, `${label}-${i}`));
  await waitUntil(() => clients.every((c) => c.provider.synced && benchText(c) !== undefined), `${count} clients synced`);
  return clients;
}
