// Validation of a WebSocket `response.steer` event, as the API documents it: only `type`,
// `previous_response_id` and `input`; input a non-empty string or a non-empty array of `user`
// messages (optional `type: 'message'`, `content` a string or input_text / input_image /
// input_file parts). No `stream_id`: the target response determines the lane.

export interface AcceptedSteer {
  id: string;
  previousId: string;
  /** The input as the client sent it (handed back on failure). */
  input: unknown;
  /** The input as message items, for the continuation's input. */
  items: Record<string, unknown>[];
}

export type SteerCheck = { ok: true; previousId: string; input: unknown; items: Record<string, unknown>[] } | { ok: false; message: string };

const PARTS = new Set(['input_text', 'input_image', 'input_file']);

export function checkSteerFrame(frame: Record<string, unknown>): SteerCheck {
  const extra = Object.keys(frame).filter((k) => k !== 'type' && k !== 'previous_response_id' && k !== 'input');
  if (extra.length > 0) return { ok: false, message: `response.steer accepts only type, previous_response_id and input (got ${extra.slice(0, 4).join(', ')}).` };
  const previousId = frame.previous_response_id;
  if (typeof previousId !== 'string' || previousId === '') return { ok: false, message: 'previous_response_id must be a response id.' };
  const input = frame.input;
  if (typeof input === 'string') {
    return input === '' ? { ok: false, message: 'input must not be empty.' } : { ok: true, previousId, input, items: [{ role: 'user', content: input }] };
  }
  if (!Array.isArray(input) || input.length === 0) return { ok: false, message: 'input must be a non-empty string or a non-empty array of user messages.' };
  for (const item of input) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) return { ok: false, message: 'each input item must be a message object.' };
    const m = item as Record<string, unknown>;
    if (Object.keys(m).some((k) => k !== 'type' && k !== 'role' && k !== 'content')) return { ok: false, message: 'steering messages may contain only type, role and content.' };
    if (m.type !== undefined && m.type !== 'message') return { ok: false, message: 'steering accepts only message items.' };
    if (m.role !== 'user') return { ok: false, message: 'steering accepts only messages with the user role.' };
    const content = m.content;
    const partsOk = Array.isArray(content) && content.length > 0 && content.every((p) => p && typeof p === 'object' && PARTS.has((p as { type?: unknown }).type as string));
    if (typeof content !== 'string' && !partsOk) return { ok: false, message: 'content must be a string or input_text, input_image and input_file parts.' };
  }
  return { ok: true, previousId, input, items: input as Record<string, unknown>[] };
}
