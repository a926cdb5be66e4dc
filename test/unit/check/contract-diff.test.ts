/**
 * Judgements of the contract diff that the compiler keeps real specs from expressing (so the
 * corpus cannot hold them): in-place major bumps, non-JSON content types.
 */
import { describe, expect, it } from 'vitest';
import { diffContracts } from '../../../src/check/contract-diff.js';
import type { ContractModel, MessageModel } from '../../../src/compiler/model.js';
import { buildModel } from './support/model-builder.js';

function withMessage(model: ContractModel, change: (m: MessageModel) => MessageModel): ContractModel {
  return {
    ...model,
    systems: model.systems.map((s) => ({ ...s, messages: s.messages.map(change) })),
  };
}

const base = buildModel('shop', {
  order: {
    sends: {
      orderCreated: {
        address: 'shop.order.created',
        exchange: 'shop.events',
        messages: { OrderCreated: '1.4.0' },
        payload: { type: 'object', properties: { id: { type: 'integer' } } },
      },
    },
  },
  billing: { receives: { onOrderCreated: { channel: 'order#orderCreated', messages: ['OrderCreated'] } } },
});

const summary = (model: ContractModel) =>
  diffContracts(base, model).findings.map((f) => `${f.rule} ${f.severity}${f.help ? ` | ${f.help}` : ''}`);

describe('diffContracts', () => {
  it('lets a breaking change through as a note when the major version went up', () => {
    const bumped = withMessage(base, (m) => ({ ...m, version: '2.0.0', payload: { type: 'object', properties: { id: { type: 'string' } } } }));
    const [finding] = diffContracts(base, bumped).findings;
    expect(finding).toMatchObject({ rule: 'type-changed', severity: 'note' });
    expect(finding!.message).toContain('(allowed: new major version)');
  });

  it('fails the same change without the bump, naming the next major as the fix', () => {
    const changed = withMessage(base, (m) => ({ ...m, version: '1.5.0', payload: { type: 'object', properties: { id: { type: 'string' } } } }));
    expect(summary(changed)).toEqual([
      'type-changed error | publish it as OrderCreatedV2 (x-version 2.0.0 and routing key shop.order.created.v2) beside OrderCreated and move consumers over',
    ]);
  });

  it('fails a content type change both ways', () => {
    const changed = withMessage(base, (m) => ({ ...m, contentType: 'application/avro' }));
    const [finding] = diffContracts(base, changed).findings;
    expect(finding).toMatchObject({ rule: 'content-type-changed', severity: 'error', consumers: 'breaking', producers: 'breaking' });
  });

  it('names who a change hurts', () => {
    const changed = withMessage(base, (m) => ({ ...m, payload: { type: 'object', properties: { id: { type: 'number' } } } }));
    const [finding] = diffContracts(base, changed).findings;
    expect(finding!.affected).toEqual({ consumers: ['shop/billing'], producers: ['shop/order'] });
    expect(finding!.message).toContain('[breaks consumers shop/billing]');
  });

  it('counts compared, added and removed messages', () => {
    const diff = diffContracts(base, base);
    expect([diff.compared, diff.added, diff.removed, diff.findings.length]).toEqual([1, 0, 0, 0]);
  });
});
