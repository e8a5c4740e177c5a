// One access decision shared by the HTTP API and the WebSocket upgrade: session id grammar,
// token presence, token genuineness, session existence, in that order, each with its own status.
import { isSessionId } from '../../lib/protocol.ts';
import type { Role } from '../../lib/schema.ts';
import type { SessionRow, Storage } from '../storage/Storage.ts';
import { verifyToken } from './tokens.ts';

export type AccessResult =
  | { ok: true; role: Role; session: SessionRow }
  | { ok: false; status: 400 | 401 | 403 | 404; code: string; message: string };

export async function authorize(
  storage: Storage,
  secret: Buffer,
  sessionId: string,
  token: string | null | undefined,
): Promise<AccessResult> {
  if (!isSessionId(sessionId)) {
    return { ok: false, status: 400, code: 'bad_session_id', message: 'malformed session id' };
  }
  if (!token) return { ok: false, status: 401, code: 'missing_token', message: 'a session token is required' };
  const role = verifyToken(secret, sessionId, token);
  if (!role) return { ok: false, status: 403, code: 'forbidden', message: 'the token is not valid for this session' };
  // Checked after the token: a genuine token for a missing session is the only way to learn
  // that a session does not exist, so ids cannot be probed without the secret.
  const session = await storage.getSession(sessionId);
  if (!session) return { ok: false, status: 404, code: 'not_found', message: 'no such session' };
  return { ok: true, role, session };
}
