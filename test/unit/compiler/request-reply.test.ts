/**
 * Request/reply in the compiler: the fixture test/fixtures/specs/rpc (checkout asks pricing for
 * a quote) compiles to the golden clients and permissions, the requester and replier are typed
 * (a missing or mistyped reply is a tsc error), and the ep-reply rules catch bad pairs.
 * UPDATE_GOLDEN=1 rewrites the golden files after an intended change.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitAll, loadContracts } from '../../../src/compiler/index.js';
import type { TopologyDocument } from '../../../src/topology/types.js';
import { fixtures, tempDir, tsc, writeFiles } from './support.js';

const golden = join(fixtures, 'rpc.golden');
let files: Map<string, string>;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const { model, diagnostics } = await loadContracts('.', { cwd: join(fixtures, 'rpc') });
  expect(diagnostics).toEqual([]);
  files = await emitAll(model!);
}, 120_000);

afterAll(async () => {
  for (const remove of cleanup) await remove();
});

async function matchesGolden(name: string, actual: string): Promise<void> {
  const path = join(golden, name);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, actual);
  }
  expect(actual).toBe(await readFile(path, 'utf8'));
}

const goodHandlers = `
import type { EventPublisher, EventRequester, EventSubscriber } from './runtime-contract.js';
import { createCheckoutPublisher } from './clients/lab/checkout.js';
import { subscribePricing, type PricingHandlers } from './clients/lab/pricing.js';
import type { StockHandlers } from './clients/lab/stock.js';

export const stock: StockHandlers = {
  async onCheckStock(delivery) {
    return { sku: delivery.payload.sku, available: 3 };
  },
};

export const handlers: PricingHandlers = {
  async onQuotePrice(delivery) {
    if (delivery.payload.sku === 'old') return { sku: delivery.payload.sku, reason: 'discontinued' };
    return { sku: delivery.payload.sku, unitPrice: 9.5 * delivery.payload.quantity, currency: 'EUR' };
  },
};

export async function wire(bus: EventPublisher & EventRequester & EventSubscriber) {
  const reply = await createCheckoutPublisher(bus).requestQuote({ sku: 'A-1', quantity: 2 }, { timeoutMs: 2000 });
  const price: number | undefined = 'unitPrice' in reply ? reply.unitPrice : undefined;
  void price;
  const level: number = (await createCheckoutPublisher(bus).checkStock({ sku: 'A-1' })).available;
  void level;
  return subscribePricing(bus, handlers);
}
`;

const badHandlers = `
import type { EventPublisher } from './runtime-contract.js';
import { createCheckoutPublisher } from './clients/lab/checkout.js';
import type { PricingHandlers } from './clients/lab/pricing.js';

// A replier that forgets to reply.
export const missing: PricingHandlers = {
  async onQuotePrice() {},
};

// A replier whose reply is no reply message.
export const mistyped: PricingHandlers = {
  async onQuotePrice(delivery) {
    return { sku: delivery.payload.sku, unitPrice: '9.50', currency: 'EUR' };
  },
};

export async function wire(bus: EventPublisher) {
  // A requester needs a bus that can request, and the reply is not a string.
  const reply: string = await createCheckoutPublisher(bus).requestQuote({ sku: 'A-1', quantity: 2 });
  void reply;
}
`;

describe('request/reply in the compiler', () => {
  it('emits the golden requester and replier clients and the reply permissions', async () => {
    await matchesGolden('checkout.ts.golden', files.get('clients/lab/checkout.ts')!);
    await matchesGolden('pricing.ts.golden', files.get('clients/lab/pricing.ts')!);
    await matchesGolden('stock.ts.golden', files.get('clients/lab/stock.ts')!);
    const topology = JSON.parse(files.get('topology.json')!) as TopologyDocument;
    await matchesGolden('permissions.json', `${JSON.stringify({ permissions: topology.permissions, topicPermissions: topology.topicPermissions }, null, 2)}\n`);
    // Exactly the reply path. Direct reply-to: the replier writes to the default exchange, nothing
    // declares a reply queue. Fixed reply queue: the topology declares it, only its requester reads it.
    expect(topology.permissions.find((p) => p.user === 'lab-pricing')!.write).toContain('amq\\.default');
    expect(topology.permissions.find((p) => p.user === 'lab-stock')!.write).toContain('amq\\.default');
    expect(topology.permissions.find((p) => p.user === 'lab-checkout')!.write).not.toContain('amq');
    expect(topology.permissions.find((p) => p.user === 'lab-checkout')!.read).toBe('^lab\\.stock\\.replies$');
    expect(topology.permissions.find((p) => p.user === 'lab-stock')!.read).not.toContain('replies');
    expect(topology.queues.map((q) => `${q.name} ${q.role}`)).toEqual([
      'lab.stock.replies reply',
      'pricing.quote.price consumer',
      'pricing.quote.price.dlq dead-letter',
      'stock.check.stock consumer',
      'stock.check.stock.dlq dead-letter',
    ]);
    expect(topology.bindings.filter((b) => b.destination === 'lab.stock.replies')).toEqual([]);
    expect(topology.policies.find((p) => p.name === 'ep.lab.stock.replies')!.definition).toMatchObject({ 'message-ttl': 300_000 });
    expect(topology.exchanges.map((e) => e.name)).not.toContain('');
  });

  it('typechecks a replier that returns a reply and a requester that awaits it', { timeout: 120_000 }, async () => {
    const dir = await tempDir('rpc-good');
    cleanup.push(dir.remove);
    await writeFiles(dir.path, files);
    await writeFiles(dir.path, { 'handlers.ts': goodHandlers });
    const result = await tsc(dir.path);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('makes a missing reply, a mistyped reply and a misused request compile errors', { timeout: 120_000 }, async () => {
    const dir = await tempDir('rpc-bad');
    cleanup.push(dir.remove);
    await writeFiles(dir.path, files);
    await writeFiles(dir.path, { 'handlers.ts': badHandlers });
    const result = await tsc(dir.path);
    expect(result.code).not.toBe(0);
    const errors = result.stdout.split('\n').filter((l) => l.startsWith('handlers.ts('));
    const at = (line: number) => errors.some((e) => e.startsWith(`handlers.ts(${line},`));
    expect(at(8), result.stdout).toBe(true); // Promise<void> is not Promise<PriceQuoted | PriceUnavailable>
    expect(at(13), result.stdout).toBe(true); // unitPrice: string
    expect(at(20), result.stdout).toBe(true); // EventPublisher lacks request; the reply is not a string
    expect(errors).toHaveLength(4);
  });
});

describe('ep-reply', () => {
  const envelope = join(fixtures, 'rpc/_shared/envelope.yaml');
  async function diagnose(files: Record<string, string>) {
    const dir = await tempDir('rpc-rules');
    cleanup.push(dir.remove);
    await writeFiles(dir.path, { ...files, '_shared/envelope.yaml': await readFile(envelope, 'utf8') });
    const { diagnostics } = await loadContracts('.', { cwd: dir.path });
    return diagnostics.filter((d) => d.rule === 'ep-reply').map((d) => `${d.file.split('/').pop()}:${d.line} ${d.message}`);
  }
  const checkout = (reply: boolean) =>
    (reply ? '' : '') +
    `asyncapi: 3.0.0
info: { title: checkout, version: 1.0.0, x-owner: lab }
channels:
  quotePrice:
    address: quote.price
    messages: { QuotePrice: { $ref: '#/components/messages/QuotePrice' } }
    bindings: { amqp: { is: routingKey, exchange: { name: lab.commands, type: direct } } }
operations:
  requestQuote:
    action: send
    channel: { $ref: '#/channels/quotePrice' }
${reply ? "    reply: { channel: { $ref: './pricing.yaml#/channels/quoteReply' } }\n" : ''}components:
  messages:
    QuotePrice:
      name: QuotePrice
      x-version: 1.0.0
      traits: [ { $ref: '../_shared/envelope.yaml#/components/messageTraits/Envelope' } ]
      payload: { type: object, properties: { sku: { type: string } } }
      examples: [ { payload: { sku: a } } ]
`;
  const replier = (name: string, withReply: boolean) => `asyncapi: 3.0.0
info: { title: ${name}, version: 1.0.0, x-owner: lab }
channels:
  quotePrice: { $ref: './checkout.yaml#/channels/quotePrice' }
  quoteReply:
    address: null
    messages: { ${name === 'pricing' ? 'PriceQuoted' : 'Quoted2'}: { $ref: '#/components/messages/Reply' } }
operations:
  onQuotePrice:
    action: receive
    channel: { $ref: '#/channels/quotePrice' }
${withReply ? "    reply: { channel: { $ref: '#/channels/quoteReply' } }\n" : ''}components:
  messages:
    Reply:
      name: ${name === 'pricing' ? 'PriceQuoted' : 'Quoted2'}
      x-version: 1.0.0
      traits: [ { $ref: '../_shared/envelope.yaml#/components/messageTraits/Envelope' } ]
      payload: { type: object, properties: { price: { type: number } } }
      examples: [ { payload: { price: 1 } } ]
`;

  it('accepts a matching pair', { timeout: 60_000 }, async () => {
    expect(await diagnose({ 'lab/checkout.yaml': checkout(true), 'lab/pricing.yaml': replier('pricing', true) })).toEqual([]);
  });

  it('refuses a request nobody answers, an answer nobody asked for, and two repliers', { timeout: 60_000 }, async () => {
    expect(await diagnose({ 'lab/checkout.yaml': checkout(true), 'lab/pricing.yaml': replier('pricing', false) })).toEqual([
      expect.stringMatching(/^checkout\.yaml:\d+ requestQuote waits for a reply, but no receive operation of channel quotePrice declares one/),
    ]);
    expect(await diagnose({ 'lab/checkout.yaml': checkout(false), 'lab/pricing.yaml': replier('pricing', true) })).toEqual([
      expect.stringMatching(/^checkout\.yaml:\d+ requestQuote sends to channel quotePrice, which pricing\.onQuotePrice answers: declare the reply here too/),
    ]);
    const two = await diagnose({ 'lab/checkout.yaml': checkout(true), 'lab/pricing.yaml': replier('pricing', true), 'lab/quotes.yaml': replier('quotes', true) });
    expect(two.some((d) => /already has a replier \(pricing\.onQuotePrice\)/.test(d)), two.join('\n')).toBe(true);
  });
});
