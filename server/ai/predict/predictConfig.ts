// Edit predictions' own model setting (TANDEM_PREDICT_*), separate from the AI peer's: a
// prediction wants a small fast model, often a local fill-in-the-middle one. Off unless a model
// is named. The key and base URL default to the AI peer's (OPENAI_API_KEY, OPENAI_BASE_URL).
import { ConfigError } from '../../configError.ts';

/**
 * How the prompt is sent:
 * - 'fim': `POST /v1/completions` with `prompt` (before the cursor) and `suffix` (after it), the
 *   OpenAI-style fill-in-the-middle that Codestral, DeepSeek, Ollama's and llama.cpp's
 *   OpenAI-compatible servers accept;
 * - 'chat': Chat Completions, the excerpt with an editable region and a cursor marker, the
 *   rewritten region back;
 * - 'responses': the same prompt through the Responses API, on lanes of a WebSocket kept open for
 *   predictions (TANDEM_PREDICT_TRANSPORT=http: `POST /v1/responses` instead).
 */
export type PredictKind = 'fim' | 'chat' | 'responses';

export interface PredictConfig {
  kind: PredictKind;
  model: string;
  /** Without a trailing slash, e.g. 'http://localhost:11434/v1'. */
  baseUrl: string | null;
  apiKey: string | null;
  /** Predictions one person may ask for per minute. */
  perPersonPerMinute: number;
  /** Predictions a session may ask for per hour, all people together. */
  perSessionPerHour: number;
  /** Upstream answer time after which a prediction is given up (it is stale by then). */
  timeoutMs: number;
  /** Responses only: a WebSocket kept open for predictions (the default), or HTTP requests. */
  transport: 'websocket' | 'http';
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be a whole number between ${min} and ${max} (got '${raw}').`);
  return value;
}

/** The prediction setting, or null when predictions are off (no TANDEM_PREDICT_MODEL). */
export function predictConfigFromEnv(env: Env): PredictConfig | null {
  const model = env.TANDEM_PREDICT_MODEL?.trim();
  if (!model) return null;
  const kindRaw = (env.TANDEM_PREDICT_PROVIDER?.trim().toLowerCase() || 'fim') as PredictKind;
  if (!['fim', 'chat', 'responses'].includes(kindRaw)) {
    throw new ConfigError(`TANDEM_PREDICT_PROVIDER must be one of 'fim', 'chat', 'responses' (got '${env.TANDEM_PREDICT_PROVIDER}').`);
  }
  const baseUrl = (env.TANDEM_PREDICT_BASE_URL?.trim() || env.OPENAI_BASE_URL?.trim() || null)?.replace(/\/+$/, '') ?? null;
  if (baseUrl !== null) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new ConfigError('TANDEM_PREDICT_BASE_URL must be an http(s) URL such as http://localhost:11434/v1.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('TANDEM_PREDICT_BASE_URL must start with http:// or https://.');
    if (url.username || url.password) throw new ConfigError('TANDEM_PREDICT_BASE_URL must not contain credentials; put the key in TANDEM_PREDICT_API_KEY.');
  }
  const transport = env.TANDEM_PREDICT_TRANSPORT?.trim().toLowerCase() || 'websocket';
  if (transport !== 'websocket' && transport !== 'http') throw new ConfigError(`TANDEM_PREDICT_TRANSPORT must be 'websocket' or 'http' (got '${env.TANDEM_PREDICT_TRANSPORT}').`);
  return {
    kind: kindRaw,
    model,
    baseUrl,
    apiKey: env.TANDEM_PREDICT_API_KEY?.trim() || env.OPENAI_API_KEY?.trim() || null,
    perPersonPerMinute: integer(env, 'TANDEM_PREDICT_RATE_PER_PERSON', 120, 1, 100_000),
    perSessionPerHour: integer(env, 'TANDEM_PREDICT_BUDGET_PER_SESSION', 5_000, 1, 10_000_000),
    timeoutMs: integer(env, 'TANDEM_PREDICT_TIMEOUT_MS', 5_000, 100, 120_000),
    transport,
  };
}
