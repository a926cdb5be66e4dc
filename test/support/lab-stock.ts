/**
 * The fixed-reply-queue pair of test/fixtures/specs/rpc (checkout asks stock; the reply comes
 * back in `lab.stock.replies`): its topology compiled from the fixture, and the descriptors the
 * generator emits for it (test/fixtures/specs/rpc.golden), written out for runtime tests.
 */
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { buildTopology } from '../../src/compiler/emit/topology.js';
import { loadContracts } from '../../src/compiler/index.js';
import type { MessageDescriptor, PayloadValidator, ReceiveDescriptor, RequestDescriptor, ServiceDescriptor } from '../../src/runtime/contract.js';
import type { TopologyDocument } from '../../src/topology/types.js';

export interface CheckStock {
  sku: string;
}
export interface StockLevel {
  sku: string;
  available: number;
}

export const REPLY_QUEUE = 'lab.stock.replies';

export async function labTopology(): Promise<TopologyDocument> {
  const { model, diagnostics } = await loadContracts('.', { cwd: join(import.meta.dirname, '../fixtures/specs/rpc') });
  if (!model) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return buildTopology(model);
}

const ajv = new Ajv();
function message<T>(name: string, properties: Record<string, unknown>, required: string[]): MessageDescriptor<T> {
  const validate = ajv.compile({ type: 'object', additionalProperties: false, required, properties }) as unknown as PayloadValidator<T>;
  return { name, type: `lab.${name}`, version: '1.0.0', system: 'lab', contentType: 'application/json', validate };
}

export const CheckStockMessage = message<CheckStock>('CheckStock', { sku: { type: 'string', minLength: 1 } }, ['sku']);
export const StockLevelMessage = message<StockLevel>('StockLevel', { sku: { type: 'string' }, available: { type: 'integer', minimum: 0 } }, ['sku', 'available']);

const service = (name: string): ServiceDescriptor => ({ id: `lab/${name}`, system: 'lab', name, vhost: 'lab', brokerUser: `lab-${name}` });
export const checkoutService = service('checkout');
export const stockService = service('stock');

export const checkStockSend: RequestDescriptor<CheckStock, StockLevel> = {
  operationId: 'lab/checkout#checkStock',
  service: 'lab/checkout',
  vhost: 'lab',
  exchange: 'lab.commands',
  exchangeType: 'direct',
  routingKey: 'check.stock',
  message: CheckStockMessage,
  reply: { messages: [StockLevelMessage], queue: REPLY_QUEUE },
};

export const stockCheckStockReceive: ReceiveDescriptor = {
  operationIds: ['lab/stock#onCheckStock'],
  service: 'lab/stock',
  vhost: 'lab',
  queue: 'stock.check.stock',
  messages: [CheckStockMessage as MessageDescriptor],
  retry: { retries: 0, delaysMs: [], exchange: 'stock.retry', queues: [] },
  deadLetter: { exchange: 'stock.dlx', routingKey: 'stock.check.stock', queue: 'stock.check.stock.dlq' },
  prefetch: 50,
  concurrency: 10,
  senders: { byType: { 'lab.CheckStock': ['lab-checkout'] }, routingKeys: { 'lab.CheckStock': ['check.stock'] } },
  replies: { 'lab.CheckStock': { messages: [StockLevelMessage as MessageDescriptor], queue: REPLY_QUEUE } },
};
