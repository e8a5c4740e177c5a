// Edit predictions in the browser: person A types in the session page of the production test
// build with predictions on (TANDEM_PREDICT_PROVIDER=chat, the rewrite prompt) against the local
// model server, run in a process of its own and unpaced, whose default turn computes each answer
// from the request (bench/predictModel.ts). Two figures:
// 1. Latency: from the keystroke's Monaco model change to the first ghost-text DOM node of its
//    prediction in A's editor (both in the page, performance.timeOrigin + performance.now()), one
//    prediction per cycle (type one letter, wait for the ghost text, Esc, pause), with the model's
//    first token 0, 50 and 150 ms after the request. Tandem's overhead = latency − that delay:
//    what the page, the server and the stream add to the model's own time. Split with the page's
//    prediction requests (on its collab socket, or /predict by HTTP) and the model server's own times (same machine clock).
// 2. Upstream requests while typing: a ~300-character TypeScript function body typed at a human
//    pace, against a model that predicts the rest of the current line correctly and one whose
//    predictions are always wrong. The server asks upstream only when it has nothing better (a
//    prediction typed through, or a cached answer, costs no request), and a newer keystroke
//    aborts the request in flight; requests per 100 keystrokes is what a hosted model bills.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SNIPPET, TYPING_PREFIX, TYPING_SUFFIX, type AnswerName, type PredictModelOp, type PredictModelRecords } from './predictModel.ts';
import { snapshotBuild, TEST_BUILD_ENV } from './lib/buildSnapshot.ts';
import { freePort, startHelper, startTandem, type ServerChild } from './lib/servers.ts';
import { ipcAsker } from './lib/ipc.ts';
import { createSession } from './ai/tandemApi.ts';
import { catchTandemHook } from './lib/tandemHook.ts';
import { fmt, printTable, summarize, type Summary } from './lib/stats.ts';

const FILE = 'predict.ts';
const MODEL = 'tandem-bench-predict';
const GHOST = '.ghost-text-decoration, .ghost-text';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const DELAYS = [0, 50, 150] as const;
/** Target: Tandem's share of keystroke → ghost text, p50 (ms). */
const OVERHEAD_TARGET = 15;
/** Target: upstream requests per 100 keystrokes of ordinary typing (correct-line model). */
const UPSTREAM_TARGET = 40;
/** Letters typed in the latency cycles; a prediction there starts with a space, so none is typed through. */
const LETTERS = 'predictionlatencybench';
/** After Esc, before the next letter: keeps the page's measured typing gap above the answer time. */
const CYCLE_PAUSE_MS = 200;
/**
 * Plus up to one frame (60 Hz) more, at random: the cycle starts when a condition polled on
 * animation frames holds, so a fixed pause would put every keystroke at the same point between
 * two frames and every answer's wait for the next frame would be the same, not a person's
 * (measured: the two kinds of answer then differed by 4–5 ms in that wait alone).
 */
const CYCLE_JITTER_MS = 17;
const cycleJitter = seededRandom(0x1b873593);
const GHOST_TIMEOUT_MS = 5_000;
/**
 * What-if, off by default: BENCH_PREDICT_DEBOUNCE_MS=<ms> sets `debounceDelayMs` on the page's
 * provider as it registers (Monaco then waits that long instead of its own 75 ms before calling
 * it). Not the page's behaviour: the figures show what that setting would buy.
 */
const WHAT_IF_DEBOUNCE_MS = process.env.BENCH_PREDICT_DEBOUNCE_MS ? Number(process.env.BENCH_PREDICT_DEBOUNCE_MS) : null;

// Latency: one comment line per phase, typed at its end (line 2: warm-up, then one per delay).
const LATENCY_SEED = ['// Edit prediction latency, one line per first-token delay', '// warm-up: ', ...DELAYS.map((d) => `// first token ${d} ms: `), 'export {};', ''].join('\n');

/** Human pace: ms between keys, more after a word's space, more again after a newline. */
const PACE = { key: 120, jitter: 30, afterSpace: 180, afterNewline: 450 };

interface FetchEntry {
  at: number;
  end: number;
  status: number;
  source: string | null;
  aborted: boolean;
  /** The response's Server-Timing stages (ms), as the server measured them. */
  timing: Record<string, number>;
}

interface PredictProbe {
  /** Times of the watched model's content changes. */
  changes: number[];
  /** [time, text] each time a ghost-text node appeared in the DOM. */
  ghosts: [number, string][];
  /** [time, a ghost text node was in the DOM] at each keydown (capture phase, before the editor). */
  keys: [number, boolean][];
  /** The page's POST …/predict requests. */
  fetches: FetchEntry[];
  /** Times Monaco called the page's inline-suggestions provider (when the wrapper below took). */
  provides: number[];
  providerWrapped: boolean;
  attachedEarly: boolean;
  /** Times the reference provider (floorPhase) answered. */
  floorAnswers: number[];
}

declare global {
  interface Window {
    __predictBench?: PredictProbe;
    /** The reference provider's answer delay (floorPhase). */
    __predictFloorDelay?: number;
  }
}

/**
 * Init script (after lib/tandemHook.ts): records the file's model changes, ghost-text nodes as
 * they enter the DOM (a MutationObserver: Monaco renders the ghost text as decorations of the
 * view line, re-created when the line renders), keydowns, the page's prediction requests (socket frames and /predict fetches), and the
 * calls of its inline-suggestions provider (Monaco's registration is wrapped when the page
 * publishes its test hook, just before the editor layers register their providers).
 */
function installPredictProbe(args: { path: string; ghost: string; debounceMs: number | null }): void {
  const now = () => performance.timeOrigin + performance.now();
  const log: PredictProbe = { changes: [], ghosts: [], keys: [], fetches: [], provides: [], providerWrapped: false, attachedEarly: false, floorAnswers: [] };
  window.__predictBench = log;
  const ghostIn = (node: Node): Element | null => {
    if (!(node instanceof Element)) return null;
    return node.matches(args.ghost) ? node : node.querySelector(args.ghost);
  };
  new MutationObserver((records) => {
    for (const record of records) {
      const nodes = record.type === 'attributes' ? [record.target] : Array.from(record.addedNodes);
      for (const node of nodes) {
        const ghost = ghostIn(node);
        if (!ghost) continue;
        log.ghosts.push([now(), ghost.textContent ?? '']);
        return;
      }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
  window.addEventListener('keydown', () => log.keys.push([now(), document.querySelector(args.ghost) !== null]), true);

  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!new URL(url, location.href).pathname.endsWith('/predict')) return nativeFetch(input, init);
    const entry: FetchEntry = { at: now(), end: Number.NaN, status: 0, source: null, aborted: false, timing: {} };
    log.fetches.push(entry);
    try {
      const res = await nativeFetch(input, init);
      entry.status = res.status;
      for (const part of (res.headers.get('server-timing') ?? '').split(',')) {
        const [name, dur] = part.trim().split(';dur=');
        if (name && dur) entry.timing[name] = Number(dur);
      }
      res
        .clone()
        .json()
        .then(
          (body: { source?: string }) => {
            entry.source = body?.source ?? null;
            entry.end = now();
          },
          () => {
            entry.aborted = true;
            entry.end = now();
          },
        );
      return res;
    } catch (err) {
      entry.aborted = true;
      entry.end = now();
      throw err;
    }
  };

  // The page asks on its collab socket when it is open (lib/protocol.ts MESSAGE.predict: the type
  // byte 8, then the JSON as a varString): requests, cancels and answers recorded like fetches.
  const PREDICT_TYPE = 8;
  const bySocketId = new Map<number, FetchEntry>();
  const readPredict = (bytes: Uint8Array): { id?: number; cancel?: boolean; source?: string; error?: unknown; timing?: string } | null => {
    if (bytes[0] !== PREDICT_TYPE) return null;
    let length = 0;
    let shift = 0;
    let i = 1;
    for (; i < bytes.length; i++) {
      length += (bytes[i] & 0x7f) * 2 ** shift;
      shift += 7;
      if (bytes[i] < 0x80) break;
    }
    try {
      return JSON.parse(new TextDecoder().decode(bytes.subarray(i + 1, i + 1 + length)));
    } catch {
      return null;
    }
  };
  const NativeSocket = window.WebSocket;
  const nativeSend = NativeSocket.prototype.send;
  NativeSocket.prototype.send = function (this: WebSocket, data: Parameters<WebSocket['send']>[0]) {
    const frame = data instanceof Uint8Array ? readPredict(data) : data instanceof ArrayBuffer ? readPredict(new Uint8Array(data)) : null;
    if (frame && typeof frame.id === 'number') {
      if (frame.cancel) {
        const entry = bySocketId.get(frame.id);
        if (entry && Number.isNaN(entry.end)) {
          entry.aborted = true;
          entry.end = now();
        }
      } else {
        const entry: FetchEntry = { at: now(), end: Number.NaN, status: 0, source: null, aborted: false, timing: {} };
        bySocketId.set(frame.id, entry);
        log.fetches.push(entry);
      }
    }
    return nativeSend.call(this, data);
  };
  // A listener added in the constructor runs before the page's own onmessage handler.
  window.WebSocket = class extends NativeSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        if (!(event.data instanceof ArrayBuffer)) return;
        const answer = readPredict(new Uint8Array(event.data));
        const entry = answer && typeof answer.id === 'number' ? bySocketId.get(answer.id) : undefined;
        if (!answer || !entry || !Number.isNaN(entry.end)) return;
        entry.end = now();
        entry.status = answer.error ? 400 : 200;
        entry.source = answer.source ?? null;
        for (const part of (answer.timing ?? '').split(',')) {
          const [name, dur] = part.trim().split(';dur=');
          if (name && dur) entry.timing[name] = Number(dur);
        }
      });
    }
  };

  type Hook = NonNullable<Window['__tandem']>;
  const watch = (model: ReturnType<Hook['monaco']['editor']['createModel']>) => model.onDidChangeContent(() => log.changes.push(now()));
  (window.__onTandem ??= []).push((hook) => {
    type Register = Hook['monaco']['languages']['registerInlineCompletionsProvider'];
    const languages = hook.monaco.languages as { registerInlineCompletionsProvider: Register };
    const register = languages.registerInlineCompletionsProvider;
    try {
      languages.registerInlineCompletionsProvider = (selector, provider) => {
        const wrapped = Object.create(provider) as typeof provider;
        // What-if (BENCH_PREDICT_DEBOUNCE_MS): the provider's own debounceDelayMs, which replaces Monaco's.
        if (args.debounceMs !== null) wrapped.debounceDelayMs = args.debounceMs;
        wrapped.provideInlineCompletions = (...args) => {
          log.provides.push(now());
          return provider.provideInlineCompletions(...args);
        };
        return register.call(languages, selector, wrapped);
      };
      log.providerWrapped = languages.registerInlineCompletionsProvider !== register;
    } catch {
      // a frozen namespace: no provider times
    }
    const existing = hook.monaco.editor.getModels().find((m) => m.uri.path === `/${args.path}`);
    if (existing) return void watch(existing);
    const sub = hook.monaco.editor.onDidCreateModel((model) => {
      if (model.uri.path !== `/${args.path}`) return;
      sub.dispose();
      log.attachedEarly = true;
      watch(model);
    });
  });
}

/** Clears the probe's records (between phases). */
function resetPredictProbe(): void {
  const log = window.__predictBench!;
  log.changes.length = 0;
  log.ghosts.length = 0;
  log.keys.length = 0;
  log.fetches.length = 0;
  log.provides.length = 0;
  log.floorAnswers.length = 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const nowMs = () => performance.timeOrigin + performance.now();

/** The model server, in its own process (bench/predictModelChild.ts). */
interface PredictModel {
  httpBaseUrl: string;
  /** Every request from now on gets the named answer after `delay` ms. */
  answer(name: AnswerName, delay: number): Promise<void>;
  script(text: string, firstTokenDelayMs: number): Promise<void>;
  reset(): Promise<void>;
  records(from: number): Promise<PredictModelRecords>;
  close(): Promise<void>;
}

async function startPredictModel(): Promise<PredictModel> {
  const port = await freePort();
  const child = await startHelper('bench/predictModelChild.ts', [String(port), MODEL]);
  const ask = ipcAsker<PredictModelOp>(child.proc);
  return {
    httpBaseUrl: `http://127.0.0.1:${port}/v1`,
    answer: (name, delay) => ask({ op: 'answer', name, delay }).then(() => undefined),
    script: (text, firstTokenDelayMs) => ask({ op: 'script', text, firstTokenDelayMs }).then(() => undefined),
    reset: () => ask({ op: 'reset' }).then(() => undefined),
    records: (from) => ask({ op: 'records', from }),
    close: () => child.stop(),
  };
}

/**
 * BENCH_PREDICT_PROVIDER=responses: the page's predictions through the Responses API (on the
 * prediction WebSocket's lanes, or by HTTP with TANDEM_PREDICT_TRANSPORT=http) instead of Chat
 * Completions, the default.
 */
const PROVIDER = process.env.BENCH_PREDICT_PROVIDER === 'responses' ? 'responses' : 'chat';
const PREDICTION_ROUTES = new Set(PROVIDER === 'chat' ? ['POST /v1/chat/completions'] : ['WS /v1/responses', 'POST /v1/responses']);
const upstreamOf = (records: PredictModelRecords) => records.requests.filter((r) => PREDICTION_ROUTES.has(r.route));

/** Distinct answers that sent at least one token. */
const answeredOf = (records: PredictModelRecords) => new Set(records.tokens.map((t) => t.responseId)).size;

/**
 * Whether the model server records a Chat Completions stream the client left (stats.aborted):
 * one request, abandoned during its first-token delay.
 */
async function chatAbortsRecorded(model: PredictModel): Promise<boolean> {
  const from = nowMs();
  await model.script('probe', 5_000);
  const controller = new AbortController();
  try {
    const res = await fetch(`${model.httpBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
      body: JSON.stringify({ model: MODEL, stream: true, messages: [{ role: 'user', content: 'probe' }] }),
      signal: controller.signal,
    });
    controller.abort();
    await res.body?.cancel().catch(() => {});
  } catch {
    // aborted
  }
  await sleep(300);
  const recorded = (await model.records(from)).aborted.some((a) => a.transport === 'chat-completions');
  await model.reset();
  return recorded;
}

// ---------------------------------------------------------------- the page

async function openTypist(browser: Browser, link: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => window.localStorage.setItem('tandem:profile', JSON.stringify({ name: 'Typist', color: '#38bdf8' })));
  await context.addInitScript(catchTandemHook);
  await context.addInitScript(installPredictProbe, { path: FILE, ghost: GHOST, debounceMs: WHAT_IF_DEBOUNCE_MS });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(link);
    await page.getByTestId('workspace').waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => Boolean(window.__tandem?.monaco), null, { timeout: 60_000 });
    await page.waitForSelector('[data-testid="connection-status"][data-status="synced"]', { timeout: 60_000 });
    await page.locator(`[data-testid="tree-item"][data-path="${FILE}"]`).click();
    await page.waitForFunction((p) => window.__tandem?.monaco.editor.getModels().some((m) => m.uri.path === `/${p}` && m.getValue().length > 0), FILE);
    // The page asks only once the server's AI status names a prediction model.
    await page.getByTestId('toggle-predictions').filter({ hasText: /Predictions on/ }).waitFor({ timeout: 30_000 });
  } catch (err) {
    const text = await page.locator('body').innerText().catch(() => '');
    throw new Error(`the typist could not open the session: ${(err as Error).message.split('\n')[0]}; page errors: ${errors.join(' | ') || 'none'}; page text: ${text.slice(0, 300)}`);
  }
  // The typed text must be exactly the keys: no auto-closed brackets or quotes, no automatic
  // indentation, no suggestion list (its Enter would accept an item). Inline suggestions stay on.
  await page.evaluate(() => {
    for (const editor of window.__tandem!.monaco.editor.getEditors()) {
      editor.updateOptions({
        autoClosingBrackets: 'never',
        autoClosingQuotes: 'never',
        autoClosingComments: 'never',
        autoSurround: 'never',
        autoIndent: 'none',
        formatOnType: false,
        quickSuggestions: false,
        suggestOnTriggerCharacters: false,
        acceptSuggestionOnEnter: 'off',
        parameterHints: { enabled: false },
        tabCompletion: 'off',
      });
    }
  });
  await page.locator('[data-testid="code-editor"] .view-lines').click();
  return { context, page };
}

/** Puts the cursor at the end of `line` (1-based) and dismisses anything shown. */
async function cursorToLineEnd(page: Page, line: number): Promise<void> {
  await page.keyboard.press('ControlOrMeta+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await sleep(300);
  await page.keyboard.press('Escape');
  await page.waitForFunction((sel) => !document.querySelector(sel), GHOST);
}

const modelText = (page: Page) => page.evaluate((p) => window.__tandem!.monaco.editor.getModels().find((m) => m.uri.path === `/${p}`)!.getValue(), FILE);

// ---------------------------------------------------------------- 1. latency

export interface LatencyRow {
  delayMs: number;
  /** Cycles run, and cycles whose prediction never showed within the timeout. */
  cycles: number;
  missed: number;
  /** Cycles whose window held other than exactly one upstream request. */
  oddUpstream: number;
  latency: Summary;
  /** latency − delayMs per cycle. */
  overhead: Summary;
  parts: { monacoMs: Summary; pacingMs: Summary; toUpstreamMs: Summary; modelMs: Summary; streamMs: Summary; renderMs: Summary };
  /** The server's own split of the answered requests (Server-Timing), by stage. */
  server: Record<string, Summary>;
}

/** The reference phase: Monaco alone, its provider answering in the page after the delay. */
export interface FloorRow {
  delayMs: number;
  missed: number;
  latency: Summary;
  overhead: Summary;
  /** The provider's answer → the ghost-text node (as Tandem's last segment). */
  renderMs: Summary;
}

interface Cycle {
  change: number;
  ghost: number;
  text: string;
}

async function latencyCycle(page: Page, letter: string): Promise<Cycle | null> {
  const n = await page.evaluate(() => window.__predictBench!.changes.length);
  await page.keyboard.press(letter);
  const got = await page
    .waitForFunction(
      (i) => {
        const log = window.__predictBench!;
        const change = log.changes[i];
        if (change === undefined) return null;
        const ghost = log.ghosts.find((g) => g[0] >= change);
        return ghost ? { change, ghost: ghost[0], text: ghost[1] } : null;
      },
      n,
      { timeout: GHOST_TIMEOUT_MS },
    )
    .then((h) => h.jsonValue() as Promise<Cycle>)
    .catch(() => null);
  await page.keyboard.press('Escape');
  await page.waitForFunction((sel) => !document.querySelector(sel), GHOST, { timeout: GHOST_TIMEOUT_MS }).catch(() => {});
  await sleep(CYCLE_PAUSE_MS + Math.floor(cycleJitter() * CYCLE_JITTER_MS));
  return got;
}

/** `samples` cycles after `warmup` ones; a cycle whose prediction never showed is missed. */
async function measuredCycles(page: Page, warmup: number, samples: number): Promise<{ cycles: Cycle[]; missed: number }> {
  const cycles: Cycle[] = [];
  let missed = 0;
  for (let i = 0; i < samples; i++) {
    const got = await latencyCycle(page, LETTERS[(warmup + i) % LETTERS.length]);
    if (got && got.text.includes('predicted')) cycles.push(got);
    else missed++;
  }
  return { cycles, missed };
}

async function latencyPhase(page: Page, model: PredictModel, delay: number, line: number, warmup: number, samples: number): Promise<LatencyRow> {
  await model.answer('latency', delay);
  await cursorToLineEnd(page, line);
  for (let i = 0; i < warmup; i++) await latencyCycle(page, LETTERS[i % LETTERS.length]);
  await page.evaluate(resetPredictProbe);
  const from = nowMs();
  const { cycles, missed } = await measuredCycles(page, warmup, samples);
  const log = await page.evaluate(() => window.__predictBench!);
  const records = await model.records(from);
  const upstream = upstreamOf(records);
  const tokens = records.tokens;
  const parts = { monacoMs: [] as number[], pacingMs: [] as number[], toUpstreamMs: [] as number[], modelMs: [] as number[], streamMs: [] as number[], renderMs: [] as number[] };
  const serverStages: Record<string, number[]> = {};
  let oddUpstream = 0;
  for (const c of cycles) {
    const inWindow = upstream.filter((r) => r.at >= c.change && r.at <= c.ghost);
    if (inWindow.length !== 1) oddUpstream++;
    const fetch = log.fetches.find((f) => f.at >= c.change && f.at <= c.ghost);
    const request = inWindow.at(-1);
    const token = request && tokens.find((t) => t.at >= request.at);
    if (!fetch || !request || !token) continue;
    // The provider call that led to the fetch: the last one before it.
    const provided = log.provides.filter((t) => t >= c.change && t <= fetch.at).at(-1);
    if (provided !== undefined) {
      parts.monacoMs.push(provided - c.change);
      parts.pacingMs.push(fetch.at - provided);
    } else {
      // Asked at the keystroke, before Monaco called the provider (which then took that request).
      parts.monacoMs.push(0);
      parts.pacingMs.push(fetch.at - c.change);
    }
    for (const [stage, ms] of Object.entries(fetch.timing)) (serverStages[stage] ??= []).push(ms);
    parts.toUpstreamMs.push(request.at - fetch.at);
    parts.modelMs.push(token.at - request.at);
    parts.streamMs.push(fetch.end - token.at);
    parts.renderMs.push(c.ghost - fetch.end);
  }
  const latency = cycles.map((c) => c.ghost - c.change);
  return {
    delayMs: delay,
    cycles: samples,
    missed,
    oddUpstream,
    latency: summarize(latency),
    overhead: summarize(latency.map((l) => l - delay)),
    parts: {
      monacoMs: summarize(parts.monacoMs),
      pacingMs: summarize(parts.pacingMs),
      toUpstreamMs: summarize(parts.toUpstreamMs),
      modelMs: summarize(parts.modelMs),
      streamMs: summarize(parts.streamMs),
      renderMs: summarize(parts.renderMs.filter(Number.isFinite)),
    },
    server: Object.fromEntries(Object.entries(serverStages).map(([stage, ms]) => [stage, summarize(ms)])),
  };
}

/**
 * The reference: Monaco alone. The same page, editor and cycles with Tandem's predictions off (the
 * status bar's toggle: its provider answers nothing and asks nobody) and an inline-suggestions
 * provider in the page that answers the same insertion `delay` ms after the keystroke's change
 * (setTimeout): no socket, no server, no model. Its overhead is Monaco's own keystroke → ghost
 * text (its provider call, its processing, the wait for the next frame and the render), which
 * any editor built on Monaco pays: the floor under Tandem's.
 */
async function floorPhase(page: Page, delay: number, line: number, warmup: number, samples: number): Promise<FloorRow> {
  await page.evaluate((ms) => void (window.__predictFloorDelay = ms), delay);
  await cursorToLineEnd(page, line);
  for (let i = 0; i < warmup; i++) await latencyCycle(page, LETTERS[i % LETTERS.length]);
  await page.evaluate(resetPredictProbe);
  const { cycles, missed } = await measuredCycles(page, warmup, samples);
  const { floorAnswers } = await page.evaluate(() => window.__predictBench!);
  const renderMs = cycles.flatMap((c) => {
    const answered = floorAnswers.filter((t) => t >= c.change && t <= c.ghost).at(-1);
    return answered === undefined ? [] : [c.ghost - answered];
  });
  const latency = cycles.map((c) => c.ghost - c.change);
  return { delayMs: delay, missed, latency: summarize(latency), overhead: summarize(latency.map((l) => l - delay)), renderMs: summarize(renderMs) };
}

/** Registers the reference provider (floorPhase) in the page; its delay is read per call. */
function registerFloorProvider(): void {
  const { monaco } = window.__tandem!;
  window.__predictFloorDelay = 0;
  monaco.languages.registerInlineCompletionsProvider(
    { pattern: '**' },
    {
      debounceDelayMs: 0,
      provideInlineCompletions: (_model, position, _context, token) =>
        new Promise((resolve) => {
          // Due `delay` after the keystroke's change (as Tandem's request starts at the keystroke,
          // not when Monaco gets round to calling its providers).
          const changedAt = window.__predictBench?.changes.at(-1) ?? performance.timeOrigin + performance.now();
          const due = changedAt + (window.__predictFloorDelay ?? 0);
          const timer = setTimeout(() => {
            window.__predictBench?.floorAnswers.push(performance.timeOrigin + performance.now());
            const at = new monaco.Range(position.lineNumber, position.column, position.lineNumber, position.column);
            resolve({ items: [{ insertText: ' <- predicted in the page', range: at }] });
          }, Math.max(0, due - (performance.timeOrigin + performance.now())));
          token.onCancellationRequested(() => {
            clearTimeout(timer);
            resolve({ items: [] });
          });
        }),
      disposeInlineCompletions: () => {},
    },
  );
}

async function runLatency(browser: Browser, server: ServerChild, model: PredictModel, quick: boolean): Promise<{ rows: LatencyRow[]; floor: FloorRow[] }> {
  const session = await createSession(server, 'Prediction latency bench', { [FILE]: LATENCY_SEED });
  const { context, page } = await openTypist(browser, `${server.httpUrl}/s/${session.id}#token=${session.collab.editParams.token}`);
  const samples = quick ? 15 : 40;
  const rows: LatencyRow[] = [];
  const floor: FloorRow[] = [];
  try {
    // Warm-up: the page's and the server's code paths, and the page's pacing averages.
    await model.answer('latency', 0);
    await cursorToLineEnd(page, 2);
    for (let i = 0; i < (quick ? 5 : 10); i++) await latencyCycle(page, LETTERS[i % LETTERS.length]);
    const { attachedEarly, providerWrapped } = await page.evaluate(() => window.__predictBench!);
    if (!attachedEarly) console.warn('predict: the probe attached to the model after the editor binding');
    if (!providerWrapped) console.warn("predict: Monaco's provider registration could not be wrapped; no split at the provider call");
    for (const [i, delay] of DELAYS.entries()) {
      const row = await latencyPhase(page, model, delay, 3 + i, 3, samples);
      rows.push(row);
      const o = row.overhead;
      console.log(
        `  first token ${String(delay).padStart(3)} ms: latency p50 ${fmt(row.latency.p50)} p99 ${fmt(row.latency.p99)} ms, overhead p50 ${fmt(o.p50)} p99 ${fmt(o.p99)} ms (n ${row.latency.n}, missed ${row.missed}, cycles without exactly one upstream request ${row.oddUpstream})`,
      );
    }
    // The reference, after Tandem's phases (its provider stays registered to the end).
    await page.getByTestId('toggle-predictions').click();
    await page.getByTestId('toggle-predictions').filter({ hasText: /Predictions off/ }).waitFor({ timeout: 10_000 });
    await page.evaluate(registerFloorProvider);
    // The click moved the focus to the status bar: the keys go to the editor again.
    await page.locator('[data-testid="code-editor"] .view-lines').click();
    for (const [i, delay] of DELAYS.entries()) {
      const row = await floorPhase(page, delay, 3 + i, 3, samples);
      floor.push(row);
      console.log(`  Monaco alone, answer after ${String(delay).padStart(3)} ms: latency p50 ${fmt(row.latency.p50)} p99 ${fmt(row.latency.p99)} ms, overhead p50 ${fmt(row.overhead.p50)}, answer → ghost text p50 ${fmt(row.renderMs.p50)} (n ${row.latency.n}, missed ${row.missed})`);
    }
  } finally {
    await context.close();
  }
  return { rows, floor };
}

// ---------------------------------------------------------------- 2. upstream requests while typing

export interface TypingRow {
  model: 'correct-line' | 'always-wrong';
  delayMs: number;
  keys: number;
  seconds: number;
  /** The page's /predict requests, by the server's answer source; aborted: the page gave up on them. */
  pageRequests: number;
  bySource: Record<string, number>;
  pageAborted: number;
  upstream: number;
  upstreamPer100: number;
  /** Upstream requests that got no token before Tandem left (the model server's own records). */
  leftBeforeFirstToken: number;
  /** The model server's abort records for Chat Completions (null: it keeps none for this route). */
  abortedRecorded: number | null;
  /** Keys pressed while a prediction was shown. */
  keysWithGhost: number;
  textOk: boolean;
}

/** A repeatable sequence of numbers in [0, 1) (mulberry32). */
function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Milliseconds before each key of `text`: a seeded jitter around PACE.key, longer after spaces and newlines. */
function humanPace(text: string): number[] {
  const random = seededRandom(0x9e3779b9);
  return [...text].map((_, i) => {
    const prev = text[i - 1];
    let ms = PACE.key + (random() * 2 - 1) * PACE.jitter;
    if (prev === '\n') ms += PACE.afterNewline;
    else if (prev === ' ' && i > 1 && text[i - 2] !== ' ' && text[i - 2] !== '\n') ms += PACE.afterSpace;
    return Math.round(ms);
  });
}

async function typingRun(browser: Browser, server: ServerChild, model: PredictModel, which: TypingRow['model'], delay: number, abortsRecorded: boolean): Promise<TypingRow> {
  await model.answer(which, delay);
  const session = await createSession(server, `Prediction typing bench (${which})`, { [FILE]: TYPING_PREFIX + TYPING_SUFFIX });
  const { context, page } = await openTypist(browser, `${server.httpUrl}/s/${session.id}#token=${session.collab.editParams.token}`);
  try {
    await cursorToLineEnd(page, 3);
    await sleep(500);
    await page.evaluate(resetPredictProbe);
    const pace = humanPace(SNIPPET);
    const from = nowMs();
    // Keys fall due on a schedule (a slow key does not push the rest back).
    let due = performance.now();
    for (const [i, ch] of [...SNIPPET].entries()) {
      due += i === 0 ? 0 : pace[i];
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (ch === '\n') await page.keyboard.press('Enter');
      else await page.keyboard.type(ch);
    }
    const seconds = (nowMs() - from) / 1000;
    // Let the last requests finish.
    await sleep(1_500);
    const log = await page.evaluate(() => window.__predictBench!);
    const text = await modelText(page);
    const expected = TYPING_PREFIX + SNIPPET + TYPING_SUFFIX;
    if (text !== expected) console.warn(`predict: the typed text differs from the snippet (${which}); got ${JSON.stringify(text.slice(TYPING_PREFIX.length, TYPING_PREFIX.length + 400))}`);
    const records = await model.records(from);
    const upstream = upstreamOf(records).length;
    const bySource: Record<string, number> = {};
    for (const f of log.fetches) if (f.source) bySource[f.source] = (bySource[f.source] ?? 0) + 1;
    return {
      model: which,
      delayMs: delay,
      keys: SNIPPET.length,
      seconds,
      pageRequests: log.fetches.length,
      bySource,
      pageAborted: log.fetches.filter((f) => f.aborted).length,
      upstream,
      upstreamPer100: (upstream / SNIPPET.length) * 100,
      leftBeforeFirstToken: upstream - answeredOf(records),
      abortedRecorded: abortsRecorded ? records.aborted.filter((a) => a.transport === 'chat-completions').length : null,
      keysWithGhost: log.keys.filter(([, shown]) => shown).length,
      textOk: text === expected,
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- entry and report

export interface PredictResult {
  latency: LatencyRow[];
  /** The reference: Monaco alone with an in-page provider (floorPhase). */
  floor: FloorRow[];
  typing: TypingRow[];
  abortsRecorded: boolean;
  /** BENCH_PREDICT_DEBOUNCE_MS, when set (a what-if run). */
  whatIfDebounceMs: number | null;
}

export async function runPredict(options: { quick: boolean }): Promise<PredictResult> {
  const appDir = await snapshotBuild();
  // Any key (apiKey null); unpaced unless a turn says otherwise.
  const model = await startPredictModel();
  const abortsRecorded = await chatAbortsRecorded(model);
  const tandem = await startTandem({
    next: true,
    cwd: appDir,
    env: {
      ...TEST_BUILD_ENV,
      TANDEM_PREDICT_PROVIDER: PROVIDER,
      ...(process.env.TANDEM_PREDICT_TRANSPORT ? { TANDEM_PREDICT_TRANSPORT: process.env.TANDEM_PREDICT_TRANSPORT } : {}),
      TANDEM_PREDICT_MODEL: MODEL,
      TANDEM_PREDICT_BASE_URL: model.httpBaseUrl,
      OPENAI_API_KEY: 'bench-key',
      TANDEM_PREDICT_RATE_PER_PERSON: '100000',
    },
  });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const result: PredictResult = { latency: [], floor: [], typing: [], abortsRecorded, whatIfDebounceMs: WHAT_IF_DEBOUNCE_MS };
  try {
    if (WHAT_IF_DEBOUNCE_MS !== null) console.log(`\npredict: WHAT-IF run: the page's provider gets debounceDelayMs ${WHAT_IF_DEBOUNCE_MS} (BENCH_PREDICT_DEBOUNCE_MS); not the page as shipped`);
    console.log(`\npredict: keystroke → ghost text, one prediction per cycle (letter, ghost text, Esc, ${CYCLE_PAUSE_MS} ms); predictions through ${PROVIDER === 'chat' ? 'Chat Completions' : `the Responses API (${process.env.TANDEM_PREDICT_TRANSPORT ?? 'websocket'})`}`);
    ({ rows: result.latency, floor: result.floor } = await runLatency(browser, tandem, model, options.quick));
    const typingDelays = options.quick ? [50] : [50, 150];
    console.log(`\npredict: typing the ${SNIPPET.length}-key snippet, ~${PACE.key} ms per key (+${PACE.afterSpace} after a word, +${PACE.afterNewline} after a newline)`);
    for (const delay of typingDelays) {
      for (const which of ['correct-line', 'always-wrong'] as const) {
        const row = await typingRun(browser, tandem, model, which, delay, abortsRecorded);
        result.typing.push(row);
        console.log(
          `  ${which.padEnd(12)} first token ${delay} ms: ${row.upstream} upstream requests, ${fmt(row.upstreamPer100, 1)} per 100 keys; page asked ${row.pageRequests} (${Object.entries(row.bySource).map(([k, v]) => `${k} ${v}`).join(', ')}), ${row.keysWithGhost}/${row.keys} keys with a prediction shown, ${fmt(row.seconds, 1)} s`,
        );
      }
    }
  } finally {
    await browser.close();
    await tandem.stop();
    await model.close();
  }
  printPredict(result);
  return result;
}

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

function printPredict(result: PredictResult): void {
  const whatIf = result.whatIfDebounceMs === null ? '' : ` [WHAT-IF: provider debounceDelayMs ${result.whatIfDebounceMs}]`;
  printTable(
    `Keystroke → prediction visible in the typist's editor, ms (target: overhead = latency − first-token delay ≤ ${OVERHEAD_TARGET} p50)${whatIf}`,
    ['first token', 'n', 'missed', 'p50', 'p95', 'p99', 'max', 'overhead p50', 'overhead p99', 'p50/delay', 'target'],
    result.latency.map((r) => [
      `${r.delayMs} ms`,
      String(r.latency.n),
      String(r.missed),
      fmt(r.latency.p50),
      fmt(r.latency.p95),
      fmt(r.latency.p99),
      fmt(r.latency.max),
      fmt(r.overhead.p50),
      fmt(r.overhead.p99),
      r.delayMs > 0 ? fmt(r.latency.p50 / r.delayMs) : '',
      verdict(r.overhead.p50 <= OVERHEAD_TARGET),
    ]),
  );
  printTable(
    "  the reference: Monaco alone (the same page and cycles, Tandem's predictions off, a provider in the page answering after the delay)",
    ['answer after', 'n', 'missed', 'p50', 'p99', 'overhead p50', 'overhead p99', "Tandem's overhead p50", 'Tandem − Monaco alone, p50'],
    result.floor.map((f) => {
      const tandem = result.latency.find((r) => r.delayMs === f.delayMs);
      return [`${f.delayMs} ms`, String(f.latency.n), String(f.missed), fmt(f.latency.p50), fmt(f.latency.p99), fmt(f.overhead.p50), fmt(f.overhead.p99), tandem ? fmt(tandem.overhead.p50) : '', tandem ? fmt(tandem.overhead.p50 - f.overhead.p50) : ''];
    }),
  );
  const partRows: string[][] = [];
  const partLabels: [keyof LatencyRow['parts'], string][] = [
    ['monacoMs', 'keystroke → Monaco calls the provider (0: asked before)'],
    ['pacingMs', 'provider (or keystroke) → page sends the request'],
    ['toUpstreamMs', 'page sends → model server has the request'],
    ['modelMs', 'request → first token sent (the model)'],
    ['streamMs', 'first token → answer in the page'],
    ['renderMs', 'answer in the page → ghost-text node'],
  ];
  for (const r of result.latency) {
    for (const [key, label] of partLabels) {
      const s = r.parts[key];
      partRows.push([`${r.delayMs} ms`, label, String(s.n), fmt(s.p50), fmt(s.p95), fmt(s.p99)]);
    }
  }
  printTable('  of which, ms (page and model server on one clock)', ['first token', 'segment', 'n', 'p50', 'p95', 'p99'], partRows);
  const serverRows: string[][] = [];
  for (const r of result.latency) {
    for (const [stage, s] of Object.entries(r.server)) serverRows.push([`${r.delayMs} ms`, stage, String(s.n), fmt(s.p50), fmt(s.p95), fmt(s.p99)]);
  }
  printTable(
    "  Tandem's server per answered request (its Server-Timing: request = auth + body, catchup = waiting for the keystroke's WebSocket update, read = the file, model = the upstream answer)",
    ['first token', 'stage', 'n', 'p50', 'p95', 'p99'],
    serverRows,
  );

  const wrongBy = new Map(result.typing.filter((r) => r.model === 'always-wrong').map((r) => [r.delayMs, r]));
  printTable(
    `Upstream requests while typing the ${SNIPPET.length}-key snippet at a human pace (target: ≤ ${UPSTREAM_TARGET} per 100 keys with the correct-line model)${whatIf}`,
    ['model', 'first token', 'keys', 's', 'page asked', 'model', 'cache', 'typed-through', 'superseded', 'page aborted', 'upstream', 'per 100 keys', 'no token sent', 'aborted (server rec.)', 'keys w/ ghost', 'vs wrong', 'target'],
    result.typing.map((r) => {
      const wrong = wrongBy.get(r.delayMs);
      return [
        r.model + (r.textOk ? '' : ' (text differs!)'),
        `${r.delayMs} ms`,
        String(r.keys),
        fmt(r.seconds, 1),
        String(r.pageRequests),
        String(r.bySource.model ?? 0),
        String(r.bySource.cache ?? 0),
        String(r.bySource['typed-through'] ?? 0),
        String(r.bySource.superseded ?? 0),
        String(r.pageAborted),
        String(r.upstream),
        fmt(r.upstreamPer100, 1),
        String(r.leftBeforeFirstToken),
        r.abortedRecorded === null ? '–' : String(r.abortedRecorded),
        `${r.keysWithGhost} (${fmt((r.keysWithGhost / r.keys) * 100, 0)}%)`,
        r.model === 'correct-line' && wrong ? fmt(r.upstream / wrong.upstream) : '',
        r.model === 'correct-line' ? verdict(r.upstreamPer100 <= UPSTREAM_TARGET) : '',
      ];
    }),
  );
  if (!result.abortsRecorded) {
    console.log(
      `  aborted (server rec.): the model server's abort record (stats.aborted) took no entry for an abandoned Chat Completions stream (checked at the start); "no token sent" counts upstream requests Tandem left before the first token (from its request and token records).`,
    );
  }
}
