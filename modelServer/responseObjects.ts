// Builders for the objects inside Responses API events, shaped after the `openai`
// package's type definitions (Response, ResponseOutputMessage, ResponseCustomToolCall, …).
import { randomBytes } from 'node:crypto';
import type { ScriptedToolCall } from './modelServerTypes.ts';

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

/** A planned output item: its id, kind and the full text it will stream. */
export interface PlannedItem {
  kind: 'message' | 'custom' | 'function';
  id: string;
  callId: string;
  name: string;
  text: string;
}

export function toolKind(call: ScriptedToolCall, requestTools: unknown): 'custom' | 'function' {
  if (call.kind) return call.kind;
  if (Array.isArray(requestTools)) {
    const declared = requestTools.find(
      (t) => t && typeof t === 'object' && (t as { name?: unknown }).name === call.name,
    ) as { type?: unknown } | undefined;
    if (declared?.type === 'function') return 'function';
  }
  return 'custom';
}

/** The item as it appears in output_item.added / .done and in the final response. */
export function itemObject(item: PlannedItem, text: string, status: 'in_progress' | 'completed' | 'incomplete') {
  switch (item.kind) {
    case 'message':
      return {
        id: item.id,
        type: 'message',
        status,
        role: 'assistant',
        content: status === 'in_progress' && text === '' ? [] : [textPart(text)],
      };
    case 'custom':
      return { id: item.id, type: 'custom_tool_call', status, call_id: item.callId, name: item.name, input: text };
    case 'function':
      return { id: item.id, type: 'function_call', status, call_id: item.callId, name: item.name, arguments: text };
  }
}

export function textPart(text: string) {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

export interface UsageFigures {
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
}

export function usageObject(u: UsageFigures) {
  return {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cachedTokens },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.inputTokens + u.outputTokens,
  };
}

/** The `response` object carried by response.created / in_progress / completed / failed / incomplete. */
export function responseObject(
  id: string,
  body: Record<string, unknown>,
  model: string,
  createdAt: number,
  fields: {
    status: 'in_progress' | 'completed' | 'failed' | 'incomplete';
    output?: unknown[];
    usage?: ReturnType<typeof usageObject> | null;
    error?: { code: string; message: string } | null;
    incompleteReason?: string | null;
  },
) {
  const done = fields.status !== 'in_progress';
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: fields.status,
    background: false,
    completed_at: fields.status === 'completed' ? Math.floor(Date.now() / 1000) : null,
    error: fields.error ?? null,
    incomplete_details: fields.incompleteReason ? { reason: fields.incompleteReason } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: body.max_tool_calls ?? null,
    model: typeof body.model === 'string' ? body.model : model,
    output: fields.output ?? [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: body.prompt_cache_key ?? null,
    reasoning: body.reasoning ?? { effort: null, summary: null },
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    usage: done ? (fields.usage ?? null) : null,
    user: null,
    metadata: body.metadata ?? {},
  };
}

/** Nested error event, the shape used for request-level failures (status + error object). */
export function nestedErrorEvent(
  status: number,
  code: string,
  message: string,
  extra: { param?: string | null; headers?: Record<string, string>; type?: string } = {},
) {
  return {
    type: 'error',
    status,
    error: {
      type: extra.type ?? errorTypeFor(status),
      code,
      message,
      param: extra.param ?? null,
      ...(extra.headers ? { headers: extra.headers } : {}),
    },
  };
}

/** Flat error event, the shape used for errors while streaming. */
export function flatErrorEvent(code: string, message: string, sequenceNumber: number) {
  return { type: 'error', code, message, param: null, sequence_number: sequenceNumber };
}

export function errorTypeFor(status: number): string {
  if (status === 401) return 'invalid_authentication_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export function defaultErrorCode(status: number): string {
  if (status === 401) return 'invalid_api_key';
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 503) return 'server_overloaded';
  if (status >= 500) return 'server_error';
  return 'invalid_request';
}

/** HTTP error body in the OpenAI shape `{"error": {message, type, param, code}}`. */
export function httpErrorBody(status: number, code: string, message: string, param: string | null = null) {
  return { error: { message, type: errorTypeFor(status), param, code } };
}

/** Rough input-token estimate (≈ 4 bytes per token) of what a request carries. */
export function estimateTokens(value: unknown): number {
  if (value === undefined || value === null) return 0;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Math.ceil(Buffer.byteLength(text) / 4);
}
