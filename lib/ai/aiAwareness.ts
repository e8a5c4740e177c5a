// The AI peer's awareness entry: what the server publishes for it and what the browser reads
// back. Both sides import this one definition; the browser still checks every field, because
// awareness arrives from the network.

export const AI_COLOR = '#8b5cf6';
/** Colours of the AI peers running at once in one session (the first is AI_COLOR). */
export const AI_LANE_COLORS: readonly string[] = [AI_COLOR, '#0ea5e9', '#f59e0b'];

export const AI_PRESENCE_STATUSES = ['idle', 'queued', 'thinking', 'editing', 'error'] as const;
export type AiPresenceStatus = (typeof AI_PRESENCE_STATUSES)[number];

const STATUS_SET: ReadonlySet<string> = new Set(AI_PRESENCE_STATUSES);

export function isAiPresenceStatus(value: unknown): value is AiPresenceStatus {
  return typeof value === 'string' && STATUS_SET.has(value);
}

/** A Yjs relative position as JSON, every field present (null when absent), as y-monaco reads it. */
export interface RelativePositionJson {
  type: unknown;
  tname: string | null;
  item: unknown;
  assoc: number;
}

/** The awareness state the AI peer publishes (`kind: 'ai'`). */
export interface AiAwarenessState {
  user: { name: string; color: string; colorLight: string };
  role: 'edit';
  kind: 'ai';
  status: AiPresenceStatus;
  runId: string | null;
  file: string | null;
  selection: { anchor: RelativePositionJson; head: RelativePositionJson } | null;
}
