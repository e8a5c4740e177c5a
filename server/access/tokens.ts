// Capability tokens: `<role letter>.<HMAC-SHA256(secret, "tandem:v1:<role>:<sessionId>")>`.
// A token names its role so that one check answers both "is it genuine" and "what may it do";
// the MAC binds the role to one session, so a view token cannot be turned into an edit token
// and a token of one session opens no other.
import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { isSessionId } from '../../lib/protocol.ts';
import type { Role } from '../../lib/schema.ts';

const ROLE_LETTER: Record<Role, string> = { edit: 'e', view: 'v' };
const TOKEN_RE = /^([ev])\.([A-Za-z0-9_-]{43})$/;

/** A fresh session id: 128 random bits, base64url, 22 characters. */
export function newSessionId(): string {
  const id = randomBytes(16).toString('base64url');
  if (!isSessionId(id)) throw new Error('session id generator broke its own grammar');
  return id;
}

/**
 * The secret as a key object, made once per secret: createHmac imports a raw Buffer key anew on
 * every call, which costs several times the MAC itself on every request and upgrade.
 */
const keys = new WeakMap<Buffer, KeyObject>();

function keyOf(secret: Buffer): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(secret);
    keys.set(secret, key);
  }
  return key;
}

function mac(secret: Buffer, sessionId: string, role: Role): Buffer {
  return createHmac('sha256', keyOf(secret)).update(`tandem:v1:${role}:${sessionId}`).digest();
}

export function signToken(secret: Buffer, sessionId: string, role: Role): string {
  return `${ROLE_LETTER[role]}.${mac(secret, sessionId, role).toString('base64url')}`;
}

/** The role a token grants for this session, or null if it is malformed or forged. */
export function verifyToken(secret: Buffer, sessionId: string, token: string): Role | null {
  const match = TOKEN_RE.exec(token);
  if (!match) return null;
  const role: Role = match[1] === 'e' ? 'edit' : 'view';
  // Compared as text, not decoded bytes: the last base64 character carries two padding bits,
  // and a decoded comparison would accept four spellings of one token.
  const given = Buffer.from(match[2], 'ascii');
  const expected = Buffer.from(mac(secret, sessionId, role).toString('base64url'), 'ascii');
  if (given.length !== expected.length) return null;
  return timingSafeEqual(given, expected) ? role : null;
}
