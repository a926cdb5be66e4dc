/** saas/webhooks' pure rules: the circuit breaker, outcome classes, signatures, URLs. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { admit, classify, CLOSED, endpointSecret, endpointUrlProblem, failed, releasable, sign, succeeded, verify, type Breaker } from '../../../../services/saas/webhooks/domain.js';

const settings = { threshold: 3, cooldownMs: 1_000, probeTimeoutMs: 5_000 };

describe('circuit breaker', () => {
  it('opens on the threshold-th unavailable answer in a row, not before', () => {
    let b: Breaker = CLOSED;
    b = failed(b, 10, settings);
    b = failed(b, 20, settings);
    expect(b).toMatchObject({ state: 'closed', failures: 2 });
    expect(admit(b, 25, settings).decision).toBe('deliver');
    b = failed(b, 30, settings);
    expect(b).toMatchObject({ state: 'open', failures: 3, openedAt: 30 });
  });

  it('defers while open, lets one probe through after the cool-down, defers the rest while it runs', () => {
    const open: Breaker = { state: 'open', failures: 3, openedAt: 1_000, probeAt: null };
    expect(admit(open, 1_999, settings).decision).toBe('defer');
    expect(releasable(open, 1_999, settings)).toBe('none');
    const probe = admit(open, 2_000, settings);
    expect(probe).toMatchObject({ decision: 'probe', breaker: { state: 'half_open', probeAt: 2_000 } });
    expect(releasable(open, 2_000, settings)).toBe('one');
    expect(admit(probe.breaker, 2_001, settings).decision).toBe('defer');
    // A probe that never settled (its worker died) lets another one go.
    expect(admit(probe.breaker, 7_000, settings).decision).toBe('probe');
  });

  it('a failed probe opens it again with a fresh cool-down; a success closes it and resets the count', () => {
    const halfOpen: Breaker = { state: 'half_open', failures: 3, openedAt: 1_000, probeAt: 2_000 };
    expect(failed(halfOpen, 2_500, settings)).toMatchObject({ state: 'open', openedAt: 2_500 });
    expect(succeeded()).toEqual(CLOSED);
    expect(releasable(CLOSED, 0, settings)).toBe('all');
  });
});

describe('outcomes', () => {
  it('2xx delivered; silence, 408, 429, 5xx unavailable; other answers rejected', () => {
    expect([200, 204].map(classify)).toEqual(['delivered', 'delivered']);
    expect([undefined, 408, 429, 500, 503].map(classify)).toEqual(Array(5).fill('unavailable'));
    expect([301, 400, 401, 404, 410].map(classify)).toEqual(Array(5).fill('rejected'));
  });
});

describe('signature', () => {
  const secret = endpointSecret('k'.repeat(32), '8d2f6b1a-4c9e-4a7d-b3f5-1e8c4a2d9b60');

  it('is HMAC-SHA256 over timestamp.body, hex, that a receiver verifies', () => {
    const body = '{"type":"user.created"}';
    const signature = sign(secret, 1_700_000_000, body);
    expect(signature).toBe(`v1=${createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex')}`);
    expect(verify(secret, { timestamp: '1700000000', signature }, body, 1_700_000_010)).toBe(true);
    expect(verify(secret, { timestamp: '1700000000', signature }, `${body} `, 1_700_000_010)).toBe(false);
    expect(verify(`${secret}x`, { timestamp: '1700000000', signature }, body, 1_700_000_010)).toBe(false);
    // A replay outside the tolerance is refused even with a valid signature.
    expect(verify(secret, { timestamp: '1700000000', signature }, body, 1_700_000_000 + 301)).toBe(false);
  });

  it('secrets differ per endpoint and per master key, and are stable', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(endpointSecret('k'.repeat(32), '8d2f6b1a-4c9e-4a7d-b3f5-1e8c4a2d9b60')).toBe(secret);
    expect(endpointSecret('k'.repeat(32), '1d8f4b2a-7e3c-4a9d-b6e1-8c2f5a9d3b71')).not.toBe(secret);
    expect(endpointSecret('m'.repeat(32), '8d2f6b1a-4c9e-4a7d-b3f5-1e8c4a2d9b60')).not.toBe(secret);
  });
});

describe('endpoint URLs', () => {
  it('https only, no credentials', () => {
    expect(endpointUrlProblem('https://hooks.example.com/x')).toBeUndefined();
    expect(endpointUrlProblem('http://hooks.example.com/x')).toBe('must be https://');
    expect(endpointUrlProblem('https://user:pw@hooks.example.com/x')).toBe('must not carry credentials');
    expect(endpointUrlProblem('not a url')).toBe('is not a URL');
  });
});
