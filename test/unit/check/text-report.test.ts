import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../../../src/check/report/check-report.js';
import { formatText } from '../../../src/check/report/text.js';

const report: CheckReport = {
  specDir: 'asyncapi',
  base: { label: 'merge-base(HEAD, main)', commit: 'f443e8c58f36aa', compared: 3, added: 1, removed: 0 },
  routes: [
    { send: 'shop/order#publishOrderCreated', service: 'shop/order', channel: 'shop/order#orderCreated', messages: ['shop/OrderCreated'], vhost: 'shop', exchange: 'shop.events', routingKey: 'shop.order.created', queues: [{ queue: 'billing.orders', service: 'shop/billing', bindingKeys: ['shop.order.created'] }] },
    { send: 'shop/order#publishOrderPaid', service: 'shop/order', channel: 'shop/order#orderPaid', messages: ['shop/OrderPaid'], vhost: 'shop', exchange: 'shop.events', routingKey: 'shop.order.paid', queues: [] },
  ],
  broker: { url: 'http://127.0.0.1:15672', vhosts: ['shop'] },
  findings: [
    {
      category: 'contract',
      rule: 'type-widened',
      severity: 'error',
      subject: 'shop/OrderCreated',
      message: 'OrderCreated: `orderId` type changed from integer to number',
      location: { file: 'asyncapi/shop/order.yaml', line: 27, column: 11 },
      help: 'publish it as OrderCreatedV2',
    },
    { category: 'routing', rule: 'unroutable-send', severity: 'warning', subject: 'shop/order#publishOrderPaid', message: 'nobody receives shop.order.paid', location: { file: 'asyncapi/shop/order.yaml', line: 14, column: 3 } },
    { category: 'drift', rule: 'drift-extra', severity: 'error', subject: 'exchange shop/rogue', message: 'exchange shop/rogue is not in the topology' },
  ],
};

describe('formatText', () => {
  const text = formatText(report, { color: false });

  it('groups findings by what was checked and by file, with line:column', () => {
    expect(text).toContain('eventplane check asyncapi against merge-base(HEAD, main) (f443e8c58f36) and broker http://127.0.0.1:15672');
    expect(text.indexOf('Changes')).toBeLessThan(text.indexOf('Routing'));
    expect(text.indexOf('Routing')).toBeLessThan(text.indexOf('Drift'));
    expect(text).toMatch(/asyncapi\/shop\/order\.yaml\n\s+27:11\s+error\s+OrderCreated: `orderId` type changed from integer to number type-widened\n\s+fix: publish it as OrderCreatedV2/);
    expect(text).toMatch(/shop\.order\.created\s+→ billing\.orders \(shop\/billing\)/);
    expect(text).toMatch(/shop\.order\.paid\s+→ \(no queue\)/);
    expect(text).toContain('failed: 2 errors, 1 warning, 0 notes');
  });

  it('uses colour only when asked to (a terminal)', () => {
    expect(text).not.toContain('\u001b[');
    expect(formatText(report, { color: true })).toContain('\u001b[31m');
  });
});
