// The `tandem` command (bin: cli/tandem.mjs).
//   tandem share [dir]          a new session from a folder, then the two kept in sync both ways
//   tandem pull <link> [dir]    a session's files written to a folder, once
//   tandem sync <link> [dir]    an existing session and a folder kept in sync both ways
// The session is reached with the HTTP API and a stock y-websocket client, over ws:// or wss://.
import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import type { CreateSessionResponse, SessionInfoResponse } from '../lib/api.ts';
import { identitiesOf, readFiles } from '../lib/schema.ts';
import { FolderRules, scanFolder } from './folderRules.ts';
import { FolderSync, type SyncNote } from './FolderSync.ts';
import { pull, writeSessionFiles } from './pull.ts';
import { apiCall, CliError, parseLink } from './api.ts';

const USAGE = `Usage:
  tandem share [dir] [--server URL] [--title TITLE] [--name NAME]
      Creates a session from the folder (default: the current one), honouring .gitignore and
      skipping binary and large files, prints its edit and view links, then keeps the folder
      and the session in sync both ways until Ctrl+C.
  tandem pull <link> [dir] [--force]
      Writes the session's files into the folder (default: named after the session). Files
      that differ there are left alone unless --force.
  tandem sync <link> [dir] [--force] [--name NAME]
      Writes an existing session's files into the folder (default: the current one), then keeps
      both in sync like share (an edit link; text files only in the folder join the session).

  --server  the Tandem server (default: $TANDEM_URL, else http://localhost:3000)`;

/** The y-websocket client's longest wait between reconnection attempts. */
const MAX_BACKOFF_MS = 5000;
const SYNC_TIMEOUT_MS = 30_000;
/** Sessions are limited by the server (MAX_BODY_BYTES); a share this large is refused up front. */
const MAX_SHARE_BYTES = 12 * 1024 * 1024;

function describe(n: SyncNote): string {
  switch (n.kind) {
    case 'up': return `↑ ${n.path}`;
    case 'down': return `↓ ${n.path}`;
    case 'merged': return `⇅ ${n.path} (changed on both sides: merged)`;
    case 'deleted-up': return `↑ ${n.path} deleted`;
    case 'deleted-down': return `↓ ${n.path} deleted`;
    case 'kept': return `! kept ${n.path}: ${n.why}`;
    case 'skipped': return `- skipped ${n.path}: ${n.why}`;
    case 'error': return `! ${n.message}`;
  }
}

function connectDoc(serverUrl: string, room: string, token: string): { doc: Y.Doc; provider: WebsocketProvider } {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(serverUrl, room, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: MAX_BACKOFF_MS,
  });
  return { doc, provider };
}

function synced(provider: WebsocketProvider): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new CliError('the session did not answer in time')), SYNC_TIMEOUT_MS);
    provider.once('sync', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function share(dirArg: string | undefined, server: string, title: string | undefined, name: string): Promise<number> {
  const root = resolve(dirArg ?? '.');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new CliError(`${root} is not a folder`);
  const rules = new FolderRules(root);
  const scan = scanFolder(root, rules);
  if (scan.bytes > MAX_SHARE_BYTES) throw new CliError(`the folder's text files come to ${(scan.bytes / 1048576).toFixed(1)} MiB; a session holds up to ${MAX_SHARE_BYTES / 1048576} MiB (add the rest to .gitignore)`);
  const session = await apiCall<CreateSessionResponse>(server, '/api/sessions', { method: 'POST', body: { title: title ?? basename(root), files: scan.files } });
  const left = [scan.binary.length && `${scan.binary.length} binary`, scan.large.length && `${scan.large.length} too large`, scan.ignored && `${scan.ignored} ignored`].filter(Boolean);
  console.log(`Shared ${Object.keys(scan.files).length} files from ${root}${left.length ? ` (skipped ${left.join(', ')})` : ''}`);
  for (const path of [...scan.binary, ...scan.large].slice(0, 10)) console.log(`  - skipped ${path}`);
  console.log(`Edit link: ${session.editUrl}`);
  console.log(`View link: ${session.viewUrl}`);

  const { doc, provider } = connectDoc(session.collab.serverUrl, session.collab.room, session.collab.editParams.token);
  await synced(provider);
  return keepInSync(root, rules, doc, provider, scan.files, name);
}

/**
 * `tandem sync <link> [dir]`: an existing session kept in sync with a folder, as share does
 * after it creates one. The session's files are written first (a differing file there is left
 * alone unless `force`); text files only in the folder join the session.
 */
async function syncLink(link: string, dirArg: string | undefined, force: boolean, name: string): Promise<number> {
  const { server, id, token } = parseLink(link);
  const info = await apiCall<SessionInfoResponse>(server, `/api/sessions/${encodeURIComponent(id)}`, { token });
  if (info.role !== 'edit') throw new CliError('that is a view link: it can only pull (tandem pull); syncing needs an edit link');
  const root = resolve(dirArg ?? '.');
  const { doc, provider } = connectDoc(info.collab.serverUrl, info.collab.room, info.collab.params.token);
  // What was written is what both sides agree on; later session edits are synced as changes.
  let written: Record<string, string>;
  try {
    await synced(provider);
    written = readFiles(doc);
    await mkdir(root, { recursive: true });
    await writeSessionFiles(root, written, force);
    console.log(`Synced “${info.title}”: ${Object.keys(written).length} files in ${root}`);
  } catch (err) {
    provider.destroy();
    throw err;
  }
  const rules = new FolderRules(root);
  // Text files only in the folder join the session.
  const local = Object.keys(scanFolder(root, rules).files);
  return keepInSync(root, rules, doc, provider, written, name, local);
}

/** Keeps `root` and the session in step until Ctrl+C; `agreed` are the files known the same on both. */
async function keepInSync(root: string, rules: FolderRules, doc: Y.Doc, provider: WebsocketProvider, agreed: Record<string, string>, name: string, local: string[] = []): Promise<number> {
  // Who writes with this clientID (authorship), and a presence the people in the session see.
  const color = '#94a3b8';
  doc.transact(() => identitiesOf(doc).set(String(doc.clientID), { kind: 'human', name, color }));
  provider.awareness.setLocalStateField('user', { name, color });
  const sync = new FolderSync(root, doc, rules, (n) => (n.kind === 'error' || n.kind === 'kept' ? console.error : console.log)(describe(n)));
  sync.adopt(agreed);
  await sync.start(local);
  let online = true;
  provider.on('status', ({ status }: { status: string }) => {
    if (status === 'connected' && !online) console.log('Reconnected: changes made meanwhile are being synced.');
    if (status === 'disconnected' && online) console.error('! Connection lost: changes are kept and will sync when it is back.');
    online = status === 'connected';
  });
  console.log(`Syncing ${root} with the session (Ctrl+C to stop).`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void sync.stop().then(() => {
        provider.destroy();
        doc.destroy();
        console.log('Stopped syncing.');
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        server: { type: 'string' },
        title: { type: 'string' },
        name: { type: 'string' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`tandem: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const server = (values.server ?? process.env.TANDEM_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  try {
    if (command === 'share' && rest.length <= 1) return await share(rest[0], server, values.title, values.name ?? `${userInfo().username}'s folder`);
    if (command === 'pull' && rest.length >= 1 && rest.length <= 2) return await pull(rest[0], rest[1], values.force ?? false);
    if (command === 'sync' && rest.length >= 1 && rest.length <= 2) return await syncLink(rest[0], rest[1], values.force ?? false, values.name ?? `${userInfo().username}'s folder`);
    console.error(`tandem: unknown command or arguments: ${positionals.join(' ')}\n\n${USAGE}`);
    return 2;
  } catch (err) {
    console.error(`tandem: ${err instanceof CliError ? err.message : (err as Error).stack}`);
    return 1;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
