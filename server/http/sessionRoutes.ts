// Session endpoints: create (seeded server-side), info, files, zip. Bodies are validated here
// with zod, once; everything past this file trusts its types.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as Y from 'yjs';
import { z } from 'zod';
import { strToU8, zipSync } from 'fflate';
import type { CreateSessionResponse, FilesResponse, SessionInfoResponse, SessionLinksResponse } from '../../lib/api.ts';
import { COLLAB_PREFIX } from '../../lib/protocol.ts';
import { normalisePath, readFiles, seedDocument, type Role } from '../../lib/schema.ts';
import { authorize } from '../access/authorize.ts';
import { newSessionId, signToken } from '../access/tokens.ts';
import type { Config } from '../config.ts';
import type { RoomManager } from '../collab/RoomManager.ts';
import type { PredictionService } from '../ai/predict/PredictionService.ts';
import type { AiService } from '../ai/AiService.ts';
import type { ReadinessReport } from '../ops/readiness.ts';
import type { Cluster } from '../cluster/Cluster.ts';
import { clientAddress } from '../cluster/forward.ts';
import type { Storage } from '../storage/Storage.ts';
import type { History } from '../history/History.ts';
import type { RoomHistory } from '../history/roomHistory.ts';
import { originsOf } from './origin.ts';
import { HttpError, bearerToken, readJsonBody, sendJson } from './respond.ts';
import { log } from '../log.ts';
import type { RateLimiter } from '../access/rateLimit.ts';

export interface ApiDeps {
  config: Config;
  storage: Storage;
  rooms: RoomManager;
  /** The AI control plane (absent in servers built without it). */
  ai?: AiService;
  /** Edit predictions (absent when TANDEM_PREDICT_MODEL is not set). */
  predictions?: PredictionService | null;
  /** Sessions created per remote address (SESSIONS_PER_ADDRESS_PER_MINUTE). */
  sessionCreations: RateLimiter;
  /** Whether this node can serve now (`GET /api/ready`); absent: always ready. */
  readiness?: () => Promise<ReadinessReport>;
  /** Version history (absent in servers built without it). */
  history?: { history: History; rooms: RoomHistory; writes: RateLimiter };
  /** With several nodes: AI and review calls go to the node that holds the session. */
  cluster?: Promise<Cluster | null>;
}

const MAX_FILES = 2000;
const MAX_FILE_CHARS = 2 * 1024 * 1024;
const DEFAULT_TITLE = 'Untitled session';
/** Origin of the server's seed write (lib/schema.ts seedDocument). */
const SEED_ORIGIN = { kind: 'server-seed' } as const;

const CreateSessionBody = z
  .object({
    title: z.string().trim().max(200, 'title must be at most 200 characters').optional(),
    files: z
      .record(z.string(), z.string().max(MAX_FILE_CHARS, `a file may hold at most ${MAX_FILE_CHARS} characters`))
      .refine((files) => Object.keys(files).length <= MAX_FILES, `at most ${MAX_FILES} files`)
      .optional(),
  })
  .optional();

function collabUrl(wsOrigin: string): string {
  return wsOrigin + COLLAB_PREFIX.replace(/\/$/, '');
}

export async function createSession(req: IncomingMessage, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const address = clientAddress(req, deps.config.secret);
  const allowed = deps.sessionCreations.check(address);
  if (!allowed.ok) {
    throw new HttpError('rate_limited', `this address created ${deps.config.limits.sessionsPerAddressPerMinute} sessions in the last minute; try again in ${Math.ceil(allowed.retryAfterMs / 1000)} s`, allowed.retryAfterMs);
  }
  deps.sessionCreations.record(address);
  const parsed = CreateSessionBody.safeParse(await readJsonBody(req, deps.config.limits.maxBodyBytes));
  if (!parsed.success) throw new HttpError('invalid_body', z.prettifyError(parsed.error));
  const title = parsed.data?.title || DEFAULT_TITLE;
  const files: Record<string, string> = {};
  for (const [raw, content] of Object.entries(parsed.data?.files ?? {})) {
    const path = normalisePath(raw);
    if (!path) throw new HttpError('invalid_path', `not a valid workspace path: ${JSON.stringify(raw.slice(0, 600))}`);
    if (path in files) throw new HttpError('duplicate_path', `two files normalise to ${JSON.stringify(path)}`);
    files[path] = content;
  }

  const doc = new Y.Doc();
  let state: Uint8Array;
  try {
    seedDocument(doc, title, files, SEED_ORIGIN);
    state = Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
  if (state.byteLength > deps.config.limits.maxDocBytes) {
    throw new HttpError('document_too_large', `the seeded workspace exceeds ${deps.config.limits.maxDocBytes} bytes`);
  }
  const id = newSessionId();
  await deps.storage.createSession({ id, title, createdAt: Date.now() }, state);

  const origins = originsOf(req, deps.config.publicUrl);
  const editToken = signToken(deps.config.secret, id, 'edit');
  const viewToken = signToken(deps.config.secret, id, 'view');
  const body: CreateSessionResponse = {
    id,
    title,
    editUrl: `${origins.http}/s/${id}#token=${editToken}`,
    viewUrl: `${origins.http}/s/${id}#token=${viewToken}`,
    collab: {
      serverUrl: collabUrl(origins.ws),
      room: id,
      editParams: { token: editToken },
      viewParams: { token: viewToken },
    },
  };
  log.info('session.created', { room: id, files: Object.keys(files).length, bytes: state.byteLength });
  sendJson(res, 201, body);
}

/** authorize() for the HTTP routes: a refusal is thrown as its HTTP error. */
export async function requireAccess(deps: ApiDeps, id: string, token: string | null) {
  const result = await authorize(deps.storage, deps.config.secret, id, token);
  if (!result.ok) throw new HttpError(result.code, result.message);
  return result;
}

export async function sessionInfo(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string): Promise<void> {
  const token = bearerToken(req);
  const { role, session } = await requireAccess(deps, id, token);
  const origins = originsOf(req, deps.config.publicUrl);
  const body: SessionInfoResponse = {
    id,
    title: session.title,
    role: role satisfies Role,
    collab: { serverUrl: collabUrl(origins.ws), room: id, params: { token: token as string } },
  };
  sendJson(res, 200, body);
}

export async function sessionFiles(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string): Promise<void> {
  await requireAccess(deps, id, bearerToken(req));
  const body: FilesResponse = { files: await deps.rooms.withDoc(id, readFiles) };
  sendJson(res, 200, body);
}

/** Both share links, for people holding the edit link (a view link must not lead to an edit link). */
export async function sessionLinks(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string): Promise<void> {
  const { role } = await requireAccess(deps, id, bearerToken(req));
  if (role !== 'edit') throw new HttpError('read_only', 'only editors can see the share links; ask an editor for them');
  const origins = originsOf(req, deps.config.publicUrl);
  const body: SessionLinksResponse = {
    editUrl: `${origins.http}/s/${id}#token=${signToken(deps.config.secret, id, 'edit')}`,
    viewUrl: `${origins.http}/s/${id}#token=${signToken(deps.config.secret, id, 'view')}`,
  };
  sendJson(res, 200, body);
}

/** A zip of the workspace; the token may come in `?token=` so a plain link can download it. */
export async function sessionZip(
  req: IncomingMessage,
  res: ServerResponse,
  deps: ApiDeps,
  id: string,
  query: URLSearchParams,
): Promise<void> {
  const { session } = await requireAccess(deps, id, bearerToken(req) ?? query.get('token'));
  const files = await deps.rooms.withDoc(id, readFiles);
  const entries: Record<string, Uint8Array> = {};
  for (const [path, content] of Object.entries(files)) entries[path] = strToU8(content);
  const zip = zipSync(entries, { level: 6 });
  const name = session.title.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'tandem';
  res.writeHead(200, {
    'Content-Type': 'application/zip',
    'Content-Length': zip.byteLength,
    'Content-Disposition': `attachment; filename="${name}.zip"`,
    'Cache-Control': 'no-store',
  });
  res.end(zip);
}
