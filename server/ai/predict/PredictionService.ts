// Edit predictions for the person typing. Latency is the feature, so each person has at most one
// request upstream: a newer one aborts it (the provider stops generating), a prediction the person
// is typing through is kept without asking again, and answers are cached on the excerpt around
// the cursor. Per-person rate limit and a per-session budget of upstream requests; nothing here
// writes to the shared document (an accepted prediction is written by the person's own editor).
import type OpenAI from 'openai';
import { openaiClient } from '../providers/openaiClient.ts';
import type { ProviderTarget } from '../providers/types.ts';
import { RateLimiter } from '../../access/rateLimit.ts';
import { AiError } from '../aiError.ts';
import type { PredictConfig } from './predictConfig.ts';
import { LaneTransportError, PredictionLanes } from './predictionLanes.ts';
import { fimEdit, fimPrompt, rewriteEdit, rewritePrompt, stillPredicted, type PredictedEdit, type PredictionInput, type RecentEdit } from './predictionPrompt.ts';

export interface PredictionResult {
  edit: PredictedEdit | null;
  /** Where the answer came from: the model, the cache, or an earlier prediction typed through. */
  source: 'model' | 'cache' | 'typed-through' | 'superseded';
  model: string;
  /** The file's text the prediction is against. */
  text: string;
}

/**
 * Reads a file from the live room: its text and its recent edits as the person asking sees them
 * ("you" for theirs); null when there is no such file.
 */
export type ReadFile = (sessionId: string, path: string, personKey: string) => Promise<{ text: string; recentEdits: RecentEdit[] } | null>;

const MAX_CACHE = 500;
/** Characters around the cursor a cache key covers. */
const KEY_BEFORE = 3000;
const KEY_AFTER = 1500;
const MAX_TRACKED_PEOPLE = 10_000;

interface CachedEdit {
  /** Offsets relative to the cursor. */
  from: number;
  to: number;
  text: string;
}

interface LastPrediction {
  path: string;
  text: string;
  cursor: number;
  edit: PredictedEdit;
}

export class PredictionService {
  readonly config: PredictConfig;
  private readonly client: OpenAI;
  /** The Responses WebSocket kept for predictions (kind 'responses' over websocket), else null. */
  private readonly lanes: PredictionLanes | null;
  private readonly readFile: ReadFile;
  private readonly inFlight = new Map<string, AbortController>();
  private readonly last = new Map<string, LastPrediction>();
  private readonly cache = new Map<string, CachedEdit | null>();
  private readonly perPerson: RateLimiter;
  private readonly perSession: RateLimiter;

  constructor(config: PredictConfig, readFile: ReadFile) {
    this.config = config;
    this.readFile = readFile;
    // One target for the HTTP client and the prediction socket (the client reads its URL and key).
    const target: ProviderTarget = { kind: 'responses', baseUrl: config.baseUrl ?? 'https://api.openai.com/v1', apiKey: config.apiKey, model: config.model, transport: config.transport, label: 'predictions' };
    this.client = openaiClient(target, { timeoutMs: config.timeoutMs });
    this.lanes = config.kind === 'responses' && config.transport === 'websocket' ? new PredictionLanes(target, config.timeoutMs) : null;
    this.perPerson = new RateLimiter(config.perPersonPerMinute, 60_000);
    this.perSession = new RateLimiter(config.perSessionPerHour, 3_600_000);
  }

  /**
   * Predicts the person's next edit at `cursor` in `path`. A newer call by the same person in the
   * same session supersedes this one: it resolves with source 'superseded' and no edit.
   */
  /** `mark(stage)` is told when each stage ends ('read': the file, 'model': the upstream answer). */
  async predict(sessionId: string, personKey: string, path: string, cursor: number | ((text: string) => number), mark: (stage: 'read' | 'model') => void = () => {}): Promise<PredictionResult> {
    const person = `${sessionId}\u0000${personKey}`;
    const rate = this.perPerson.check(person);
    if (!rate.ok) throw new AiError('rate_limited', 'too many predictions; slow down', rate.retryAfterMs);
    this.perPerson.record(person);
    this.inFlight.get(person)?.abort();
    this.inFlight.delete(person);

    const file = await this.readFile(sessionId, path, personKey);
    mark('read');
    if (file === null) throw new AiError('unknown_file', `no file ${JSON.stringify(path)} in this session`);
    const { text, recentEdits } = file;
    const at = Math.max(0, Math.min(typeof cursor === 'number' ? cursor : cursor(text), text.length));
    const result = (edit: PredictedEdit | null, source: PredictionResult['source']): PredictionResult => ({ edit, source, model: this.config.model, text });

    // Typing through the last prediction: what is left of it still holds.
    const previous = this.last.get(person);
    if (previous && previous.path === path) {
      const rest = stillPredicted(previous, text, at);
      if (rest) {
        this.remember(person, { path, text, cursor: at, edit: rest });
        return result(rest, 'typed-through');
      }
    }

    // Per session: a prompt carries more of the file than the key covers (and other sessions' text
    // must never shape this one's answers).
    const key = `${sessionId}\u0000${path}\u0000${text.slice(Math.max(0, at - KEY_BEFORE), at)}\u0000${text.slice(at, at + KEY_AFTER)}`;
    if (this.cache.has(key)) {
      const cached = this.cache.get(key)!;
      // Most recently used last.
      this.cache.delete(key);
      this.cache.set(key, cached);
      const edit = cached && { start: at + cached.from, end: at + cached.to, text: cached.text };
      if (edit) this.remember(person, { path, text, cursor: at, edit });
      return result(edit, 'cache');
    }

    const budget = this.perSession.check(sessionId);
    if (!budget.ok) throw new AiError('rate_limited', "this session's prediction budget is used up for now", budget.retryAfterMs);
    this.perSession.record(sessionId);

    const abort = new AbortController();
    this.inFlight.set(person, abort);
    const input: PredictionInput = { path, text, cursor: at, recentEdits };
    let edit: PredictedEdit | null;
    try {
      edit = await this.ask(input, abort.signal);
      mark('model');
    } catch (err) {
      if (abort.signal.aborted) {
        return result(null, 'superseded');
      }
      throw err;
    } finally {
      if (this.inFlight.get(person) === abort) this.inFlight.delete(person);
    }
    if (abort.signal.aborted) return result(null, 'superseded');
    this.cache.set(key, edit && { from: edit.start - at, to: edit.end - at, text: edit.text });
    if (this.cache.size > MAX_CACHE) this.cache.delete(this.cache.keys().next().value!);
    if (edit) this.remember(person, { path, text, cursor: at, edit });
    else this.last.delete(person);
    return result(edit, 'model');
  }

  /** Stops the person's request in flight upstream (their editor no longer wants it). */
  cancel(sessionId: string, personKey: string): void {
    const person = `${sessionId}\u0000${personKey}`;
    this.inFlight.get(person)?.abort();
    this.inFlight.delete(person);
  }

  /** Aborts every request in flight (shutdown). */
  close(): void {
    for (const abort of this.inFlight.values()) abort.abort();
    this.inFlight.clear();
    this.lanes?.close();
  }

  private remember(person: string, prediction: LastPrediction): void {
    if (this.last.size >= MAX_TRACKED_PEOPLE && !this.last.has(person)) this.last.clear();
    this.last.set(person, prediction);
  }

  private async ask(input: PredictionInput, signal: AbortSignal): Promise<PredictedEdit | null> {
    const { model, kind } = this.config;
    if (kind === 'fim') {
      const { prompt, suffix } = fimPrompt(input);
      const stream = await this.client.completions.create({ model, prompt, suffix, max_tokens: 256, temperature: 0, stream: true }, { signal });
      let out = '';
      for await (const chunk of stream) out += chunk.choices[0]?.text ?? '';
      return fimEdit(input, out);
    }
    const prompt = rewritePrompt(input);
    let answer = '';
    if (kind === 'chat') {
      const stream = await this.client.chat.completions.create(
        { model, temperature: 0, max_tokens: MAX_OUTPUT_TOKENS, stream: true, messages: [{ role: 'system', content: prompt.system }, { role: 'user', content: prompt.user }] },
        { signal },
      );
      for await (const chunk of stream) answer += chunk.choices[0]?.delta?.content ?? '';
    } else {
      const onSocket = this.lanes?.usable ? await this.onLane(prompt, signal) : null;
      answer = onSocket ?? (await this.client.responses.create({ model, instructions: prompt.system, input: prompt.user, store: false, max_output_tokens: MAX_OUTPUT_TOKENS }, { signal })).output_text;
    }
    return rewriteEdit(input.text, prompt.region, answer);
  }

  /** The answer over the prediction socket, or null when it could not carry it (then HTTP). */
  private async onLane(prompt: { system: string; user: string }, signal: AbortSignal): Promise<string | null> {
    try {
      return await this.lanes!.ask({ instructions: prompt.system, input: prompt.user, maxOutputTokens: MAX_OUTPUT_TOKENS }, signal);
    } catch (err) {
      if (err instanceof LaneTransportError) return null;
      throw err;
    }
  }
}

/** The longest answer a prediction may have (a rewritten editable region). */
const MAX_OUTPUT_TOKENS = 1024;
