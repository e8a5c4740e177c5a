// Init script shared by the in-page benchmark probes (serialised into the session page by
// Playwright, so it cannot import anything). The page assigns window.__tandem when the editor is
// created, before any file is bound; this catches that assignment and hands the hook to every
// probe that queued a callback in window.__onTandem, so a probe can attach to Monaco models
// before y-monaco does. Register it before the probes' own init scripts.

type TandemHook = NonNullable<Window['__tandem']>;

declare global {
  interface Window {
    __onTandem?: ((hook: TandemHook) => void)[];
  }
}

export function catchTandemHook(): void {
  const callbacks = (window.__onTandem ??= []);
  let hooked: TandemHook | undefined;
  Object.defineProperty(window, '__tandem', {
    configurable: true,
    get: () => hooked,
    set(value: TandemHook | undefined) {
      hooked = value;
      if (!value) return;
      for (const callback of callbacks) callback(value);
    },
  });
}
