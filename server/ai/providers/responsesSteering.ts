// Steering a response in flight on the Responses WebSocket (`response.steer`): the events that
// settle each steering submission, and the hand-over to the successor response. Acceptance only
// means the server holds the input; the successor's `response.created` commits it. A steered
// response ends `incomplete` (reason `steered`) or, before any boundary, `completed`; either way
// the turn goes on with the successor. A refusal, or input left pending for tool output (Tandem
// answers tool calls in its next turn, not mid-run), gives the input back to the caller.
import type { ResponsesOutcome, ResponsesTurnReader } from './responsesEvents.ts';
import type { ResponsesSocket } from './responsesSocket.ts';
import type { SteerOutcome, TurnEvent } from './types.ts';

type Json = Record<string, unknown>;

interface PendingSteer {
  input: string;
  /** The server's id, once accepted. */
  id?: string;
  accepted: boolean;
  settle: (outcome: SteerOutcome) => void;
}

/** The turn in flight on the socket, as steering sees it. */
export interface InFlight {
  socket: ResponsesSocket;
  reader: ResponsesTurnReader;
  /** Submissions not yet settled, oldest first. */
  steers: PendingSteer[];
  /** The steered response is over (this is how it ended) and its successor is awaited. */
  awaiting: ResponsesOutcome | null;
  emit(event: TurnEvent): void;
}

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/**
 * Handles a steering-related event: `consumed` (nothing more to do), an outcome that ends the
 * turn (the steered response is over and nothing will follow it), or null (an ordinary event:
 * the reader handles it).
 */
export function steerEvent(f: InFlight, event: Json): 'consumed' | ResponsesOutcome | null {
  const anyAccepted = () => f.steers.some((s) => s.accepted);
  switch (event.type) {
    case 'response.steer.accepted': {
      const s = f.steers.find((x) => !x.accepted);
      if (s) {
        s.accepted = true;
        const id = obj(event.steer).id;
        if (typeof id === 'string') s.id = id;
      }
      return 'consumed';
    }
    case 'response.steer.failed':
    case 'response.steer.pending': {
      const id = obj(event.steer).id;
      const at = typeof id === 'string' ? f.steers.findIndex((x) => x.id === id) : f.steers.findIndex((x) => !x.accepted);
      if (at >= 0) f.steers.splice(at, 1)[0]!.settle('failed');
      if (f.awaiting && !anyAccepted()) {
        const ended = f.awaiting;
        f.awaiting = null;
        return ended;
      }
      return 'consumed';
    }
    case 'response.incomplete':
      if (obj(obj(event.response).incomplete_details).reason !== 'steered' || !anyAccepted() || f.awaiting) return null;
      f.awaiting = f.reader.handle(event, f.emit);
      return 'consumed';
    case 'response.completed':
      if (!anyAccepted() || f.awaiting) return null;
      // Completed before a boundary: an automatic successor may still carry the input.
      f.awaiting = f.reader.handle(event, f.emit);
      return 'consumed';
    case 'response.created': {
      if (!f.awaiting) return null;
      // The successor: the accepted input is committed, and becomes part of the history.
      f.awaiting = null;
      for (const s of f.steers.filter((x) => x.accepted)) {
        f.steers.splice(f.steers.indexOf(s), 1);
        f.reader.outputItems.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: s.input }] });
        s.settle('committed');
      }
      f.emit({ type: 'steered' });
      return null;
    }
    default:
      return null;
  }
}
