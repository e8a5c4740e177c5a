// In-page recorders for the keystroke benchmark. Both run inside the session page (serialised
// by Playwright) and read the page's Monaco through the window.__tandem test hook.
// Timestamps are performance.timeOrigin + performance.now(): one machine clock for every page.

export interface ProbeLog {
  /** [time, characters inserted] for each content change of the watched model. */
  changes: [number, number][];
  /** Time of the first animation frame after each change (when the text can be on screen). */
  frames: number[];
}

declare global {
  interface Window {
    __bench?: ProbeLog & { attachedEarly: boolean };
  }
}

/**
 * Init script: catches the page's assignment of window.__tandem (made when the editor is
 * created, before any file is bound) and registers the recorder from onDidCreateModel, so it
 * runs before y-monaco's own listener and A's timestamp is taken before the edit is encoded
 * and sent.
 */
export function installProbe(path: string): void {
  const log = { changes: [] as [number, number][], frames: [] as number[], attachedEarly: false };
  window.__bench = log;
  type Hook = NonNullable<Window['__tandem']>;
  const watch = (model: ReturnType<Hook['monaco']['editor']['createModel']>) => {
    model.onDidChangeContent((event) => {
      const at = performance.timeOrigin + performance.now();
      let inserted = 0;
      for (const change of event.changes) inserted += change.text.length;
      log.changes.push([at, inserted]);
      requestAnimationFrame(() => log.frames.push(performance.timeOrigin + performance.now()));
    });
  };
  let hooked: Hook | undefined;
  Object.defineProperty(window, '__tandem', {
    configurable: true,
    get: () => hooked,
    set(value: Hook | undefined) {
      hooked = value;
      if (!value) return;
      const existing = value.monaco.editor.getModels().find((m) => m.uri.path === `/${path}`);
      if (existing) return watch(existing);
      const sub = value.monaco.editor.onDidCreateModel((model) => {
        if (model.uri.path !== `/${path}`) return;
        sub.dispose();
        log.attachedEarly = true;
        watch(model);
      });
    },
  });
}

export function resetProbe(): void {
  window.__bench!.changes.length = 0;
  window.__bench!.frames.length = 0;
}

export function readProbe(): ProbeLog & { attachedEarly: boolean } {
  return window.__bench!;
}

/** Expands change events into one timestamp per inserted character, in order. */
export function perCharacter(changes: [number, number][]): number[] {
  const out: number[] = [];
  for (const [at, n] of changes) for (let i = 0; i < n; i++) out.push(at);
  return out;
}
