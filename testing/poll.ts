// Polling wait for tests and benchmarks: state that changes through sockets has no event to await.

/** Resolves once `check()` holds; rejects after `timeoutMs`. `intervalMs` is the caller's trade of CPU for latency. */
export async function pollUntil(check: () => boolean, what: string, timeoutMs: number, intervalMs: number): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
