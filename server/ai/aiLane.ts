// One AI peer of a room's AI (AiPeer): a replica of the room's document with a clientID per run,
// its presence (name, colour, cursor), its view of who types where, its conversation with the
// model, and the run it executes. Runs on different files execute at once on lanes of their
// own; lane 0 is always there, the others come and go with their runs.
import * as Y from 'yjs';
import { AI_LANE_COLORS } from '../../lib/ai/aiAwareness.ts';
import type { RoomHandle } from '../collab/roomHandle.ts';
import { AiPeerPresence } from './AiPeerPresence.ts';
import type { AiTurn } from './AiTurn.ts';
import type { ModelConversation } from './ModelConversation.ts';
import { TypingWatch } from './typingWatch.ts';

export class AiLane {
  readonly index: number;
  readonly doc = new Y.Doc();
  readonly presence: AiPeerPresence;
  readonly typing: TypingWatch;
  readonly color: string;
  conversation: ModelConversation;
  active: AiTurn | null = null;
  private readonly onUpdate: (update: Uint8Array, origin: unknown, doc: Y.Doc) => void;

  /**
   * `fromRoom`: the origin of the room's updates in the replica; `name`: the model's name now;
   * `onUpdate`: told of every update of the replica (relayed to the room) until destroy().
   */
  constructor(index: number, room: RoomHandle, fromRoom: unknown, conversation: ModelConversation, name: () => string, onUpdate: (update: Uint8Array, origin: unknown, doc: Y.Doc) => void) {
    this.index = index;
    this.onUpdate = onUpdate;
    this.conversation = conversation;
    this.color = AI_LANE_COLORS[index % AI_LANE_COLORS.length]!;
    Y.applyUpdate(this.doc, Y.encodeStateAsUpdate(room.doc), fromRoom);
    this.typing = new TypingWatch(this.doc, room.awareness, fromRoom);
    this.presence = new AiPeerPresence(this.doc, room.awareness, () => ({ name: name(), runId: this.active?.id ?? null }), this.color);
    this.doc.on('update', onUpdate);
  }

  /** Leaves the room's presence and lets go of the replica and the conversation. */
  destroy(): void {
    this.doc.off('update', this.onUpdate);
    this.presence.leave();
    this.typing.destroy();
    this.conversation.close();
    this.doc.destroy();
  }
}
