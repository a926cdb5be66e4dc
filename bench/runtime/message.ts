/**
 * The benchmark's event: a ~1 KiB JSON order, its ajv-compiled validator and the descriptors a
 * generated client would pass to the runtime, for a queue whose objects the section declares.
 */
import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import type { MessageDescriptor, PayloadValidator, ReceiveDescriptor, SendDescriptor, ServiceDescriptor } from '../../src/runtime/contract.js';

export interface BenchOrder {
  orderId: string;
  customerId: string;
  currency: 'EUR' | 'GBP' | 'USD';
  total: number;
  /** performance.timeOrigin + performance.now() at publish, for end-to-end latency. */
  sentAt: number;
  lines: Array<{ sku: string; quantity: number; price: number }>;
  note: string;
}

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;
const validate = addFormats(new Ajv({ allErrors: true })).compile({
  type: 'object',
  required: ['orderId', 'customerId', 'currency', 'total', 'sentAt', 'lines', 'note'],
  additionalProperties: false,
  properties: {
    orderId: { type: 'string', format: 'uuid' },
    customerId: { type: 'string', minLength: 1 },
    currency: { enum: ['EUR', 'GBP', 'USD'] },
    total: { type: 'number', minimum: 0 },
    sentAt: { type: 'number' },
    lines: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['sku', 'quantity', 'price'],
        additionalProperties: false,
        properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 }, price: { type: 'number', minimum: 0 } },
      },
    },
    note: { type: 'string', maxLength: 2000 },
  },
}) as unknown as PayloadValidator<BenchOrder>;

const LINES = Array.from({ length: 5 }, (_, i) => ({ sku: `SKU-${1000 + i}`, quantity: i + 1, price: 9.99 + i }));
const TARGET_BYTES = 1024;
const bare: BenchOrder = { orderId: randomUUID(), customerId: 'customer-000123', currency: 'EUR', total: 149.85, sentAt: Date.now() + 0.123, lines: LINES, note: '' };
const NOTE = 'x'.repeat(TARGET_BYTES - JSON.stringify(bare).length);

/** A fresh order (new id, current time) serialising to ~1 KiB. */
export function benchOrder(): BenchOrder {
  return { orderId: randomUUID(), customerId: 'customer-000123', currency: 'EUR', total: 149.85, sentAt: performance.timeOrigin + performance.now(), lines: LINES, note: NOTE };
}

export const nowMs = () => performance.timeOrigin + performance.now();

export const ROUTING_KEY = 'bench.order.created';

export interface BenchObjects {
  readonly exchange: string;
  readonly queue: string;
  readonly retryExchange: string;
  readonly deadLetterExchange: string;
  readonly deadLetterQueue: string;
}

export function benchObjects(prefix: string): BenchObjects {
  return {
    exchange: `${prefix}.events`,
    queue: `${prefix}.orders`,
    retryExchange: `${prefix}.retry`,
    deadLetterExchange: `${prefix}.dlx`,
    deadLetterQueue: `${prefix}.orders.dlq`,
  };
}

export const benchService = (user: string): ServiceDescriptor => ({ id: 'bench/orders', system: 'bench', name: 'orders', vhost: 'bench', brokerUser: user });

export const BenchOrderMessage: MessageDescriptor<BenchOrder> = {
  name: 'BenchOrder',
  type: 'bench.BenchOrder',
  version: '1.0.0',
  system: 'bench',
  contentType: 'application/json',
  validate,
};

export function benchSend(objects: BenchObjects): SendDescriptor<BenchOrder> {
  return { operationId: 'bench/orders#publishBenchOrder', service: 'bench/orders', vhost: 'bench', exchange: objects.exchange, exchangeType: 'topic', routingKey: ROUTING_KEY, message: BenchOrderMessage };
}

/** The contract defaults (prefetch 50, concurrency 10), no retries. */
export function benchReceive(objects: BenchObjects): ReceiveDescriptor {
  return {
    operationIds: ['bench/orders#onBenchOrder'],
    service: 'bench/orders',
    vhost: 'bench',
    queue: objects.queue,
    messages: [BenchOrderMessage as MessageDescriptor],
    retry: { retries: 0, delaysMs: [], exchange: objects.retryExchange, queues: [] },
    deadLetter: { exchange: objects.deadLetterExchange, routingKey: objects.queue, queue: objects.deadLetterQueue },
    prefetch: 50,
    concurrency: 10,
  };
}
