// Who is typing where, as the AI peer sees its room: each person's caret (the head of the
// selection their editor publishes in awareness, resolved in the AI's replica) and when they last
// typed (their clientID's clock advanced in an update from the room) or moved their caret (a
// backspace moves it; deletions carry no author). A hunk holds its writes while someone with edit
// access typed within TYPING_MS with their caret in the hunk's lines (HunkWriter), so the AI never
// writes under the line a person is typing; roles and kinds are the server's (awarenessRole.ts).
import type * as Y from 'yjs';
import { createAbsolutePositionFromRelativePosition, type AbsolutePosition, type RelativePosition } from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { readRelativePosition } from '../../lib/relativePosition.ts';

/** A keystroke or caret move this recent means the person is typing there now. */
export const TYPING_MS = 2000;

const MAX_NAME = 64;

export interface Typist {
  clientId: number;
  name: string;
}

/** Who types in `text` between `range()`'s ends now (evaluated only when someone typed lately). */
export type TypistCheck = (text: Y.Text, range: () => { from: number; to: number }) => Typist | null;

/** How hunks wait for typists: who types where, and the longest a hunk waits (default MAX_HOLD_MS). */
export interface TypingPolicy {
  check: TypistCheck;
  maxHoldMs?: number;
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

export class TypingWatch {
  private readonly doc: Y.Doc;
  private readonly awareness: Awareness;
  private readonly fromRoom: unknown;
  private readonly now: () => number;
  /** When each person last typed or moved their caret. */
  private readonly lastActive = new Map<number, number>();
  /**
   * Each person's last caret that resolved here. Awareness is relayed at once while document
   * updates wait for storage, so a caret just after a fresh keystroke names a character this
   * replica has not received yet: it is taken to be where it last resolved until that arrives.
   */
  private readonly lastHead = new Map<number, RelativePosition>();

  /** `fromRoom`: the origin of the room's updates applied to `doc` (people's edits). */
  constructor(doc: Y.Doc, awareness: Awareness, fromRoom: unknown, now: () => number = Date.now) {
    this.doc = doc;
    this.awareness = awareness;
    this.fromRoom = fromRoom;
    this.now = now;
    awareness.on('change', this.onAwareness);
    doc.on('afterTransaction', this.onTransaction);
  }

  private person(clientId: number): Record<string, unknown> | null {
    const state = this.awareness.getStates().get(clientId);
    return state && state.kind !== 'ai' && state.role === 'edit' ? state : null;
  }

  private onAwareness = ({ added, updated, removed }: AwarenessChange): void => {
    const at = this.now();
    for (const id of added) if (this.person(id)) this.lastActive.set(id, at);
    for (const id of updated) if (this.person(id)) this.lastActive.set(id, at);
    for (const id of [...added, ...updated]) this.caret(id);
    for (const id of removed) {
      this.lastActive.delete(id);
      this.lastHead.delete(id);
    }
  };

  private onTransaction = (tr: Y.Transaction): void => {
    if (tr.origin !== this.fromRoom || this.lastActive.size === 0) return;
    const at = this.now();
    for (const id of this.lastActive.keys()) {
      if ((tr.afterState.get(id) ?? 0) !== (tr.beforeState.get(id) ?? 0)) this.lastActive.set(id, at);
      this.caret(id);
    }
  };

  /** See TypistCheck: the first person typing with their caret within [from - 1, to]. */
  typistIn: TypistCheck = (text, range) => {
    const since = this.now() - TYPING_MS;
    let bounds: { from: number; to: number } | null = null;
    for (const [id, at] of this.lastActive) {
      if (at < since) continue;
      const abs = this.caret(id);
      if (!abs || abs.type !== text) continue;
      bounds ??= range();
      // The line just above counts too (its end is one character before the hunk's first line).
      if (abs.index < bounds.from - 1 || abs.index > bounds.to) continue;
      const user = this.person(id)!.user as { name?: unknown } | undefined;
      return { clientId: id, name: typeof user?.name === 'string' && user.name ? user.name.slice(0, MAX_NAME) : 'someone' };
    }
    return null;
  };

  /**
   * Where the person's caret is in this replica: the head they publish when it resolves (kept as
   * their last resolvable one), else where it last resolved (see lastHead). Called on their
   * awareness and document updates too, so the last resolvable caret stays current.
   */
  private caret(id: number): AbsolutePosition | null {
    const sel = this.person(id)?.selection as { head?: unknown } | null | undefined;
    const head = sel ? readRelativePosition(sel.head) : null;
    if (!head) return null;
    const abs = this.resolve(head);
    if (abs) {
      this.lastHead.set(id, head);
      return abs;
    }
    const last = this.lastHead.get(id);
    return last ? this.resolve(last) : null;
  }

  private resolve(pos: RelativePosition): AbsolutePosition | null {
    try {
      return createAbsolutePositionFromRelativePosition(pos, this.doc);
    } catch {
      return null;
    }
  }

  destroy(): void {
    this.awareness.off('change', this.onAwareness);
    this.doc.off('afterTransaction', this.onTransaction);
  }
}
