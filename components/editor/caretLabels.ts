// When a remote caret's name label shows: when the caret appears, and when it starts moving after
// being still, for LABEL_MS; not for as long as it keeps moving, so a person typing, or the AI
// writing line after line, does not keep their label over the line above. Hovering the caret
// shows it too (app/globals.css). Pure: the binding gives it the time and each caret's offset.

/** How long a label stays after its caret appears or starts moving. */
export const LABEL_MS = 1500;

interface Seen {
  head: number;
  movedAt: number;
  shownAt: number;
}

export class CaretLabels {
  private readonly seen = new Map<number, Seen>();

  /** Records `client`'s caret at offset `head` at time `now`; whether its label shows. */
  shown(client: number, head: number, now: number): boolean {
    const s = this.seen.get(client);
    if (!s) {
      this.seen.set(client, { head, movedAt: now, shownAt: now });
      return true;
    }
    if (s.head !== head) {
      // Still for a while before this move: it starts a new burst, which the label announces.
      if (now - s.movedAt >= LABEL_MS) s.shownAt = now;
      s.movedAt = now;
      s.head = head;
    }
    return now - s.shownAt < LABEL_MS;
  }

  /** Forgets carets no longer drawn (they show their label again when they come back). */
  keepOnly(clients: ReadonlySet<number>): void {
    for (const client of this.seen.keys()) if (!clients.has(client)) this.seen.delete(client);
  }

  /** Milliseconds until the next shown label hides, or null when none shows. */
  nextHide(now: number): number | null {
    let next: number | null = null;
    for (const s of this.seen.values()) {
      const left = s.shownAt + LABEL_MS - now;
      if (left > 0 && (next === null || left < next)) next = left;
    }
    return next;
  }
}
