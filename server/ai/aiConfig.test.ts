import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startModelServer } from '../../modelServer/modelServer.ts';
import { aiConfigFromEnv, describeAiConfig } from './aiConfig.ts';
import { ConfigError } from '../configError.ts';
import { detectProvider } from './providers/detect.ts';

describe('aiConfigFromEnv', () => {
  it('defaults with nothing set', () => {
    const c = aiConfigFromEnv({});
    assert.deepEqual(c, { provider: 'auto', apiKey: null, baseUrl: null, model: null, models: [], transport: 'websocket', stallMs: 30_000, contextTokens: 128_000, rotateAfterMs: 55 * 60_000 });
  });

  it('reads the standard and Tandem names', () => {
    const c = aiConfigFromEnv({
      TANDEM_AI_PROVIDER: 'chat',
      OPENAI_API_KEY: 'sk-abc',
      OPENAI_BASE_URL: 'http://localhost:11434/v1/',
      TANDEM_AI_MODEL: 'qwen2.5-coder',
      TANDEM_AI_TRANSPORT: 'HTTP',
      TANDEM_AI_STALL_MS: '15000',
      TANDEM_AI_CONTEXT_TOKENS: '64_000',
      TANDEM_AI_ROTATE_MS: '600000',
    });
    assert.equal(c.provider, 'chat');
    assert.equal(c.baseUrl, 'http://localhost:11434/v1');
    assert.equal(c.transport, 'http');
    assert.equal(c.stallMs, 15_000);
    assert.equal(c.contextTokens, 64_000);
    assert.equal(c.rotateAfterMs, 600_000);
    assert.deepEqual(aiConfigFromEnv({ TANDEM_AI_MODELS: ' gpt-5-codex-spark , gpt-5,gpt-5 ' }).models, ['gpt-5-codex-spark', 'gpt-5']);
    assert.equal(describeAiConfig(c).apiKey, 'set');
    assert.ok(!JSON.stringify(describeAiConfig(c)).includes('sk-abc'));
  });

  it('rejects bad values with messages naming the variable and the allowed values', () => {
    const bad: Array<[Record<string, string>, RegExp]> = [
      [{ TANDEM_AI_PROVIDER: 'gemini' }, /TANDEM_AI_PROVIDER must be one of 'responses', 'chat', 'auto' \(got 'gemini'\)/],
      [{ TANDEM_AI_TRANSPORT: 'grpc' }, /TANDEM_AI_TRANSPORT must be one of 'websocket', 'http'/],
      [{ TANDEM_AI_STALL_MS: 'soon' }, /TANDEM_AI_STALL_MS must be a whole number of milliseconds/],
      [{ TANDEM_AI_CONTEXT_TOKENS: '-5' }, /TANDEM_AI_CONTEXT_TOKENS must be a whole number of tokens/],
      [{ TANDEM_AI_ROTATE_MS: String(2 * 60 * 60_000) }, /TANDEM_AI_ROTATE_MS .* between 1000 and 3600000/],
      [{ OPENAI_BASE_URL: 'localhost:11434' }, /OPENAI_BASE_URL must start with http/],
      [{ OPENAI_BASE_URL: 'not a url' }, /OPENAI_BASE_URL must be an http\(s\) URL/],
      [{ OPENAI_BASE_URL: 'https://user:sk-secret@host/v1' }, /must not contain credentials/],
      [{ TANDEM_AI_PROVIDER: 'responses' }, /needs OPENAI_API_KEY .* or OPENAI_BASE_URL/],
      [{ TANDEM_AI_MODELS: 'gpt-5, bad model' }, /TANDEM_AI_MODELS: 'bad model' is not a model id/],
      [{ TANDEM_AI_MODELS: Array.from({ length: 17 }, (_, i) => `m${i}`).join(',') }, /TANDEM_AI_MODELS lists at most 16/],
    ];
    for (const [env, message] of bad) {
      assert.throws(() => aiConfigFromEnv(env), (e: unknown) => e instanceof ConfigError && message.test(e.message) && !e.message.includes('sk-secret'), JSON.stringify(env));
    }
  });
});

describe('detectProvider', () => {
  it('OPENAI_API_KEY alone means OpenAI Responses over WebSocket', async () => {
    const d = await detectProvider(aiConfigFromEnv({ OPENAI_API_KEY: 'sk-test' }));
    assert.equal(d.status, 'ready');
    assert.ok(d.status === 'ready');
    assert.deepEqual({ kind: d.target.kind, baseUrl: d.target.baseUrl, transport: d.target.transport, label: d.target.label }, { kind: 'responses', baseUrl: 'https://api.openai.com/v1', transport: 'websocket', label: 'OpenAI' });
  });

  it('OPENAI_BASE_URL + key point at any Responses-compatible endpoint', async () => {
    const d = await detectProvider(aiConfigFromEnv({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:4010/v1', TANDEM_AI_MODEL: 'm' }));
    assert.ok(d.status === 'ready');
    assert.equal(d.target.kind, 'responses');
    assert.equal(d.target.model, 'm');
  });

  it('finds a local server on the candidate list and takes its first model', async () => {
    const s = await startModelServer({ apiKey: null, model: 'local-coder' });
    try {
      const candidates = [
        { label: 'Nothing here', baseUrl: 'http://127.0.0.1:9/v1' },
        { label: 'Ollama', baseUrl: s.httpBaseUrl },
      ];
      const d = await detectProvider(aiConfigFromEnv({}), { candidates, timeoutMs: 500 });
      assert.ok(d.status === 'ready', JSON.stringify(d));
      assert.deepEqual({ kind: d.target.kind, baseUrl: d.target.baseUrl, model: d.target.model, label: d.target.label, source: d.source }, { kind: 'chat', baseUrl: s.httpBaseUrl, model: 'local-coder', label: 'Ollama', source: 'probed' });
      const chat = await detectProvider(aiConfigFromEnv({ TANDEM_AI_PROVIDER: 'chat', OPENAI_BASE_URL: s.httpBaseUrl }));
      assert.ok(chat.status === 'ready' && chat.target.model === 'local-coder');
    } finally {
      await s.close();
    }
  });

  it('explains how to connect a model when none answers', async () => {
    const d = await detectProvider(aiConfigFromEnv({}), { candidates: [{ label: 'Ollama', baseUrl: 'http://127.0.0.1:9/v1' }], timeoutMs: 300 });
    assert.equal(d.status, 'not-configured');
    assert.ok(d.status === 'not-configured');
    assert.match(d.message, /No AI model is connected/);
    assert.match(d.message, /OPENAI_API_KEY=/);
    assert.match(d.message, /OPENAI_BASE_URL=/);
    assert.match(d.message, /ollama/i);
    assert.deepEqual(d.tried, ['Ollama (http://127.0.0.1:9/v1)']);
  });

  it('a configured chat server that does not answer is an error saying so', async () => {
    const d = await detectProvider(aiConfigFromEnv({ TANDEM_AI_PROVIDER: 'chat', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'sk-hidden-123456' }), { timeoutMs: 300 });
    assert.ok(d.status === 'error');
    assert.match(d.message, /did not answer GET \/models/);
    assert.ok(!d.message.includes('sk-hidden'));
  });
});
