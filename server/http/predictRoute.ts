// `POST /api/sessions/<id>/predict`: the predicted next edit at a person's cursor (edit token;
// viewers get none). Nothing is written: the person's editor shows it and, if they accept it,
// writes it as their own edit.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as Y from 'yjs';
import { z } from 'zod';
import { PredictBody } from '../../lib/api.ts';
import { normalisePath } from '../../lib/schema.ts';
import { predictAnswer } from '../ai/predict/predictAnswer.ts';
import { StageClock } from '../ai/predict/stageClock.ts';
import { whoAsks } from './aiRoutes.ts';
import { AiError } from '../ai/aiError.ts';
import { requireAccess, type ApiDeps } from './sessionRoutes.ts';
import { HttpError, bearerToken, readJsonBody, sendError, sendJson } from './respond.ts';

const MAX_PREDICT_BODY_BYTES = 4 * 1024;
/** How long a prediction waits for the keystroke it is about to arrive over the WebSocket. */
const CATCH_UP_MS = 250;

export async function predict(req: IncomingMessage, res: ServerResponse, deps: ApiDeps, id: string): Promise<void> {
  const clock = new StageClock();
  const access = await requireAccess(deps, id, bearerToken(req));
  if (access.role !== 'edit') throw new HttpError('read_only', 'viewers get no edit predictions; use an edit link');
  if (!deps.predictions) throw new HttpError('ai_unavailable', 'edit predictions are off on this server (TANDEM_PREDICT_MODEL is not set)');
  const parsed = PredictBody.safeParse(await readJsonBody(req, MAX_PREDICT_BODY_BYTES));
  if (!parsed.success) throw new HttpError('invalid_body', z.prettifyError(parsed.error));
  const body = parsed.data;
  clock.mark('request');
  const path = normalisePath(body.file);
  if (!path) throw new HttpError('invalid_path', 'file is not a valid workspace path');
  const { personKey } = whoAsks(req, deps, id, body.requestedBy);
  const cursor = body.cursor;
  if (body.stateVector) {
    let vector: Map<number, number>;
    try {
      vector = Y.decodeStateVector(Buffer.from(body.stateVector, 'base64'));
    } catch {
      throw new HttpError('invalid_body', 'stateVector is not a Yjs state vector');
    }
    // The page's keystroke travels by WebSocket; this request may have overtaken it.
    await deps.rooms.caughtUp(id, vector, CATCH_UP_MS);
    clock.mark('catchup');
  }
  try {
    const answer = await predictAnswer(deps.predictions, id, personKey, path, cursor, clock.mark);
    sendJson(res, 200, answer, { 'Cache-Control': 'no-store', 'Server-Timing': clock.header() });
  } catch (err) {
    if (err instanceof AiError) return sendError(res, err.code, err.message, err.retryAfterMs);
    throw err;
  }
}
