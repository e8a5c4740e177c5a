// A server-wide cap on AI runs executing at once (TANDEM_AI_MAX_RUNNING), across every session:
// one session's queue, or many sessions at once, cannot take all of the operator's model
// capacity. Waiters are served in arrival order and told their position (1 = next) whenever it
// changes, so a waiting run's thread entry can say where it stands.
export interface SlotWait {
  /** The release function when a slot was free at once (no need to await: the first token's path stays synchronous). */
  now: (() => void) | null;
  /** Resolves with the release function once a slot is this waiter's. */
  granted: Promise<() => void>;
  /** Leaves the line: `granted` then resolves with a release that frees nothing (no effect once granted). */
  cancel(): void;
}

interface Waiter {
  grant: (release: () => void) => void;
  onPosition: (position: number) => void;
}

export class RunSlots {
  private used = 0;
  private readonly waiters: Waiter[] = [];
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  /** Whether a run asking now would start at once. */
  get free(): boolean {
    return this.used < this.max && this.waiters.length === 0;
  }

  acquire(onPosition: (position: number) => void): SlotWait {
    if (this.free) {
      this.used++;
      const release = this.releaser();
      return { now: release, granted: Promise.resolve(release), cancel: () => {} };
    }
    let waiter!: Waiter;
    const granted = new Promise<() => void>((resolve) => {
      waiter = { grant: resolve, onPosition };
    });
    this.waiters.push(waiter);
    onPosition(this.waiters.length);
    return {
      now: null,
      granted,
      cancel: () => {
        const i = this.waiters.indexOf(waiter);
        if (i < 0) return;
        this.waiters.splice(i, 1);
        waiter.grant(() => {});
        this.announce(i);
      },
    };
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
      this.grantNext();
    };
  }

  private grantNext(): void {
    let served = 0;
    while (this.used < this.max && this.waiters.length > 0) {
      const w = this.waiters.shift()!;
      this.used++;
      served++;
      w.grant(this.releaser());
    }
    if (served > 0) this.announce(0);
  }

  private announce(from: number): void {
    for (let i = from; i < this.waiters.length; i++) this.waiters[i].onPosition(i + 1);
  }
}
