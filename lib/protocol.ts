// Wire-level constants shared by the browser and the server.

/** WebSocket endpoint prefix; the room name (session id) follows: `/collab/<sessionId>`. */
export const COLLAB_PREFIX = '/collab/';

/** y-websocket message types (the first varUint of every frame). */
export const MESSAGE = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /**
   * Tandem's own: an edit prediction asked on the collab socket (lib/api.ts PredictFrame, a JSON
   * string) and its answer (PredictFrameAnswer). Behind the keystroke's update on the same socket,
   * so the server predicts against it without waiting; stock clients never send it, and the
   * server answers only what was asked.
   */
  predict: 8,
} as const;

/**
 * Close codes sent by the server on an open connection. Refusals before the upgrade use HTTP
 * statuses instead (400 bad session id, 401 missing token, 403 forged or wrong token,
 * 404 unknown session, 503 server full).
 */
export const CLOSE = {
  /** The frame is larger than the server accepts (standard code). */
  messageTooBig: { code: 1009, reason: 'message too big' },
  /** The frame could not be decoded as a y-websocket message. */
  malformedFrame: { code: 4400, reason: 'malformed frame' },
  /** The document would grow past the configured maximum. */
  documentTooLarge: { code: 4413, reason: 'document too large' },
  /** The peer stopped answering pings. */
  timeout: { code: 4408, reason: 'ping timeout' },
  /** The server is shutting down or unloading the room. */
  goingAway: { code: 1001, reason: 'server going away' },
  /** The session moved to another node (cluster lease lost or owner gone): connect again. */
  reconnect: { code: 1012, reason: 'reconnect' },
  /** Internal error while handling the frame. */
  internal: { code: 1011, reason: 'internal error' },
  /** An update that depends on changes the document does not have (it would wait, unbounded). */
  missingDependencies: { code: 4409, reason: 'update depends on unknown changes' },
  /** An awareness state, or the room's awareness as a whole, past the configured size. */
  awarenessTooLarge: { code: 4414, reason: 'awareness too large' },
  /** A file key in the document that is not a workspace path (`lib/schema.ts` normalisePath). */
  invalidPath: { code: 4422, reason: 'invalid file path' },
} as const;

/** One close code and its reason, as the server sends it. */
export type CloseSpec = (typeof CLOSE)[keyof typeof CLOSE];

/** Session ids: 128 random bits, base64url, 22 characters. */
const SESSION_ID_RE = /^[A-Za-z0-9_-]{22}$/;

export function isSessionId(value: string): boolean {
  return SESSION_ID_RE.test(value);
}
