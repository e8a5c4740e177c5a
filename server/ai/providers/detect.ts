// Finding a model: the configured one, else the first local OpenAI-compatible server that
// answers GET <base>/models, else a human explanation of how to connect one.
import { redact } from './providerErrors.ts';
import type { ProviderTarget } from './types.ts';
import type { AiConfig } from '../aiConfigTypes.ts';

export interface LocalCandidate {
  label: string;
  baseUrl: string;
}

export const LOCAL_CANDIDATES: LocalCandidate[] = [
  { label: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1' },
  { label: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1' },
  { label: 'llama.cpp server', baseUrl: 'http://127.0.0.1:8080/v1' },
  { label: 'vLLM', baseUrl: 'http://127.0.0.1:8000/v1' },
];

export type Detection =
  | { status: 'ready'; target: ProviderTarget; source: 'configured' | 'probed' }
  | { status: 'not-configured'; message: string; tried: string[] }
  | { status: 'error'; message: string };

export const HOW_TO_CONNECT = [
  'No AI model is connected. Tandem works without one; to add the AI peer, either:',
  '  • run a local OpenAI-compatible server, e.g. `ollama serve` then `ollama pull qwen2.5-coder` (Tandem finds Ollama on 11434, LM Studio on 1234, llama.cpp on 8080 and vLLM on 8000), or',
  '  • set OPENAI_API_KEY=sk-… (and optionally TANDEM_AI_MODEL=gpt-5) for OpenAI, or',
  '  • set OPENAI_BASE_URL=https://your-endpoint/v1 and OPENAI_API_KEY for any Responses-compatible endpoint, or',
  '  • set TANDEM_AI_PROVIDER=chat, OPENAI_BASE_URL=http://host:port/v1 and TANDEM_AI_MODEL=<model> for any Chat Completions server (vLLM, Cerebras, OpenRouter …),',
  'then restart Tandem.',
].join('\n');

/** First model id served at `baseUrl`, or null when nothing answers in time. */
export async function probeModels(baseUrl: string, apiKey: string | null, timeoutMs: number): Promise<string | null> {
  try {
    const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return null;
    const body = (await res.json()) as { data?: Array<{ id?: unknown }>; models?: Array<{ name?: unknown; model?: unknown }> };
    const first = body.data?.find((m) => typeof m.id === 'string')?.id ?? body.models?.map((m) => m.model ?? m.name).find((n) => typeof n === 'string');
    return typeof first === 'string' ? first : null;
  } catch {
    return null;
  }
}

export async function detectProvider(config: AiConfig, options: { candidates?: LocalCandidate[]; timeoutMs?: number } = {}): Promise<Detection> {
  const timeoutMs = options.timeoutMs ?? 800;
  const base = { apiKey: config.apiKey, transport: config.transport };
  const configuredBase = config.baseUrl;
  if (config.provider === 'responses' || (config.provider === 'auto' && (config.apiKey || configuredBase))) {
    const baseUrl = configuredBase ?? 'https://api.openai.com/v1';
    const label = /api\.openai\.com/.test(baseUrl) ? 'OpenAI' : `the model endpoint (${new URL(baseUrl).host})`;
    if (!config.apiKey && /api\.openai\.com/.test(baseUrl)) {
      return { status: 'error', message: 'OPENAI_API_KEY is not set: OpenAI needs an API key. Set it, or point OPENAI_BASE_URL at a local server.' };
    }
    return { status: 'ready', source: 'configured', target: { ...base, kind: 'responses', baseUrl, model: config.model ?? 'gpt-5', label } };
  }
  if (config.provider === 'chat' && configuredBase) {
    const label = `the model server (${new URL(configuredBase).host})`;
    const model = config.model ?? (await probeModels(configuredBase, config.apiKey, timeoutMs));
    if (!model) {
      return { status: 'error', message: redact(`No model at ${configuredBase}: it did not answer GET /models in ${timeoutMs} ms. Is it running? Or set TANDEM_AI_MODEL.`, [config.apiKey]) };
    }
    return { status: 'ready', source: 'configured', target: { ...base, kind: 'chat', baseUrl: configuredBase, model, label } };
  }
  // Nothing configured (or provider=chat without a base URL): probe the usual local servers at once.
  const candidates = options.candidates ?? LOCAL_CANDIDATES;
  const found = await Promise.all(candidates.map((c) => probeModels(c.baseUrl, config.apiKey, timeoutMs)));
  const index = found.findIndex((m) => m !== null);
  if (index >= 0) {
    const c = candidates[index]!;
    return { status: 'ready', source: 'probed', target: { ...base, kind: 'chat', baseUrl: c.baseUrl, model: config.model ?? found[index]!, label: c.label } };
  }
  return { status: 'not-configured', message: HOW_TO_CONNECT, tried: candidates.map((c) => `${c.label} (${c.baseUrl})`) };
}
