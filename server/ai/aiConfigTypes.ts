// The AI configuration's shape, on its own so that reading it (aiConfig.ts) and finding a model
// with it (providers/detect.ts) both depend on it rather than on each other.

export interface AiConfig {
  /** 'auto': Responses when OPENAI_API_KEY or OPENAI_BASE_URL is set, else a probed local server. */
  provider: 'responses' | 'chat' | 'auto';
  apiKey: string | null;
  /** Without a trailing slash, e.g. 'https://api.openai.com/v1'. */
  baseUrl: string | null;
  model: string | null;
  /** Further models people may ask for (TANDEM_AI_MODELS), besides the default. */
  models: string[];
  transport: 'websocket' | 'http';
  stallMs: number;
  contextTokens: number;
  rotateAfterMs: number;
}
