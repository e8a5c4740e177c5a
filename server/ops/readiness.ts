// Readiness: whether this node can serve sessions now (a load balancer stops sending it traffic
// while it cannot). Each dependency is asked once, in parallel, with a time bound; liveness is
// `/api/health`, which only says the process answers.

/** Resolves when the dependency answers, rejects (or hangs) when it does not. */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  /** Per dependency: "ok", or why not. */
  checks: Record<string, string>;
}

export async function checkReadiness(checks: Record<string, ReadinessCheck>, timeoutMs = 2000): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(
    names.map(async (name) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          checks[name](),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return 'ok';
      } catch (err) {
        return err instanceof Error && err.message ? err.message.slice(0, 200) : 'unreachable';
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const report: ReadinessReport = { ready: results.every((r) => r === 'ok'), checks: {} };
  names.forEach((name, i) => (report.checks[name] = results[i]));
  return report;
}
