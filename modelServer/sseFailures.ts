// The scripted failures a streamed Chat Completions or legacy completions answer can meet mid-
// stream (drop, malformed chunk, stall, error payload, cut short), written the way those SSE
// streams carry them; the two endpoints differ only in their chunk's shape.
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { destroyAfterFlush } from './modelServerCore.ts';
import type { Failure } from './modelServerTypes.ts';

export interface SseStream {
  res: ServerResponse;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** Time spent stalled, which the pacing adds to its schedule. */
  delay: { ms: number };
  /** Writes one `data:` line. */
  write: (line: string) => void;
  /** A chunk cut off mid-JSON, and a well-formed chunk with no choices, in the endpoint's shape. */
  malformed: { unterminated: string; noChoices: string };
  /** Ends the stream with finish_reason "length" (then usage and [DONE]). */
  cutShort: () => void;
  /** Told before a drop destroys the socket. */
  onDrop?: () => void;
}

/** Applies a mid-stream failure; true when it ends the stream. */
export async function strikeSse(f: Failure, s: SseStream): Promise<boolean> {
  const { res } = s;
  switch (f.kind) {
    case 'drop': {
      s.onDrop?.();
      const socket = res.socket;
      if (socket) destroyAfterFlush(() => socket.writableLength, () => socket.destroy());
      return true;
    }
    case 'malformed':
      if (f.variant === 'invalid-json') s.write(s.malformed.unterminated);
      else if (f.variant === 'unknown-event') res.write(`: keep-alive\n\nevent: ping\ndata: {"object":"tandem.test.unknown"}\n\n`);
      else s.write(s.malformed.noChoices);
      return false;
    case 'stall':
      if (!Number.isFinite(f.ms)) {
        await new Promise<void>((resolve) => s.signal.addEventListener('abort', () => resolve(), { once: true }));
        return true;
      }
      try {
        const began = performance.now();
        await sleep(f.ms, undefined, { signal: s.signal });
        s.delay.ms += performance.now() - began;
      } catch {
        return true;
      }
      return false;
    case 'error-event':
    case 'failed':
      s.write(JSON.stringify({ error: { message: f.message ?? 'The server had an error while processing your request.', type: 'server_error', param: null, code: f.code ?? 'server_error' } }));
      res.end();
      return true;
    case 'incomplete':
      s.cutShort();
      return true;
    default:
      return false;
  }
}
