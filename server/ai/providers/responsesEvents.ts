// Normalises Responses API streaming events (identical over WebSocket and SSE) into TurnEvents,
// and collects the output items that become conversation history.
import { classify, providerError } from './providerErrors.ts';
import type { ProviderError, ToolKind, TurnEvent, Usage } from './types.ts';

type Json = Record<string, unknown>;

export type ResponsesOutcome =
  | { kind: 'completed'; responseId: string; usage: Usage }
  | { kind: 'error'; error: ProviderError; notFound?: boolean; reconnect?: boolean };

interface Call {
  callId: string;
  name: string;
  kind: ToolKind;
  input: string;
  done: boolean;
}

const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function usageOf(raw: unknown): Usage {
  const u = obj(raw);
  return { inputTokens: num(u.input_tokens), outputTokens: num(u.output_tokens), cachedTokens: num(obj(u.input_tokens_details).cached_tokens) };
}

export class ResponsesTurnReader {
  /** Some text or tool input was emitted: the turn can no longer be retried. */
  outputStarted = false;
  responseId: string | null = null;
  /** Sanitised output items (no ids, no reasoning) to replay as history with store:false. */
  readonly outputItems: Json[] = [];
  readonly #calls = new Map<string, Call>();
  readonly #label: string;
  readonly #secrets: Array<string | null>;

  constructor(label: string, secrets: Array<string | null>) {
    this.#label = label;
    this.#secrets = secrets;
  }

  /** Returns events to surface, and the outcome when this event ends the turn. */
  handle(event: Json, emit: (e: TurnEvent) => void): ResponsesOutcome | null {
    switch (event.type) {
      case 'response.created':
      case 'response.in_progress':
        this.responseId = str(obj(event.response).id) ?? this.responseId;
        return null;
      case 'response.output_item.added': {
        const call = this.#call(str(event.item_id) ?? str(obj(event.item).id), obj(event.item));
        if (call) emit({ type: 'tool_call_start', callId: call.callId, name: call.name, kind: call.kind });
        return null;
      }
      case 'response.output_text.delta': {
        const delta = str(event.delta);
        if (delta) {
          this.outputStarted = true;
          emit({ type: 'text', delta });
        }
        return null;
      }
      case 'response.custom_tool_call_input.delta':
      case 'response.function_call_arguments.delta': {
        const kind: ToolKind = event.type === 'response.custom_tool_call_input.delta' ? 'custom' : 'function';
        const call = this.#call(str(event.item_id), { type: kind === 'custom' ? 'custom_tool_call' : 'function_call', call_id: event.call_id });
        const delta = str(event.delta);
        if (call && delta) {
          this.outputStarted = true;
          call.input += delta;
          emit({ type: 'tool_input', callId: call.callId, name: call.name, delta });
        }
        return null;
      }
      case 'response.output_item.done':
        this.#itemDone(obj(event.item), emit);
        return null;
      case 'response.completed': {
        const response = obj(event.response);
        const id = str(response.id) ?? this.responseId ?? '';
        this.responseId = id;
        return { kind: 'completed', responseId: id, usage: usageOf(response.usage) };
      }
      case 'response.failed': {
        const err = obj(obj(event.response).error);
        return { kind: 'error', error: classify({ upstreamCode: str(err.code) ?? 'server_error', message: str(err.message) ?? 'The response failed.', label: this.#label, secrets: this.#secrets }) };
      }
      case 'response.incomplete': {
        const reason = str(obj(obj(event.response).incomplete_details).reason) ?? 'unknown';
        return { kind: 'error', error: providerError('incomplete', `The model stopped before finishing (${reason.replace(/_/g, ' ')}).`, { retryable: false, upstreamCode: reason }) };
      }
      case 'error':
        return this.#error(event);
      default:
        return null; // reasoning, summaries, keep-alives, future event types
    }
  }

  #error(event: Json): ResponsesOutcome {
    // Two documented shapes: nested {status, error:{code,message}} and flat {code, message}.
    const nested = obj(event.error);
    const code = str(nested.code) ?? str(event.code);
    const message = str(nested.message) ?? str(event.message);
    const status = typeof event.status === 'number' ? event.status : undefined;
    if (code === 'previous_response_not_found') {
      return { kind: 'error', notFound: true, error: providerError('bad_request', 'The upstream no longer has the previous response.', { upstreamCode: code }) };
    }
    if (code === 'websocket_connection_limit_reached') {
      return { kind: 'error', reconnect: true, error: providerError('upstream_dropped', `${this.#label} closed the connection at its lifetime limit.`, { upstreamCode: code }) };
    }
    const headers = obj(nested.headers);
    const after = headers['retry-after'] ?? headers['Retry-After'];
    const seconds = Number(after);
    const retryAfterMs = after !== undefined && Number.isFinite(seconds) ? seconds * 1000 : undefined;
    return {
      kind: 'error',
      error: classify({ ...(status !== undefined ? { status } : {}), ...(code ? { upstreamCode: code } : {}), ...(message ? { message } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), label: this.#label, secrets: this.#secrets }),
    };
  }

  #call(itemId: string | undefined, item: Json): Call | null {
    if (item.type !== 'custom_tool_call' && item.type !== 'function_call') return null;
    const key = itemId ?? str(item.call_id) ?? `item${this.#calls.size}`;
    let call = this.#calls.get(key);
    if (!call) {
      call = { callId: str(item.call_id) ?? key, name: str(item.name) ?? 'unknown', kind: item.type === 'custom_tool_call' ? 'custom' : 'function', input: '', done: false };
      this.#calls.set(key, call);
    }
    return call;
  }

  #itemDone(item: Json, emit: (e: TurnEvent) => void): void {
    if (item.type === 'message') {
      const text = (Array.isArray(item.content) ? item.content : []).map((p) => str(obj(p).text) ?? '').join('');
      this.outputItems.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] });
      return;
    }
    if (item.type !== 'custom_tool_call' && item.type !== 'function_call') return;
    const call = this.#call(str(item.id), item)!;
    const input = (item.type === 'custom_tool_call' ? str(item.input) : str(item.arguments)) ?? call.input;
    call.input = input;
    call.done = true;
    if (str(item.call_id)) call.callId = str(item.call_id)!;
    if (str(item.name)) call.name = str(item.name)!;
    emit({ type: 'tool_call_done', callId: call.callId, name: call.name, kind: call.kind, input });
    this.outputItems.push(
      call.kind === 'custom'
        ? { type: 'custom_tool_call', call_id: call.callId, name: call.name, input }
        : { type: 'function_call', call_id: call.callId, name: call.name, arguments: input },
    );
  }

  /** Calls of this turn, for answering them in the next turn's input. */
  get calls(): Array<{ callId: string; kind: ToolKind }> {
    return [...this.#calls.values()].map((c) => ({ callId: c.callId, kind: c.kind }));
  }
}
