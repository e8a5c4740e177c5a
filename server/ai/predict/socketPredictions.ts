// Edit predictions asked on the collab WebSocket (lib/protocol.ts MESSAGE.predict): the page's
// fastest path. The request travels with the keystroke's update on the same socket (it names the
// page's clock, and the update follows right behind), and no HTTP request is made on either side. The person is
// the socket (the same key the HTTP route gives a request that names the socket's client), so
// superseding, rate limits and the typed-through memo are shared by both transports. Every
// answer echoes the page's id; a bad request is answered with an error and changes nothing.
import { z } from 'zod';
import * as encoding from 'lib0/encoding';
import { PredictFrame, type PredictFrameAnswer } from '../../../lib/api.ts';
import { MESSAGE } from '../../../lib/protocol.ts';
import { normalisePath } from '../../../lib/schema.ts';
import type { Connection, PeerRequestHandler } from '../../collab/Connection.ts';
import { log } from '../../log.ts';
import { AiError } from '../aiError.ts';
import type { PredictionService } from './PredictionService.ts';
import { predictAnswer } from './predictAnswer.ts';
import { StageClock } from './stageClock.ts';

function send(peer: Connection, answer: PredictFrameAnswer): void {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE.predict);
  encoding.writeVarString(encoder, JSON.stringify(answer));
  peer.send(encoding.toUint8Array(encoder));
}

/** The same key `RoomManager.requester` gives an HTTP request made for this socket's client. */
export const socketPersonKey = (peer: Connection): string => `conn${peer.id}`;

/** How long a request waits for the update it names (it is right behind, unless the page lied). */
const CATCH_UP_MS = 250;

type CaughtUp = (sessionId: string, stateVector: Map<number, number>, timeoutMs: number) => Promise<boolean>;

export function socketPredictions(predictions: PredictionService | null, caughtUp: CaughtUp): PeerRequestHandler {
  return (peer, payload) => {
    let json: unknown;
    try {
      json = JSON.parse(payload);
    } catch {
      return send(peer, { id: null, error: { code: 'invalid_body', message: 'the prediction request is not JSON' } });
    }
    const idOf = (json as { id?: unknown } | null)?.id;
    const id = typeof idOf === 'number' && Number.isInteger(idOf) ? idOf : null;
    const fail = (code: string, message: string, retryAfterMs?: number) => send(peer, { id, error: { code, message }, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    const parsed = PredictFrame.safeParse(json);
    if (!parsed.success) return fail('invalid_body', z.prettifyError(parsed.error));
    if (peer.role !== 'edit') return fail('read_only', 'viewers get no edit predictions; use an edit link');
    if (!predictions) return fail('ai_unavailable', 'edit predictions are off on this server (TANDEM_PREDICT_MODEL is not set)');
    const request = parsed.data;
    if ('cancel' in request) return predictions.cancel(peer.sessionId, socketPersonKey(peer));
    const path = normalisePath(request.file);
    if (!path) return fail('invalid_path', 'file is not a valid workspace path');
    const clock = new StageClock();
    // The page asks before its editor's change listeners send the keystroke's update, which
    // follows on this socket at once: wait for it (bounded), then predict.
    const seen = request.seen ? caughtUp(peer.sessionId, new Map([[request.seen.client, request.seen.clock]]), CATCH_UP_MS) : Promise.resolve(true);
    seen
      .then(() => {
        clock.mark('catchup');
        return predictAnswer(predictions, peer.sessionId, socketPersonKey(peer), path, request.cursor, clock.mark);
      })
      .then(
      (answer) => send(peer, { id: request.id, ...answer, timing: clock.header() }),
      (err: unknown) => {
        if (err instanceof AiError) return fail(err.code, err.message, err.retryAfterMs);
        log.error('predict.failed', err, { conn: peer.id, room: peer.sessionId });
        fail('internal', 'the prediction failed');
      },
    );
  };
}
