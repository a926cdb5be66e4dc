/** `check` reads a reply the right way round: the replier produces it, the requester consumes it. */
import { describe, expect, it } from 'vitest';
import { diffContracts } from '../../../src/check/contract-diff.js';
import { loadContracts } from '../../../src/compiler/index.js';
import type { ContractModel } from '../../../src/compiler/model.js';

describe('request/reply in check', () => {
  it('a breaking change to a reply hurts the requester, and names the replier as its producer', { timeout: 120_000 }, async () => {
    const { model } = await loadContracts('asyncapi');
    const base = model!;
    const changed: ContractModel = {
      ...base,
      systems: base.systems.map((s) => ({
        ...s,
        messages: s.messages.map((m) =>
          m.id === 'saas/UserProfile' ? { ...m, payload: { ...(m.payload as object), properties: { ...((m.payload as { properties: object }).properties), status: { type: 'integer' } } } } : m,
        ),
      })),
    };
    const findings = diffContracts(base, changed).findings.filter((f) => f.message.startsWith('UserProfile'));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0]).toMatchObject({ severity: 'error', affected: { consumers: ['saas/reports'], producers: ['saas/users'] } });
    const request = diffContracts(base, {
      ...base,
      systems: base.systems.map((s) => ({ ...s, messages: s.messages.map((m) => (m.id === 'saas/GetUserProfile' ? { ...m, contentType: 'application/avro' } : m)) })),
    }).findings.find((f) => f.message.startsWith('GetUserProfile'));
    expect(request).toMatchObject({ affected: { consumers: ['saas/users'], producers: ['saas/reports'] } });
  });
});
