// Review of AI hunks (control plane): keep / reject one hunk, all of a run or of a file, and
// undo, applied by the server on the room document with origin {kind:'review', action, by}.
// Edit tokens only. The state lives in the document (hunk `review`, reviewLog), so everyone
// sees it, and it survives restarts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ReviewBody } from '../../lib/api.ts';
import { reviewOrigin } from '../../lib/origins.ts';
import { normalisePath } from '../../lib/schema.ts';
import { applyReview, ReviewError, type ReviewRequest } from '../../lib/review/index.ts';
import { requireAccess, type ApiDeps } from './sessionRoutes.ts';
import { HttpError, bearerToken, readJsonBody, sendJson } from './respond.ts';
import { log } from '../log.ts';

const MAX_REVIEW_BODY_BYTES = 32 * 1024;


export async function review(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string): Promise<void> {
  const access = await requireAccess(deps, id, bearerToken(req));
  if (access.role !== 'edit') throw new HttpError('read_only', 'viewers cannot keep or reject AI changes; use an edit link');
  const parsed = ReviewBody.safeParse(await readJsonBody(req, MAX_REVIEW_BODY_BYTES));
  if (!parsed.success) throw new HttpError('invalid_body', z.prettifyError(parsed.error));
  const body = parsed.data;
  let request: ReviewRequest;
  if (body.action === 'undo') {
    request = { action: 'undo', ...(body.entryId ? { entryId: body.entryId } : {}) };
  } else {
    let file: string | undefined;
    if (body.file !== undefined) {
      const path = normalisePath(body.file);
      if (!path) throw new HttpError('invalid_path', 'file is not a valid workspace path');
      file = path;
    }
    if (!body.hunkIds && body.runId === undefined && file === undefined) {
      throw new HttpError('invalid_body', 'name hunkIds, a runId or a file');
    }
    request = { action: body.action, ...(body.hunkIds ? { hunkIds: body.hunkIds } : {}), ...(body.runId ? { runId: body.runId } : {}), ...(file ? { file } : {}) };
  }
  const by = body.by ?? { name: 'an editor' };
  const held = await deps.rooms.hold(id);
  try {
    const result = applyReview(held.room.doc, request, by, reviewOrigin(body.action, by.name));
    log.info('review.applied', { room: id, action: body.action, entry: result.entry.id, hunks: result.hunks.length });
    sendJson(res, 200, result);
  } catch (err) {
    if (err instanceof ReviewError) throw new HttpError(err.code, err.message);
    throw err;
  } finally {
    held.release();
  }
}
