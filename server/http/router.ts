// Router of the HTTP API under /api/. Unknown routes and methods get JSON errors, and every
// thrown HttpError becomes its status; anything else is logged and answered with 500.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, sendError, sendJson } from './respond.ts';
import { aiRun, aiStatus, askAi, cancelAi, redirectAi } from './aiRoutes.ts';
import { predict } from './predictRoute.ts';
import { review } from './reviewRoutes.ts';
import { getCheckpoint, listCheckpoints, restoreCheckpoint, saveCheckpoint } from './historyRoutes.ts';
import { createSession, sessionFiles, sessionInfo, sessionLinks, sessionZip, type ApiDeps } from './sessionRoutes.ts';
import { log } from '../log.ts';
import { forwardedToOwner } from './ownerForwarding.ts';

export const API_PREFIX = '/api/';

const SESSION_ROUTE = /^\/api\/sessions\/([^/]+)(?:\/(files|zip|links))?\/?$/;
const REVIEW_ROUTE = /^\/api\/sessions\/([^/]+)\/review\/?$/;
const PREDICT_ROUTE = /^\/api\/sessions\/([^/]+)\/predict\/?$/;
const CHECKPOINT_ROUTE = /^\/api\/sessions\/([^/]+)\/checkpoints(?:\/([A-Za-z0-9_-]{1,64})(?:\/(restore))?)?\/?$/;
const AI_ROUTE = /^\/api\/sessions\/([^/]+)\/ai(?:\/([A-Za-z0-9_-]{1,64})(?:\/(cancel|redirect))?)?\/?$/;

export function createApiHandler(deps: ApiDeps) {
  return async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    try {
      await route(method, url, req, res, deps);
    } catch (err) {
      if (err instanceof HttpError) {
        sendError(res, err.code, err.message, err.retryAfterMs);
      } else {
        log.error('api.failed', err, { method, path: url.pathname.replace(/[^/]{20,}/g, ':id') });
        sendError(res, 'internal', 'internal error');
      }
    }
  };
}

function allow(method: string, allowed: string): void {
  if (method !== allowed && !(allowed === 'GET' && method === 'HEAD')) {
    throw new HttpError('method_not_allowed', `use ${allowed}`);
  }
}

async function route(method: string, url: URL, req: IncomingMessage, res: ServerResponse, deps: ApiDeps): Promise<void> {
  const path = url.pathname;
  if (path === '/api/health') {
    allow(method, 'GET');
    return sendJson(res, 200, { ok: true });
  }
  if (path === '/api/ready') {
    allow(method, 'GET');
    const report = deps.readiness ? await deps.readiness() : { ready: true, checks: {} };
    return sendJson(res, report.ready ? 200 : 503, report, { 'Cache-Control': 'no-store' });
  }
  if (path === '/api/sessions' || path === '/api/sessions/') {
    allow(method, 'POST');
    return createSession(req, res, deps);
  }
  const reviewMatch = REVIEW_ROUTE.exec(path);
  if (reviewMatch) {
    allow(method, 'POST');
    if (await forwardedToOwner(req, res, deps, reviewMatch[1])) return;
    return review(req, res, deps, reviewMatch[1]);
  }
  const predictMatch = PREDICT_ROUTE.exec(path);
  if (predictMatch) {
    allow(method, 'POST');
    if (await forwardedToOwner(req, res, deps, predictMatch[1])) return;
    return predict(req, res, deps, predictMatch[1]);
  }
  const checkpoint = CHECKPOINT_ROUTE.exec(path);
  if (checkpoint) {
    const [, id, cid, action] = checkpoint;
    if (!cid) {
      if (method === 'POST') {
        if (await forwardedToOwner(req, res, deps, id)) return;
        return saveCheckpoint(req, res, deps, id);
      }
      allow(method, 'GET');
      return listCheckpoints(req, res, deps, id);
    }
    if (action) {
      allow(method, 'POST');
      if (await forwardedToOwner(req, res, deps, id)) return;
      return restoreCheckpoint(req, res, deps, id, cid);
    }
    allow(method, 'GET');
    return getCheckpoint(req, res, deps, id, cid);
  }
  const ai = AI_ROUTE.exec(path);
  if (ai) {
    const [, id, runId, action] = ai;
    if (await forwardedToOwner(req, res, deps, id)) return;
    if (!runId) {
      if (method === 'POST') return askAi(req, res, deps, id);
      allow(method, 'GET');
      return aiStatus(req, res, deps, id);
    }
    if (action) {
      allow(method, 'POST');
      return action === 'cancel' ? cancelAi(req, res, deps, id, runId) : redirectAi(req, res, deps, id, runId);
    }
    allow(method, 'GET');
    return aiRun(req, res, deps, id, runId);
  }
  const match = SESSION_ROUTE.exec(path);
  if (match) {
    allow(method, 'GET');
    const [, id, sub] = match;
    if (sub === 'files') return sessionFiles(req, res, deps, id);
    if (sub === 'links') return sessionLinks(req, res, deps, id);
    if (sub === 'zip') return sessionZip(req, res, deps, id, url.searchParams);
    return sessionInfo(req, res, deps, id);
  }
  throw new HttpError('not_found', 'no such endpoint');
}
