// AI configuration from the environment (the server's config module passes env in; nothing
// here reads process.env). Standard names where they exist: OPENAI_API_KEY, OPENAI_BASE_URL.
import { redact } from './providers/providerErrors.ts';
import type { AiConfig } from './aiConfigTypes.ts';
import { ConfigError } from '../configError.ts';

export const AI_DEFAULTS = { stallMs: 30_000, contextTokens: 128_000, rotateAfterMs: 55 * 60_000 } as const;

function oneOf<T extends string>(env: Record<string, string | undefined>, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got '${env[name]}').`);
}

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number, unit: string): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number of ${unit} between ${min} and ${max} (got '${raw}').`);
  }
  return value;
}

/** At most this many models to choose from. */
const MAX_MODELS = 16;

/** TANDEM_AI_MODELS: model ids separated by commas (as the provider names them). */
function modelList(raw: string | undefined): string[] {
  const models = [...new Set((raw ?? '').split(',').map((m) => m.trim()).filter(Boolean))];
  if (models.length > MAX_MODELS) throw new ConfigError(`TANDEM_AI_MODELS lists at most ${MAX_MODELS} models (got ${models.length}).`);
  for (const m of models) {
    if (!/^[\w.:/@+-]{1,128}$/.test(m)) throw new ConfigError(`TANDEM_AI_MODELS: '${m.slice(0, 40)}' is not a model id (letters, digits and . : / @ + - _).`);
  }
  return models;
}

export function aiConfigFromEnv(env: Record<string, string | undefined>): AiConfig {
  const provider = oneOf(env, 'TANDEM_AI_PROVIDER', ['responses', 'chat', 'auto'] as const, 'auto');
  const transport = oneOf(env, 'TANDEM_AI_TRANSPORT', ['websocket', 'http'] as const, 'websocket');
  const apiKey = env.OPENAI_API_KEY?.trim() || null;
  let baseUrl = env.OPENAI_BASE_URL?.trim() || null;
  if (baseUrl) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new ConfigError(`OPENAI_BASE_URL must be an http(s) URL such as https://api.openai.com/v1 or http://localhost:11434/v1 (got '${redact(baseUrl)}').`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigError(`OPENAI_BASE_URL must start with http:// or https:// (got '${url.protocol}'); Tandem derives the WebSocket URL itself.`);
    }
    if (url.username || url.password) throw new ConfigError('OPENAI_BASE_URL must not contain credentials; put the key in OPENAI_API_KEY.');
    baseUrl = baseUrl.replace(/\/+$/, '');
  }
  if (provider === 'responses' && !apiKey && !baseUrl) {
    throw new ConfigError('TANDEM_AI_PROVIDER=responses needs OPENAI_API_KEY (for OpenAI) or OPENAI_BASE_URL (for another Responses-compatible endpoint).');
  }
  return {
    provider,
    apiKey,
    baseUrl,
    model: env.TANDEM_AI_MODEL?.trim() || null,
    models: modelList(env.TANDEM_AI_MODELS),
    transport,
    stallMs: integer(env, 'TANDEM_AI_STALL_MS', AI_DEFAULTS.stallMs, 1_000, 600_000, 'milliseconds'),
    contextTokens: integer(env, 'TANDEM_AI_CONTEXT_TOKENS', AI_DEFAULTS.contextTokens, 1_000, 10_000_000, 'tokens'),
    rotateAfterMs: integer(env, 'TANDEM_AI_ROTATE_MS', AI_DEFAULTS.rotateAfterMs, 1_000, 60 * 60_000, 'milliseconds'),
  };
}

/** The config with the key hidden, for logs and diagnostics. */
export function describeAiConfig(config: AiConfig): Record<string, string | number> {
  return {
    provider: config.provider,
    apiKey: config.apiKey ? 'set' : 'unset',
    baseUrl: config.baseUrl ?? 'default',
    model: config.model ?? 'default',
    transport: config.transport,
    stallMs: config.stallMs,
    contextTokens: config.contextTokens,
    rotateAfterMs: config.rotateAfterMs,
  };
}
