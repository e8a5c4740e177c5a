// Keystrokes A→B while the AI streams: person A types with the real keyboard (one key every
// 25 ms, in the comment on the file's first line, 40 lines above the AI's hunk) while the AI
// streams at 1k tok/s into the same file; B's Monaco model receives both. Keys count from the
// first token sent until the hunk is complete in B's model. The interval is
// bench/keystroke.ts's (A's model change → B's model change, its probes counting only changes on
// line 1), compared with the same typing in the same file and pages without an AI run just before.
import { loadavg } from 'node:os';
import type { Browser, BrowserContext } from 'playwright-core';
import { connectClient, waitUntil } from '../lib/clients.ts';
import type { ServerChild } from '../lib/servers.ts';
import { installProbe, perCharacter, readProbe, resetProbe } from '../lib/browserProbe.ts';
import { summarize, type Summary } from '../lib/stats.ts';
import { KEY_INTERVAL, keys, WARMUP } from '../keystroke.ts';
import { fillerLines, seedText, streamedEdit, TOKENS_PER_LINE } from './edit.ts';
import type { ModelHandle } from './modelHandle.ts';
import { describeRun, launchChromium, measureRun, openFile, openPerson, sessionLink, type Person, type StreamRun } from './stream.ts';
import { createSession } from './tandemApi.ts';

const FIRST_LINE = '// keystrokes: ';
/** Keys typed per round trip while the stream runs, between checks of whether it has ended. */
const CHUNK = 10;

export interface TypingRun {
  rep: number;
  loadAtStart: number[];
  /** A→B model→model, ms: the same typing without and during the AI run. */
  idle: Summary;
  streaming: Summary;
  /** Keys that landed in A's model per second while the AI streamed (typed at 40 a second). */
  keysPerSecond: number;
  /** The AI run the typing overlapped (its throughput, latency and per-update cost). */
  stream: StreamRun;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A's and B's per-character change times on line 1 since the last reset, paired in order. */
async function pairs(a: Person, b: Person): Promise<Array<[number, number]>> {
  const sent = perCharacter((await a.page.evaluate(readProbe)).changes);
  const received = perCharacter((await b.page.evaluate(readProbe)).changes);
  if (sent.length !== received.length) throw new Error(`A changed ${sent.length} characters on line 1, B received ${received.length}`);
  return sent.map((t, i) => [t, received[i]]);
}

async function typingRun(model: ModelHandle, server: ServerChild, browser: Browser, rate: number, rep: number, quick: boolean): Promise<TypingRun> {
  const path = `t${rep + 1}.ts`;
  const seed = `${FIRST_LINE}\n${fillerLines(40).join('\n')}\n${seedText(path)}`;
  const session = await createSession(server, 'AI typing bench', { [path]: seed });
  const node = connectClient(server, { name: session.collab.room, params: session.collab.editParams }, 'typing-node');
  const people: Person[] = [];
  const loadAtStart = loadavg();
  try {
    await waitUntil(() => node.provider.synced, 'the Node watcher to sync');
    const probes = (context: BrowserContext) => context.addInitScript(installProbe, { path, line: 1 });
    people.push(await openPerson(browser, 'Person A', sessionLink(server, session), probes), await openPerson(browser, 'Person B', sessionLink(server, session), probes));
    const [a, b] = people;
    await Promise.all(people.map((p) => openFile(p, path)));
    await a.page.locator('[data-testid="code-editor"] .view-lines').click();
    await a.page.keyboard.press('ControlOrMeta+Home');
    await a.page.keyboard.press('End');
    const text = keys(100_000);
    let typed = 0;
    const type = async (n: number) => {
      await a.page.keyboard.type(text.slice(typed, typed + n), { delay: KEY_INTERVAL });
      typed += n;
    };
    // Keyboard input reaches a busy page's model later than keyboard.type() returns.
    const arrived = (p = b) =>
      p.page.waitForFunction(
        ([f, line]) => window.__tandem?.monaco.editor.getModels().find((m) => m.uri.path === `/${f}`)?.getLineContent(1) === line,
        [path, FIRST_LINE + text.slice(0, typed)] as const,
        { timeout: 60_000, polling: 50 },
      );
    const reset = () => Promise.all(people.map((p) => p.page.evaluate(resetProbe)));

    await type(WARMUP);
    await arrived();
    await sleep(300);
    await reset();
    await type(quick ? 200 : 300);
    await arrived();
    await sleep(100);
    const idle = summarize((await pairs(a, b)).map(([s, r]) => r - s));

    await reset();
    // Long enough to type a few hundred keys while it streams; typing goes on until it ends.
    const lines = Math.round((rate * (quick ? 6 : 10)) / TOKENS_PER_LINE);
    const edit = streamedEdit(path, path, lines, seed);
    // Typing starts with the request and goes on until B has the whole hunk: a page that falls
    // behind is still applying the stream after the model server has sent its last token.
    const streamed = () => b.page.evaluate(([f, n]) => Object.keys(window.__aiBench?.seen[f as string] ?? {}).length >= (n as number), [path, lines] as const);
    const during = async () => {
      while (!(await streamed()) && typed < text.length - CHUNK) await type(CHUNK);
      await arrived(a);
    };
    const typedBefore = typed;
    const stream = await measureRun(
      { model, server, session, people, node, browser },
      { path, edit, rate, rep, during, expected: () => FIRST_LINE + text.slice(0, typed) + edit.expected.slice(edit.expected.indexOf('\n')) },
    );
    await arrived();
    await sleep(100);
    // Only keys A's model took between the first token sent and the hunk complete in B count.
    const bDone = stream.firstAt + (stream.people.find((p) => p.who === 'B')?.appliedMs ?? 0);
    const inStream = (await pairs(a, b)).filter(([s]) => s >= stream.firstAt && s <= Math.max(stream.lastAt, bDone));
    // A page whose main thread is saturated by the stream takes keys slowly (the browser waits
    // for the page to handle each one): few keys is a finding, none leaves nothing to measure.
    if (inStream.length < 5) throw new Error(`only ${inStream.length} of ${typed - typedBefore} keys landed in A while the AI streamed`);
    const windowMs = Math.max(stream.lastAt, bDone) - stream.firstAt;
    for (const p of people) if (p.errors.length) throw new Error(`page errors: ${p.errors.join(' | ')}`);
    return { rep, loadAtStart, idle, streaming: summarize(inStream.map(([s, r]) => r - s)), keysPerSecond: (inStream.length * 1000) / windowMs, stream };
  } finally {
    node.destroy();
    for (const p of people) await p.context.close().catch(() => undefined);
  }
}

export async function runTyping(model: ModelHandle, server: ServerChild, options: { quick: boolean; rate: number; log(line: string): void }): Promise<TypingRun[]> {
  const reps = options.quick ? 1 : 3;
  const browser = await launchChromium();
  const runs: TypingRun[] = [];
  try {
    for (let rep = 0; rep < reps; rep++) {
      const run = await typingRun(model, server, browser, options.rate, rep, options.quick);
      runs.push(run);
      const f = (s: Summary) => `p50 ${s.p50.toFixed(2)} ms p99 ${s.p99.toFixed(2)} ms (n ${s.n})`;
      options.log(`  typing #${rep + 1} (load ${run.loadAtStart.map((l) => l.toFixed(2)).join(' ')}): A→B idle ${f(run.idle)}; while the AI streams at ${options.rate} tok/s ${f(run.streaming)} (A took ${run.keysPerSecond.toFixed(1)} keys/s), ratio p50 ${(run.streaming.p50 / run.idle.p50).toFixed(2)} p99 ${(run.streaming.p99 / run.idle.p99).toFixed(2)}`);
      options.log(describeRun(`  its AI run, ${options.rate} tok/s`, run.stream));
    }
  } finally {
    await browser.close();
  }
  return runs;
}
