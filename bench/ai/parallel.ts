// Two AI runs at once: apply_patch hunks streamed at 1k tok/s each into two files of one session
// (two AI peers, two lanes of the session's one model connection), against one run alone in the
// same repetition. Per run: applied/upstream = the model server's first → last token of that
// run's response over its first token → the last line in a Node y-websocket client's replica.
import type * as Y from 'yjs';
import { connectClient, waitUntil } from '../lib/clients.ts';
import type { ServerChild } from '../lib/servers.ts';
import { streamedEdit, seedText } from './edit.ts';
import type { ModelHandle } from './modelHandle.ts';
import { askAi, createSession, waitForRun } from './tandemApi.ts';

export interface ParallelRun {
  rep: number;
  /** 'alone' or 'together' (two runs at once). */
  mode: 'alone' | 'together';
  runs: Array<{ path: string; tokens: number; firstAt: number; upstreamMs: number; appliedMs: number; ratio: number }>;
  /** Together: the share of the two streams' time they streamed at the same time. */
  overlap: number | null;
}

const marker = (n: number) => `#L${String(n).padStart(4, '0')}#`;

async function measure(model: ModelHandle, server: ServerChild, paths: string[], rate: number, lines: number): Promise<ParallelRun['runs']> {
  const edits = new Map(paths.map((p) => [p, streamedEdit(p, p, lines)]));
  const session = await createSession(server, 'AI parallel bench', Object.fromEntries(paths.map((p) => [p, seedText(p)])));
  const node = connectClient(server, { name: session.collab.room, params: session.collab.editParams }, 'parallel-watcher');
  try {
    await waitUntil(() => node.provider.synced, 'the Node watcher to sync');
    // When each file's last line arrived in the watcher's replica (lines land in order).
    const next = new Map(paths.map((p) => [p, 1]));
    const lastSeen = new Map<string, number>();
    const files = node.doc.getMap<Y.Text>('files');
    const onUpdate = () => {
      const now = Date.now();
      for (const p of paths) {
        const text = files.get(p)?.toString() ?? '';
        let n = next.get(p)!;
        while (n <= lines && text.includes(marker(n))) n++;
        if (n !== next.get(p)) {
          next.set(p, n);
          if (n > lines) lastSeen.set(p, now);
        }
      }
    };
    node.doc.on('update', onUpdate);
    await model.reset();
    await model.script(...paths.map((p) => ({ text: 'Editing.', toolCall: { name: 'apply_patch', input: edits.get(p)!.patch }, rate, whenInputIncludes: `fill ${p}` })));
    const runIds = await Promise.all(paths.map((p) => askAi(server, session, `fill ${p}`, p)));
    await Promise.all(runIds.map((id) => waitForRun(server, session, id)));
    await waitUntil(() => paths.every((p) => lastSeen.has(p)), 'every line in the watcher');
    node.doc.off('update', onUpdate);
    for (const p of paths) if (files.get(p)?.toString() !== edits.get(p)!.expected) throw new Error(`${p}: not the expected result after the run`);
    const records = (await model.tokens()).filter((r) => r.count > 0);
    const byResponse = new Map<string, typeof records>();
    for (const r of records) byResponse.set(r.responseId, [...(byResponse.get(r.responseId) ?? []), r]);
    return paths.map((p) => {
      // The response that streamed this file's patch.
      const stream = [...byResponse.values()].find((rs) => rs.map((r) => r.text).join('').includes(`Update File: ${p}\n`));
      if (!stream) throw new Error(`no response streamed ${p}`);
      const first = stream[0]!.at;
      const upstreamMs = stream[stream.length - 1]!.at - first;
      const appliedMs = lastSeen.get(p)! - first;
      return { path: p, tokens: stream.reduce((n, r) => n + r.count, 0), firstAt: first, upstreamMs, appliedMs, ratio: upstreamMs / appliedMs };
    });
  } finally {
    node.destroy();
  }
}

export async function runParallel(model: ModelHandle, server: ServerChild, options: { quick: boolean; rate: number; log(line: string): void }): Promise<ParallelRun[]> {
  const reps = options.quick ? 1 : 3;
  const lines = options.quick ? 300 : 500;
  const out: ParallelRun[] = [];
  for (let rep = 0; rep < reps; rep++) {
    // Alternating order, so neither case always runs on the warmer server.
    const order: ParallelRun['mode'][] = rep % 2 === 0 ? ['alone', 'together'] : ['together', 'alone'];
    for (const mode of order) {
      const paths = mode === 'alone' ? [`alone-${rep}.ts`] : [`left-${rep}.ts`, `right-${rep}.ts`];
      const runs = await measure(model, server, paths, options.rate, lines);
      let overlap: number | null = null;
      if (runs.length === 2) {
        const [a, b] = runs as [ParallelRun['runs'][number], ParallelRun['runs'][number]];
        const both = Math.min(a.firstAt + a.upstreamMs, b.firstAt + b.upstreamMs) - Math.max(a.firstAt, b.firstAt);
        const either = Math.max(a.firstAt + a.upstreamMs, b.firstAt + b.upstreamMs) - Math.min(a.firstAt, b.firstAt);
        overlap = Math.max(0, both) / either;
      }
      out.push({ rep, mode, runs, overlap });
      const streams = runs.map((r) => `${r.path} ${r.tokens} tokens, upstream ${((r.tokens * 1000) / r.upstreamMs).toFixed(0)} tok/s, applied/upstream ${r.ratio.toFixed(3)}`).join('; ');
      options.log(`  ${mode.padEnd(8)} #${rep + 1}: ${streams}${overlap === null ? '' : `; streaming at the same time ${(overlap * 100).toFixed(0)}% of the time`}`);
    }
  }
  return out;
}
