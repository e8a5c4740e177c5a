// One access decision shared by the HTTP API and the WebSocket upgrade: session id grammar,
// token presence, token genuineness, session existence, in that order, each with its own status.
import { isSessionId } from '../../lib/protocol.ts';
import type { Role } from '../../lib/schema.ts';
import type { SessionRow, Storage } from '../storage/Storage.ts';
import { verifyToken } from './tokens.ts';
import { statusOf } from '../http/errorStatus.ts';

export type AccessResult =
  | { ok: true; role: Role; session: SessionRow }
  | { ok: false; status: number; code: AccessErrorCode; message: string };

export type AccessErrorCode = 'bad_session_id' | 'missing_token' | 'forbidden' | 'not_found';

function refuse(code: AccessErrorCode, message: string): AccessResult {
  return { ok: false, status: statusOf(code), code, message };
}

export async function authorize(
  storage: Storage,
  secret: Buffer,
  sessionId: string,
  token: string | null | undefined,
): Promise<AccessResult> {
  if (!isSessionId(sessionId)) {
    return refuse('bad_session_id', 'malformed session id');
  }
  if (!token) return refuse('missing_token', 'a session token is required');
  const role = verifyToken(secret, sessionId, token);
  if (!role) return refuse('forbidden', 'the token is not valid for this session');
  // Checked after the token: a genuine token for a missing session is the only way to learn
  // that a session does not exist, so ids cannot be probed without the secret.
  const session = await storage.getSession(sessionId);
  if (!session) return refuse('not_found', 'no such session');
  return { ok: true, role, session };
}
