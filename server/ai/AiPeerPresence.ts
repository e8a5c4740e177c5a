// The AI's entry in the room's presence (lib/ai/aiAwareness.ts): its name and colour, what it is
// doing (status, run, file) and its cursor at its edit point. It is the awareness of the AI's own
// replica, relayed into the room's awareness like a person's; y-protocols renews it every 15 s,
// so it never times out while the AI is in the room.
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { AI_COLOR, type AiAwarenessState, type AiPresenceStatus } from '../../lib/ai/aiAwareness.ts';

/** What the entry says besides its status: the model's name and the run executing. */
export type PresenceSubject = () => { name: string; runId: string | null };

export class AiPeerPresence {
  readonly awareness: awarenessProtocol.Awareness;
  private readonly room: awarenessProtocol.Awareness;
  private readonly subject: PresenceSubject;
  private readonly color: string;
  private left = false;

  constructor(doc: Y.Doc, room: awarenessProtocol.Awareness, subject: PresenceSubject, color = AI_COLOR) {
    this.room = room;
    this.subject = subject;
    this.color = color;
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.on('update', this.onOwnAwareness);
  }

  private onOwnAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }): void => {
    if (this.left) return;
    const changed = [...added, ...updated, ...removed];
    awarenessProtocol.applyAwarenessUpdate(this.room, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed), this);
  };

  get clientId(): number {
    return this.awareness.clientID;
  }

  set(status: AiPresenceStatus, file: string | null, cursor?: { text: Y.Text; index: number }): void {
    if (this.left) return;
    // The shape y-monaco publishes and reads back: every field present, null when absent.
    // (relativePositionToJSON drops null fields, and y-monaco's renderer then dereferences an
    // undefined `item` for a caret at the end of a file, throwing in every browser.)
    const selection = cursor
      ? (() => {
          const rel = Y.createRelativePositionFromTypeIndex(cursor.text, cursor.index, 0);
          const json = { type: rel.type, tname: rel.tname, item: rel.item, assoc: rel.assoc };
          return { anchor: json, head: json };
        })()
      : null;
    const { name, runId } = this.subject();
    const state: AiAwarenessState = {
      user: { name, color: this.color, colorLight: `${this.color}33` },
      role: 'edit',
      kind: 'ai',
      status,
      runId,
      file,
      selection,
    };
    this.awareness.setLocalState(state as unknown as Record<string, unknown>);
  }

  /** Removes the AI's entry from the room's presence and stops renewing it. */
  leave(): void {
    this.left = true;
    awarenessProtocol.removeAwarenessStates(this.room, [this.awareness.clientID], 'ai-left');
    this.awareness.destroy();
  }
}
