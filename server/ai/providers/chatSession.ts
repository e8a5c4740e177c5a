// OpenAI-compatible Chat Completions session (Ollama, vLLM, llama.cpp, LM Studio, Cerebras,
// OpenRouter …): full message history every turn, parsed leniently.
//
// The openai package's SSE reader is lenient where docs/MODEL-PROTOCOLS.md §2 needs it ("data:" with or
// without a space, [DONE] or EOF, `data: {"error":…}` raised as an error, bad JSON raised as
// SyntaxError), so it is used as is; the leniency about chunk *contents* (choices []/null/
// missing, usage on any chunk, reasoning fields, tool calls by index or whole) is below.
import type OpenAI from 'openai';
import { cancelledError, droppedError, providerError, stalledError } from './providerErrors.ts';
import { openaiClient } from './openaiClient.ts';
import { fromSdkError } from './sdkErrors.ts';
import { TurnRunner } from './turnRunner.ts';
import type { Attempt, AttemptResult } from './turnRunner.ts';
import { Watchdog } from './turnStream.ts';
import type { AttemptControl } from './turnStream.ts';
import type { ConversationItem, ProviderError, ProviderTarget, SessionOptions, TurnRequest, Usage } from './types.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

interface Call {
  callId: string;
  name: string;
  input: string;
}

export class ChatSession extends TurnRunner {
  readonly kind = 'chat' as const;
  readonly transport = 'chat' as const;
  #client: OpenAI;
  #history: Json[] = [];
  #openCalls: string[] = [];

  constructor(target: ProviderTarget, options: SessionOptions = {}) {
    super(target, options);
    this.#client = openaiClient(target);
  }

  get historyLength(): number {
    return this.#history.length;
  }

  async warmUp(request: TurnRequest): Promise<ProviderError | null> {
    // Nothing to prepare upstream: Chat Completions is stateless. The context joins the history.
    this.#history.push(...this.#convert(request.input));
    this.#openCalls = [];
    return null;
  }

  resetHistory(): void {
    this.#history = [];
    this.#openCalls = [];
  }

  close(): void {}

  #convert(input: ConversationItem[]): Json[] {
    const answered = new Set(input.flatMap((i) => (i.type === 'tool_result' ? [i.callId] : [])));
    const out: Json[] = this.#openCalls.filter((id) => !answered.has(id)).map((id) => ({ role: 'tool', tool_call_id: id, content: '(no result was reported for this call)' }));
    for (const item of input) {
      // Many local servers only know system/user/assistant/tool.
      if (item.type === 'message') out.push({ role: item.role === 'developer' ? 'system' : 'user', content: item.text });
      else out.push({ role: 'tool', tool_call_id: item.callId, content: item.output });
    }
    return out;
  }

  protected async attempt(request: TurnRequest, _state: { forceFull: boolean }, control: AttemptControl, emit: Attempt['emit']): Promise<AttemptResult> {
    const items = this.#convert(request.input);
    const body: Json = {
      model: this.model,
      messages: [{ role: 'system', content: request.instructions }, ...this.#history, ...items],
      stream: true,
      stream_options: { include_usage: true },
      ...(request.tools && request.tools.length > 0 ? { tools: request.tools } : {}),
      ...request.extra,
    };
    const calls = new Map<number, Call>();
    let text = '';
    let outputStarted = false;
    let finishReason: string | null = null;
    let responseId = '';
    let usage: Usage = { inputTokens: 0, outputTokens: 0, cachedTokens: 0 };
    const watchdog = new Watchdog(this.stallMs, () => control.stop('stalled'));
    const stopped = (): AttemptResult => ({ kind: 'error', error: control.reason === 'stalled' ? stalledError(this.label, this.stallMs) : cancelledError(), outputStarted });
    watchdog.kick();
    try {
      const stream = (await this.#client.chat.completions.create(body as never, { signal: control.signal })) as unknown as AsyncIterable<unknown>;
      for await (const raw of stream) {
        watchdog.kick();
        const chunk = obj(raw);
        if (typeof chunk.id === 'string' && !responseId) responseId = chunk.id;
        if (chunk.usage && typeof chunk.usage === 'object') {
          const u = obj(chunk.usage);
          usage = { inputTokens: num(u.prompt_tokens), outputTokens: num(u.completion_tokens), cachedTokens: num(obj(u.prompt_tokens_details).cached_tokens) };
        }
        const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
        const choice = obj(choices.find((c) => num(obj(c).index) === 0) ?? choices[0]);
        const delta = obj(choice.delta);
        // delta.reasoning / delta.reasoning_content are thinking text: never surfaced.
        if (typeof delta.content === 'string' && delta.content) {
          outputStarted = true;
          text += delta.content;
          emit({ type: 'text', delta: delta.content });
        }
        if (Array.isArray(delta.tool_calls)) {
          delta.tool_calls.forEach((rawCall, position) => {
            const tc = obj(rawCall);
            const fn = obj(tc.function);
            const index = typeof tc.index === 'number' ? tc.index : calls.size + position;
            let call = calls.get(index);
            if (!call) {
              call = { callId: typeof tc.id === 'string' ? tc.id : `call_${index}`, name: typeof fn.name === 'string' ? fn.name : '', input: '' };
              calls.set(index, call);
              emit({ type: 'tool_call_start', callId: call.callId, name: call.name, kind: 'function' });
            }
            // Ollama sends whole calls, sometimes with arguments as an object.
            const args = typeof fn.arguments === 'string' ? fn.arguments : fn.arguments !== undefined ? JSON.stringify(fn.arguments) : '';
            if (args) {
              outputStarted = true;
              call.input += args;
              emit({ type: 'tool_input', callId: call.callId, name: call.name, delta: args });
            }
          });
        }
        if (typeof choice.finish_reason === 'string') finishReason = choice.finish_reason;
      }
      if (control.reason) return stopped();
      // EOF with no finish_reason: the stream was cut, not finished.
      if (finishReason === null) return { kind: 'error', error: droppedError(this.label), outputStarted };
    } catch (err) {
      if (control.reason) return stopped();
      const failure = fromSdkError(err, { label: this.label, baseUrl: this.target.baseUrl, secrets: [this.target.apiKey] });
      if (failure.kind === 'aborted') return stopped();
      return { kind: 'error', error: failure.error, outputStarted };
    } finally {
      watchdog.stop();
    }
    if (finishReason === 'length' || finishReason === 'content_filter') {
      return { kind: 'error', outputStarted, error: providerError('incomplete', `The model stopped before finishing (${finishReason === 'length' ? 'output token limit' : 'content filter'}).`, { retryable: false, upstreamCode: finishReason }) };
    }
    const done = [...calls.values()];
    for (const call of done) emit({ type: 'tool_call_done', callId: call.callId, name: call.name, kind: 'function', input: call.input });
    const assistant: Json = { role: 'assistant', content: text || null };
    if (done.length) assistant.tool_calls = done.map((c) => ({ id: c.callId, type: 'function', function: { name: c.name, arguments: c.input } }));
    this.#history.push(...items, assistant);
    this.#openCalls = done.map((c) => c.callId);
    return { kind: 'completed', responseId, usage, transport: 'chat', chained: false };
  }
}
