// The watcher case: the 1k tok/s hunk streams into a file that already holds a pending (not yet
// reviewed) AI hunk from an earlier run, while A and B watch. Two file sizes, 200 and 5,000
// lines, so that B's per-update cost can be compared between them: the page's work per update
// should follow the change, not the file: the screen is part of the real-time path.
// Each run has a session of its own, so no other file's pending hunks weigh on the pages.
import type { Browser } from 'playwright-core';
import { connectClient, waitUntil } from '../lib/clients.ts';
import type { ServerChild } from '../lib/servers.ts';
import { largeSeed, pendingEdit, streamedEdit } from './edit.ts';
import type { ModelHandle } from './modelHandle.ts';
import { describeRun, launchChromium, measureRun, openFile, openPerson, sessionLink, streamLines, type Person, type StreamRun } from './stream.ts';
import { askAi, createSession, waitForRun } from './tandemApi.ts';

export const WATCHER_LINES = [200, 5000] as const;

export interface WatcherRun extends StreamRun {
  /** Lines of the seeded file (the earlier hunk adds one). */
  fileLines: number;
}

async function watcherRun(model: ModelHandle, server: ServerChild, browser: Browser, fileLines: number, rate: number, rep: number, quick: boolean): Promise<WatcherRun> {
  const path = `w${fileLines}.ts`;
  const seed = largeSeed(path, fileLines);
  const session = await createSession(server, `AI watcher bench, ${fileLines} lines`, { [path]: seed });
  const link = sessionLink(server, session);
  const node = connectClient(server, { name: session.collab.room, params: session.collab.editParams }, 'watcher-node');
  const people: Person[] = [];
  try {
    await waitUntil(() => node.provider.synced, 'the Node watcher to sync');
    people.push(await openPerson(browser, 'Person A', link), await openPerson(browser, 'Person B', link));
    await Promise.all(people.map((p) => openFile(p, path)));
    // The earlier run, through the same model server, left pending: nobody reviews it.
    const earlier = pendingEdit(path, seed);
    await model.reset();
    await model.script({ toolCall: { name: 'apply_patch', input: earlier.patch }, rate, firstTokenDelayMs: 0 });
    const first = await waitForRun(server, session, await askAi(server, session, `Guard a helper in ${path} against negative values.`, path));
    const hunks = first.hunks.filter((h) => h.file === path);
    if (hunks.length !== 1 || hunks[0].status !== 'applied' || hunks[0].review !== 'pending') throw new Error(`the earlier run did not leave one applied hunk pending review: ${JSON.stringify(hunks.map((h) => [h.status, h.review, h.reason]))}`);
    await Promise.all(
      people.map((p) => p.page.waitForFunction(([f, text]) => window.__tandem?.monaco.editor.getModels().find((m) => m.uri.path === `/${f}`)?.getValue() === text, [path, earlier.expected], { timeout: 30_000, polling: 100 })),
    );
    const edit = streamedEdit(path, path, streamLines(rate, quick), earlier.expected);
    const run = await measureRun({ model, server, session, people, node, browser }, { path, edit, rate, rep });
    for (const p of people) if (p.errors.length) throw new Error(`page errors: ${p.errors.join(' | ')}`);
    return { ...run, fileLines };
  } finally {
    node.destroy();
    for (const p of people) await p.context.close().catch(() => undefined);
  }
}

export async function runWatcher(model: ModelHandle, server: ServerChild, options: { quick: boolean; rate: number; log(line: string): void }): Promise<WatcherRun[]> {
  const reps = options.quick ? 1 : 3;
  const browser = await launchChromium();
  const runs: WatcherRun[] = [];
  try {
    for (let rep = 0; rep < reps; rep++) {
      // Alternating order, so that a machine getting busier does not favour one size.
      for (const lines of rep % 2 ? [...WATCHER_LINES].reverse() : WATCHER_LINES) {
        const run = await watcherRun(model, server, browser, lines, options.rate, rep, options.quick);
        runs.push(run);
        options.log(describeRun(`watcher ${lines} lines + pending review, ${options.rate} tok/s`, run));
      }
    }
  } finally {
    await browser.close();
  }
  return runs;
}
