// Public contract of the model provider layer: what the AI peer sends per turn and the
// normalised events it gets back, whatever the transport (Responses WS/SSE, Chat Completions).

/** Which wire family a session speaks; the AI peer picks its edit format from it. */
export type ProviderKind = 'responses' | 'chat';
export type ResponsesTransport = 'websocket' | 'http';

/** A resolved, ready-to-use provider (from detectProvider or built by hand in tests). */
export interface ProviderTarget {
  kind: ProviderKind;
  /** e.g. 'https://api.openai.com/v1' or 'http://localhost:11434/v1'. */
  baseUrl: string;
  apiKey: string | null;
  model: string;
  /** Responses only: the preferred transport (falls back to http after a WebSocket failure). */
  transport: ResponsesTransport;
  /** Human label for the UI, e.g. 'OpenAI', 'Ollama'. */
  label: string;
}

export interface SessionOptions {
  /** No upstream event for this long ends the turn with 'stalled'. Default 30 000. */
  stallMs?: number;
  /** Responses WS: rotate the connection after this age (the server's limit is 60 min). Default 55 min. */
  rotateAfterMs?: number;
  /** Longest retry-after we wait for before output (else the error is reported). Default 20 000. */
  maxRetryWaitMs?: number;
  /** Automatic retries of a 429 before any output. Default 2. */
  rateLimitRetries?: number;
  /** Opening handshake timeout for the WebSocket, ms. Default 10 000. */
  connectTimeoutMs?: number;
}

/**
 * A conversation item in provider-neutral form. Tool results answer a tool call of the
 * previous turn by its callId (every call must be answered in the next turn; the session
 * answers any you leave out with a neutral placeholder so the upstream accepts the turn).
 */
export type ConversationItem =
  | { type: 'message'; role: 'user' | 'developer'; text: string }
  | { type: 'tool_result'; callId: string; output: string };

export interface TurnRequest {
  /** System/developer instructions; sent every turn (the upstream does not carry them over). */
  instructions: string;
  /**
   * Only the items that are new since the previous successful turn (the prompt, people's
   * edits since then, tool results). The session keeps the history and decides whether to
   * chain (Responses WS) or resend everything (cache miss, HTTP, Chat Completions).
   */
  input: ConversationItem[];
  /** Tool definitions in the provider's own wire format (Responses `tools` / Chat `tools`). */
  tools?: unknown[];
  /** Extra request fields passed through untouched (e.g. `reasoning`, `tool_choice`, `prediction`). */
  extra?: Record<string, unknown>;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
}

export type ToolKind = 'custom' | 'function';

export type ErrorCode =
  | 'unauthorized'
  | 'rate_limited'
  | 'server_error'
  | 'upstream_dropped'
  | 'malformed'
  | 'stalled'
  | 'cancelled'
  | 'bad_request'
  | 'incomplete'
  | 'unreachable'
  | 'busy';

export interface ProviderError {
  code: ErrorCode;
  /** Clear, for people; never contains an API key. */
  message: string;
  /** Whether trying the same turn again later could succeed. */
  retryable: boolean;
  retryAfterMs?: number;
  /** HTTP status when there was one. */
  status?: number;
  /** The upstream's own error code when it sent one (e.g. 'context_length_exceeded'). */
  upstreamCode?: string;
}

/**
 * One turn's event stream. It always ends with exactly one `completed` or `error`.
 * `text` and `tool_input` are output: once any was yielded the turn is never retried.
 */
export type TurnEvent =
  | { type: 'text'; delta: string }
  | { type: 'tool_call_start'; callId: string; name: string; kind: ToolKind }
  | { type: 'tool_input'; callId: string; name: string; delta: string }
  | { type: 'tool_call_done'; callId: string; name: string; kind: ToolKind; input: string }
  /**
   * Steering input was committed (`steer`): the response in flight stopped at a boundary and its
   * successor starts now; the output that follows is the successor's. Output of the steered
   * response after the steer was sent may have arrived before this (the caller decides its fate).
   */
  | { type: 'steered' }
  | { type: 'completed'; responseId: string; usage: Usage; transport: 'websocket' | 'http' | 'chat'; chained: boolean }
  | { type: 'error'; error: ProviderError };

export interface TurnOptions {
  signal?: AbortSignal;
  /**
   * Called once the request has been handed to the upstream connection. A session may call it
   * before turn()'s first next() returns (a live WebSocket), so the caller can go on without
   * yielding to the event loop; sessions that cannot tell (HTTP) do not call it.
   */
  onSent?: () => void;
}

/**
 * How steering input ended: `committed` (a successor response carries it; the turn's events go on
 * with a `steered` event), `failed` (the provider refused it or could not commit it: the input is
 * the caller's again), `lost` (the connection or the turn ended first: the outcome is unknown, and
 * the response it targeted is gone with it).
 */
export type SteerOutcome = 'committed' | 'failed' | 'lost';

/** One per room: owns the upstream connection and the conversation history. */
export interface ModelSession {
  readonly kind: ProviderKind;
  readonly model: string;
  readonly label: string;
  /** Current Responses transport ('chat' for Chat Completions); becomes 'http' after a WS failure. */
  readonly transport: 'websocket' | 'http' | 'chat';
  /**
   * Prepares the upstream: opens the WebSocket and sends a `generate: false` warm-up with
   * the instructions, tools and initial context, which become the start of the history.
   * Resolves with null on success, else the error (the session stays usable).
   */
  warmUp(request: TurnRequest, options?: TurnOptions): Promise<ProviderError | null>;
  /** Runs one turn. Turns are sequential: a second call while one runs gets a 'busy' error. */
  turn(request: TurnRequest, options?: TurnOptions): AsyncIterable<TurnEvent>;
  /**
   * Sends input to the response in flight without ending it (Responses WebSocket
   * `response.steer`); sessions without it, or with nothing in flight, answer `failed`.
   */
  steer?(input: string): Promise<SteerOutcome>;
  /**
   * A session for turns in parallel with this one's, starting from its conversation so far, on
   * a lane of the same connection (Responses WebSocket `stream_id`). Absent: open another.
   */
  lane?(name: string): ModelSession;
  /** Forgets the history (the next turn sends only its own input, in full). */
  resetHistory(): void;
  close(): void;
}
