import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { clientAddress, forwardHeaders, isForwarded } from './forward.ts';

const secret = randomBytes(32);
const request = (headers: Record<string, string>) => ({ headers, socket: { remoteAddress: '10.0.0.9' } }) as unknown as IncomingMessage;

test('a forwarded address is believed only with the signature of the shared secret', () => {
  assert.equal(clientAddress(request(forwardHeaders('203.0.113.7', secret)), secret), '203.0.113.7');
  assert.equal(clientAddress(request({}), secret), '10.0.0.9');
  // A client that sends the headers itself, with a made-up or another secret's signature.
  assert.equal(clientAddress(request({ 'x-tandem-forwarded-for': '203.0.113.7', 'x-tandem-forward-signature': 'bogus' }), secret), '10.0.0.9');
  assert.equal(clientAddress(request(forwardHeaders('203.0.113.7', randomBytes(32))), secret), '10.0.0.9');
  // A signature for one address does not carry over to another.
  const signed = forwardHeaders('203.0.113.7', secret);
  assert.equal(clientAddress(request({ ...signed, 'x-tandem-forwarded-for': '203.0.113.8' }), secret), '10.0.0.9');
  assert.equal(isForwarded(request(signed)), true);
  assert.equal(isForwarded(request({})), false);
});
