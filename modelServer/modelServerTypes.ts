// Public types of the local model server used by tests, benchmarks and development.

/** Which wire protocol a request arrived on. */
export type Transport = 'responses-ws' | 'responses-http' | 'chat-completions' | 'completions';

/** What a scripted turn sees of the request it answers. */
export interface ModelRequest {
  transport: Transport;
  /** Parsed JSON body (for WebSocket: the `response.create` frame). */
  body: Record<string, unknown>;
  /** WebSocket connection id (1-based) or null for HTTP. */
  connectionId: number | null;
  /** Plain text of every input/message part in the request (legacy completions: `prompt`, then `suffix`), joined by newlines. */
  inputText: string;
}

/** A tool call in a scripted output. `kind` defaults from the request's tool list, else custom. */
export interface ScriptedToolCall {
  name: string;
  /** Raw freeform input (custom tools) or the JSON arguments string (function tools). */
  input: string;
  kind?: 'custom' | 'function';
}

/**
 * A failure injected into one turn. `afterTokens` counts output tokens already sent
 * (0 = before the first delta). Failures that need an open stream are ignored by routes
 * where they make no sense (e.g. `connection_limit` over HTTP).
 */
export type Failure =
  /** Drop the TCP connection abruptly (no close frame, no final event). */
  | { kind: 'drop'; afterTokens?: number }
  /** Refuse the request with this HTTP status (401, 429, 500, 503 …); over WebSocket an error event carrying the status. */
  | { kind: 'http'; status: number; retryAfterSeconds?: number; code?: string; message?: string }
  /** Send one bad frame/event then carry on: unparseable JSON, an unknown event type, or a JSON value with no type. */
  | { kind: 'malformed'; variant: 'invalid-json' | 'unknown-event' | 'no-type'; afterTokens?: number }
  /** Stop sending for `ms` without closing (Infinity: until the client goes away). */
  | { kind: 'stall'; ms: number; afterTokens?: number }
  /** Answer as if `previous_response_id` were not cached (evicting it). */
  | { kind: 'previous_response_not_found' }
  /** Send `websocket_connection_limit_reached` and close the WebSocket. */
  | { kind: 'connection_limit' }
  /** An `error` event mid-stream in either documented shape. */
  | { kind: 'error-event'; afterTokens?: number; shape?: 'nested' | 'flat'; code?: string; message?: string; status?: number }
  /** End with `response.failed` (Chat Completions and completions: an error chunk). */
  | { kind: 'failed'; afterTokens?: number; code?: string; message?: string }
  /** End with `response.incomplete` (Chat Completions and completions: finish_reason "length"). */
  | { kind: 'incomplete'; afterTokens?: number; reason?: 'max_output_tokens' | 'content_filter' };

/** One scripted model output. */
export interface ScriptedTurn {
  /** Assistant message text, streamed first. */
  text?: string;
  toolCall?: ScriptedToolCall;
  toolCalls?: ScriptedToolCall[];
  failure?: Failure;
  /** Tokens per second for this turn (overrides the server's rate; 0 or Infinity = unpaced). */
  rate?: number;
  /** Tokens per delta event for this turn. */
  chunkTokens?: number;
  /** Delay before the first event after `response.created` (time to first token), ms. */
  firstTokenDelayMs?: number;
  /** A label for this turn, to release its pauses by name (control: `POST /__control/release {"id"}`). */
  id?: string;
  /**
   * Pause after this many output tokens (0 = before the first): the stream goes silent with the
   * connection open, like a slow model, until released or `pauseMaxMs` passes. See turnPauses.ts.
   */
  pauseAfterTokens?: number | number[];
  /** Pause once the output so far contains this text (its first occurrence, across message and tool inputs). */
  pauseAt?: string | string[];
  /** Longest wait at one pause before the turn resumes by itself, ms (default: the server's, 60 s). */
  pauseMaxMs?: number;
  /**
   * Only a request whose input text contains this string takes the turn; others pass it by (and
   * take the next unconditional turn, or the default). For clients that send requests of their own
   * accord (edit predictions on every keystroke), where queue order alone would race.
   */
  whenInputIncludes?: string;
  /**
   * How this response takes WebSocket `response.steer`: accepted (default); `unsupported`:
   * refused with `steering_not_supported`; `successor-fails`: accepted, then the successor cannot
   * be created (`response.steer.failed`, `successor_creation_failed`, the input handed back);
   * `drop`: the connection is lost as the steer arrives (no acknowledgement: outcome unknown).
   */
  steering?: 'unsupported' | 'successor-fails' | 'drop';
}

export type TurnSource = ScriptedTurn | ((request: ModelRequest) => ScriptedTurn);

export interface HandshakeFailure {
  status: number;
  retryAfterSeconds?: number;
  /** How many upgrade attempts to refuse (default 1). */
  times?: number;
}

export interface ModelServerOptions {
  /** Port to listen on; tests use 0 (default). */
  port?: number;
  host?: string;
  /** Accepted bearer key; null accepts any key (and none). Default 'test-key'. */
  apiKey?: string | null;
  /** Model id reported by /v1/models and in responses. Default 'tandem-test-model'. */
  model?: string;
  /** Default tokens/s (0 or Infinity = as fast as possible). Default 1000. */
  rate?: number;
  /** Default tokens per delta event. Default 1. */
  chunkTokens?: number;
  /** Output when nothing is scripted. Default: echo the last input text. */
  defaultTurn?: TurnSource;
  /** Failure applied to every generating turn that has none of its own. */
  failure?: Failure | null;
  /** WebSocket connection lifetime, ms (the real limit is 60 minutes). */
  connectionLifetimeMs?: number;
  /** Max queued response.create frames per connection while one runs. Default 16. */
  maxQueuedPerConnection?: number;
  /** Mounts the test-only /__control/ routes (controlRoutes.ts). Default false. */
  control?: boolean;
  /** Longest wait at a scripted pause when the turn sets none, ms. Default 60000. */
  pauseMaxMs?: number;
  /** Bound for each recorded list (requests, tokens). Default 100000. */
  maxRecords?: number;
}

export interface RecordedRequest {
  transport: Transport;
  route: string;
  connectionId: number | null;
  body: unknown;
  bytes: number;
  /** Epoch ms (fractional). */
  at: number;
}

/** One delta event that carried output tokens. */
export interface TokenRecord {
  responseId: string;
  /** Index of the first token of this delta within its turn. */
  index: number;
  count: number;
  text: string;
  /** Epoch ms (fractional) just before the frame was handed to the socket. */
  at: number;
}

/** A streamed answer the client went away from before its end (it closed the connection). */
export interface AbortRecord {
  transport: Transport;
  /** The id the answer carried (legacy completions: `cmpl-…`). */
  responseId: string;
  /** Output tokens sent before the client left. */
  afterTokens: number;
  /** The request's parsed body (the same object as in `requests`). */
  body: unknown;
  /** Epoch ms (fractional) when the connection closed. */
  at: number;
}
