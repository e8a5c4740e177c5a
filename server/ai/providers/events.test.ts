// Unit tests of the pure parts: Responses event normalisation, error classification, redaction.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify, parseRetryAfter, redact } from './providerErrors.ts';
import { ResponsesTurnReader } from './responsesEvents.ts';
import type { TurnEvent } from './types.ts';

describe('ResponsesTurnReader', () => {
  it('surfaces text and tool input, ignores reasoning and unknown events, ends on completed', () => {
    const reader = new ResponsesTurnReader('OpenAI', []);
    const out: TurnEvent[] = [];
    const feed = (e: Record<string, unknown>) => reader.handle(e, (x) => out.push(x));
    assert.equal(feed({ type: 'response.created', response: { id: 'resp_1' } }), null);
    feed({ type: 'response.output_item.added', item: { type: 'reasoning', id: 'rs_1' } });
    feed({ type: 'response.reasoning_text.delta', item_id: 'rs_1', delta: 'secret thoughts' });
    feed({ type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', delta: 'summary' });
    feed({ type: 'response.output_text.delta', item_id: 'msg_1', delta: 'Hi', obfuscation: 'xyz' });
    feed({ type: 'keepalive' });
    feed({ type: 'response.output_item.added', item: { type: 'custom_tool_call', id: 'ctc_1', call_id: 'call_1', name: 'apply_patch' } });
    feed({ type: 'response.custom_tool_call_input.delta', item_id: 'ctc_1', delta: '*** Begin' });
    feed({ type: 'response.custom_tool_call_input.delta', item_id: 'ctc_1', delta: ' Patch\n' });
    feed({ type: 'response.output_item.done', item: { type: 'reasoning', id: 'rs_1' } });
    feed({ type: 'response.output_item.done', item: { type: 'custom_tool_call', id: 'ctc_1', call_id: 'call_1', name: 'apply_patch', input: '*** Begin Patch\n' } });
    const end = feed({ type: 'response.completed', response: { id: 'resp_1', usage: { input_tokens: 10, output_tokens: 4, input_tokens_details: { cached_tokens: 6 } } } });
    assert.deepEqual(end, { kind: 'completed', responseId: 'resp_1', usage: { inputTokens: 10, outputTokens: 4, cachedTokens: 6 } });
    assert.deepEqual(out.map((e) => e.type), ['text', 'tool_call_start', 'tool_input', 'tool_input', 'tool_call_done']);
    assert.ok(!JSON.stringify(out).includes('thoughts') && !JSON.stringify(out).includes('summary'));
    assert.deepEqual(reader.outputItems, [{ type: 'custom_tool_call', call_id: 'call_1', name: 'apply_patch', input: '*** Begin Patch\n' }], 'no reasoning items in history');
  });

  it('reads both error shapes by code, not status', () => {
    const reader = new ResponsesTurnReader('OpenAI', []);
    const nested = reader.handle({ type: 'error', status: 400, error: { code: 'rate_limit_exceeded', message: 'slow down', headers: { 'retry-after': '3' } } }, () => {});
    assert.ok(nested?.kind === 'error' && nested.error.code === 'rate_limited' && nested.error.retryAfterMs === 3000);
    const flat = reader.handle({ type: 'error', code: 'previous_response_not_found', message: 'gone' }, () => {});
    assert.ok(flat?.kind === 'error' && flat.notFound === true);
    const limit = reader.handle({ type: 'error', status: 400, error: { code: 'websocket_connection_limit_reached' } }, () => {});
    assert.ok(limit?.kind === 'error' && limit.reconnect === true);
  });
});

describe('errors', () => {
  it('redacts the key, sk- keys and bearer tokens', () => {
    const text = redact('key my-secret-key-123 and sk-proj-abcdef123456 with Authorization: Bearer tok_9876', ['my-secret-key-123']);
    assert.equal(text, 'key <redacted> and <redacted> with Authorization: Bearer <redacted>');
  });

  it('parses retry-after seconds, dates and retry-after-ms', () => {
    assert.equal(parseRetryAfter(new Headers({ 'retry-after': '7' })), 7000);
    assert.equal(parseRetryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '7' })), 250);
    const inTen = new Date(Date.now() + 10_000).toUTCString();
    const ms = parseRetryAfter(new Headers({ 'retry-after': inTen }))!;
    assert.ok(ms > 8000 && ms <= 10_000);
    assert.equal(parseRetryAfter(new Headers({})), undefined);
  });

  it('classifies statuses with readable messages', () => {
    assert.equal(classify({ status: 401, label: 'OpenAI' }).code, 'unauthorized');
    assert.equal(classify({ status: 404, message: 'model not found', label: 'Ollama' }).message, 'Ollama rejected the request (HTTP 404): model not found.');
    assert.equal(classify({ status: 503, label: 'vLLM' }).retryable, true);
    assert.equal(classify({ status: 400, upstreamCode: 'context_length_exceeded', label: 'OpenAI' }).retryable, false);
  });
});
