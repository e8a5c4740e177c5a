// Version history: list a session's checkpoints, read one with its files, save one with a name,
// and restore one file or the whole session from one, as a new edit by the person restoring
// (server/history/restoreAs.ts) after a checkpoint of the files as they were. Any link may
// read; saving and restoring need an edit link.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { RestoreCheckpointBody, SaveCheckpointBody, type CheckpointListResponse, type RestoreCheckpointResponse } from '../../lib/api.ts';
import { filesOf, normalisePath, readFiles } from '../../lib/schema.ts';
import { restoreAs } from '../history/restoreAs.ts';
import { requireAccess, type ApiDeps } from './sessionRoutes.ts';
import { HttpError, bearerToken, readJsonBody, sendJson } from './respond.ts';
import { log } from '../log.ts';

const MAX_HISTORY_BODY_BYTES = 8 * 1024;

function historyOf(deps: ApiDeps) {
  if (!deps.history) throw new HttpError('not_found', 'this server keeps no history');
  return deps.history;
}

export async function listCheckpoints(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string): Promise<void> {
  await requireAccess(deps, id, bearerToken(req));
  const body: CheckpointListResponse = { checkpoints: await historyOf(deps).history.list(id) };
  sendJson(res, 200, body);
}

export async function getCheckpoint(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string, cid: string): Promise<void> {
  await requireAccess(deps, id, bearerToken(req));
  const found = await historyOf(deps).history.get(id, cid);
  if (!found) throw new HttpError('not_found', 'no such checkpoint in this session');
  sendJson(res, 200, found);
}

/** Saves and restores of one session per minute: each reads, compresses and stores every file. */
export const HISTORY_WRITES_PER_MINUTE = 30;

async function editor(req: IncomingMessage, deps: ApiDeps, id: string): Promise<void> {
  const { role } = await requireAccess(deps, id, bearerToken(req));
  if (role !== 'edit') throw new HttpError('read_only', 'viewers cannot save or restore checkpoints; use an edit link');
  const { writes } = historyOf(deps);
  const allowed = writes.check(id);
  if (!allowed.ok) throw new HttpError('rate_limited', `this session saved or restored ${HISTORY_WRITES_PER_MINUTE} checkpoints in the last minute; try again in ${Math.ceil(allowed.retryAfterMs / 1000)} s`, allowed.retryAfterMs);
  writes.record(id);
}

export async function saveCheckpoint(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string): Promise<void> {
  await editor(req, deps, id);
  const parsed = SaveCheckpointBody.safeParse(await readJsonBody(req, MAX_HISTORY_BODY_BYTES));
  if (!parsed.success) throw new HttpError('invalid_body', z.prettifyError(parsed.error));
  const { name, by, kind } = parsed.data;
  const checkpoint = await historyOf(deps).rooms.take(id, { kind: kind ?? 'manual', label: name, by: [by?.name ?? 'an editor'] }, () => deps.rooms.withDoc(id, readFiles));
  sendJson(res, 201, { checkpoint });
}

export async function restoreCheckpoint(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string, cid: string): Promise<void> {
  await editor(req, deps, id);
  const parsed = RestoreCheckpointBody.safeParse(await readJsonBody(req, MAX_HISTORY_BODY_BYTES));
  if (!parsed.success) throw new HttpError('invalid_body', z.prettifyError(parsed.error));
  const by = parsed.data?.by?.name ?? 'an editor';
  let only: string[] | null = null;
  if (parsed.data?.file !== undefined) {
    const path = normalisePath(parsed.data.file);
    if (!path) throw new HttpError('invalid_path', 'file is not a valid workspace path');
    only = [path];
  }
  const { history, rooms } = historyOf(deps);
  const found = await history.get(id, cid);
  if (!found) throw new HttpError('not_found', 'no such checkpoint in this session');
  const held = await deps.rooms.hold(id);
  try {
    if (only && !Object.hasOwn(found.files, only[0]) && !filesOf(held.room.doc).has(only[0])) {
      throw new HttpError('unknown_file', 'neither the checkpoint nor the session has that file');
    }
    const grows = (only ?? Object.keys(found.files)).reduce((sum, path) => sum + (found.files[path]?.length ?? 0), 0);
    if (held.room.storedBytes + grows > deps.rooms.maxDocBytes) throw new HttpError('document_too_large', 'restoring would make the session larger than this server allows');
    const label = `Before restoring ${only ? only[0] : 'everything'} from “${found.checkpoint.label}”`;
    const before = await rooms.take(id, { kind: 'before-restore', label, by: [by] }, async () => readFiles(held.room.doc));
    const restored = restoreAs(held.room.doc, found.files, only, by);
    log.info('history.restored', { room: id, checkpoint: cid, files: restored.length });
    const body: RestoreCheckpointResponse = { restored, before };
    sendJson(res, 200, body);
  } finally {
    held.release();
  }
}
