// In-page recorders for the keystroke benchmark. They run inside the session page (serialised
// by Playwright) and read the page's Monaco through the window.__tandem test hook.
// Timestamps are performance.timeOrigin + performance.now(): one machine clock for every page.

export interface ProbeLog {
  /** [time, characters inserted] for each content change of the watched model. */
  changes: [number, number][];
  /** Time of the first animation frame after each change (when the text can be on screen). */
  frames: number[];
  /** Times this page sent a document update on the collab socket. */
  sends: number[];
  /** Times a document update message arrived on the collab socket (before the provider reads it). */
  messages: number[];
}

declare global {
  interface Window {
    __bench?: ProbeLog & { attachedEarly: boolean };
  }
}

/**
 * Init script (after bench/lib/tandemHook.ts): takes window.__tandem when the page assigns it
 * (when the editor is created, before any file is bound) and registers the recorder from
 * onDidCreateModel, so it runs before y-monaco's own listener and A's timestamp is taken before
 * the edit is encoded and sent. With `line`, only changes on that line count: someone else (the
 * AI) may be writing elsewhere in the same file at the same time.
 */
export function installProbe(target: string | { path: string; line: number }): void {
  const { path, line } = typeof target === 'string' ? { path: target, line: 0 } : target;
  const now = () => performance.timeOrigin + performance.now();
  const log = { changes: [] as [number, number][], frames: [] as number[], sends: [] as number[], messages: [] as number[], attachedEarly: false };
  window.__bench = log;
  // y-websocket frames start with varUint message type 0 (sync) then sync type 2 (update).
  const isUpdate = (bytes: Uint8Array) => bytes.length > 1 && bytes[0] === 0 && bytes[1] === 2;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      if (!String(url).includes('/collab/')) return;
      // Registered before the provider sets onmessage, so it runs first.
      this.addEventListener('message', (event: MessageEvent) => {
        if (event.data instanceof ArrayBuffer && isUpdate(new Uint8Array(event.data, 0, Math.min(2, event.data.byteLength)))) log.messages.push(now());
      });
    }
    send(data: Parameters<WebSocket['send']>[0]): void {
      if (data instanceof Uint8Array && isUpdate(data)) log.sends.push(now());
      super.send(data);
    }
  };
  type Hook = NonNullable<Window['__tandem']>;
  const watch = (model: ReturnType<Hook['monaco']['editor']['createModel']>) => {
    model.onDidChangeContent((event) => {
      const at = now();
      let inserted = 0;
      let counted = line === 0;
      for (const change of event.changes) {
        if (line !== 0 && (change.range.startLineNumber !== line || change.text.includes('\n'))) continue;
        counted = true;
        inserted += change.text.length;
      }
      if (!counted) return;
      log.changes.push([at, inserted]);
      requestAnimationFrame(() => log.frames.push(now()));
    });
  };
  (window.__onTandem ??= []).push((hook) => {
    const existing = hook.monaco.editor.getModels().find((m) => m.uri.path === `/${path}`);
    if (existing) return watch(existing);
    const sub = hook.monaco.editor.onDidCreateModel((model) => {
      if (model.uri.path !== `/${path}`) return;
      sub.dispose();
      log.attachedEarly = true;
      watch(model);
    });
  });
}

export function resetProbe(): void {
  const log = window.__bench!;
  log.changes.length = 0;
  log.frames.length = 0;
  log.sends.length = 0;
  log.messages.length = 0;
}

export function readProbe(): ProbeLog & { attachedEarly: boolean } {
  return window.__bench!;
}

/** For each time in `at`, the first of `events` at or after it (sorted input). */
export function firstAtOrAfter(at: number[], events: number[]): number[] {
  let j = 0;
  return at.map((t) => {
    while (j < events.length && events[j] < t) j++;
    return events[j] ?? Number.NaN;
  });
}

/** For each time in `at`, the last of `events` at or before it (sorted input). */
export function lastAtOrBefore(at: number[], events: number[]): number[] {
  let j = 0;
  return at.map((t) => {
    while (j + 1 < events.length && events[j + 1] <= t) j++;
    return events[j] !== undefined && events[j] <= t ? events[j] : Number.NaN;
  });
}

/** Expands change events into one timestamp per inserted character, in order. */
export function perCharacter(changes: [number, number][]): number[] {
  const out: number[] = [];
  for (const [at, n] of changes) for (let i = 0; i < n; i++) out.push(at);
  return out;
}
