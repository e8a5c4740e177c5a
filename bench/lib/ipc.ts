// Request/answer between the benchmark and a helper process over its IPC channel: the parent
// sends `{ id, request }`, the helper answers `{ id, answer }`. The helper side says "ready"
// once it serves and leaves when the channel closes (startHelper in servers.ts).
import type { ChildProcess } from 'node:child_process';

/** The parent side: rejects after 30 s without an answer. */
export function ipcAsker<Op extends { op: string }>(proc: ChildProcess): <T>(request: Op) => Promise<T> {
  let seq = 0;
  return <T>(request: Op) =>
    new Promise<T>((resolve, reject) => {
      const id = ++seq;
      const timer = setTimeout(() => reject(new Error(`the helper did not answer ${request.op}`)), 30_000);
      const onMessage = (message: unknown) => {
        const m = message as { id?: number; answer?: T };
        if (m?.id !== id) return;
        clearTimeout(timer);
        proc.off('message', onMessage);
        resolve(m.answer as T);
      };
      proc.on('message', onMessage);
      proc.send({ id, request });
    });
}

/** The helper side: answers each request with `answer(request)`; `close` runs before it exits. */
export function serveIpc<Op>(answer: (request: Op) => unknown, close: () => Promise<void>): void {
  process.on('message', (raw) => {
    const { id, request } = raw as { id: number; request: Op };
    process.send!({ id, answer: answer(request) });
  });
  process.on('disconnect', () => {
    void close().finally(() => process.exit(0));
  });
  process.send!('ready');
}
