// The public origin used in share links and collab URLs: PUBLIC_URL when configured (behind a
// proxy), else what the request itself names (Host header, TLS or X-Forwarded-Proto).
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface Origins {
  /** `http(s)://host[:port][/prefix]` */
  http: string;
  /** `ws(s)://host[:port][/prefix]` */
  ws: string;
}

const HOST_RE = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

export function originsOf(req: IncomingMessage, publicUrl: string | null): Origins {
  let http: string;
  if (publicUrl) {
    http = publicUrl;
  } else {
    const forwarded = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim().toLowerCase();
    const secure = (req.socket as TLSSocket).encrypted === true || forwarded === 'https';
    const hostHeader = String(req.headers.host ?? '').trim();
    const host = HOST_RE.test(hostHeader) ? hostHeader : `localhost:${req.socket.localPort ?? 80}`;
    http = `${secure ? 'https' : 'http'}://${host}`;
  }
  return { http, ws: http.replace(/^http/, 'ws') };
}
