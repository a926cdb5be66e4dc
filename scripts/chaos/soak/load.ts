/**
 * The soak's steady mixed load: typed messages published through the runtime, each under the
 * broker user of the service whose contract sends it (so the consumers' sender checks pass), to
 * four of the running services' queues. Every message's handler succeeds on these payloads, so
 * each confirmed publish must end as one row in its consumer's durable inbox: the ledger.
 *
 * Paced at a fixed rate with a bounded number of publishes in flight; a publish the broker did
 * not confirm is counted apart (never accepted, so never "lost").
 */
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { pino } from 'pino';
import * as appointments from '../../../generated/clients/clinic/appointments.js';
import * as checkout from '../../../generated/clients/shop/checkout.js';
import * as product from '../../../generated/clients/shop/product.js';
import { createAmqpBus, type AmqpBus } from '../../../src/runtime/amqp-bus.js';
import type { PublishReceipt } from '../../../src/runtime/contract.js';

/** A broker user of one service, as applyTopology returns it. */
export interface Credentials {
  readonly username: string;
  readonly password: string;
  readonly vhost: string;
}

/** Where each kind of message goes: the consuming service and its queue (its inbox's consumer name). */
export interface Target {
  readonly kind: string;
  readonly consumer: string;
  readonly vhost: string;
  readonly queue: string;
  readonly dlq: string;
  /** Share of the load. */
  readonly weight: number;
}

export const TARGETS: readonly Target[] = [
  { kind: 'ProductPriceChanged', consumer: 'shop/cart', vhost: 'shop', queue: 'cart-service-queue', dlq: 'cart-service-queue.dlq', weight: 4 },
  { kind: 'ReleaseStock', consumer: 'shop/inventory', vhost: 'shop', queue: 'inventory-service-queue', dlq: 'inventory-service-queue.dlq', weight: 3 },
  { kind: 'ProcessPayment', consumer: 'shop/payment', vhost: 'shop', queue: 'payment-service-queue', dlq: 'payment-service-queue.dlq', weight: 2 },
  { kind: 'AppointmentCreated', consumer: 'clinic/notifications', vhost: 'clinic', queue: 'apt.notifications.queue', dlq: 'apt.notifications.dlq', weight: 1 },
];

/** The publishing services of the mix, whose users the generator borrows. */
export const PUBLISHERS = ['shop/product', 'shop/checkout', 'clinic/appointments'] as const;

export interface LoadCounters {
  /** Publishes confirmed by the broker, message ids by target queue. */
  readonly confirmed: Map<string, string[]>;
  attempted: number;
  /** Publishes that failed (timeout, nack): never accepted, so not part of the ledger. */
  failed: number;
  /** Ticks that could not issue their share because too many publishes were in flight. */
  behind: number;
}

export interface LoadGenerator {
  readonly counters: LoadCounters;
  /** Resolves once the load has stopped and every in-flight publish settled. */
  stop(): Promise<void>;
}

const TICK_MS = 100;
const MAX_IN_FLIGHT = 2_000;

export async function startLoad(options: {
  readonly amqpBase: string;
  readonly users: Readonly<Record<string, Credentials>>;
  readonly ratePerSecond: number;
  readonly logFile: string;
}): Promise<LoadGenerator> {
  const logger = pino({ name: 'soak-load', level: 'warn' }, pino.destination({ dest: options.logFile, append: true, mkdir: true, sync: false }));
  const bus = async (id: string, service: Parameters<typeof createAmqpBus>[0]['service']): Promise<AmqpBus> => {
    const user = options.users[id];
    if (!user) throw new Error(`the topology has no broker user for ${id}`);
    const url = new URL(`${options.amqpBase.replace(/\/+$/, '')}/${encodeURIComponent(user.vhost)}`);
    url.username = encodeURIComponent(user.username);
    url.password = encodeURIComponent(user.password);
    return createAmqpBus({ urls: [url.toString()], service, logger, metrics: new Registry(), publisher: { timeoutMs: 30_000 } });
  };
  const buses = await Promise.all([bus('shop/product', product.productService), bus('shop/checkout', checkout.checkoutService), bus('clinic/appointments', appointments.appointmentsService)]);
  const [productBus, checkoutBus, appointmentsBus] = buses as [AmqpBus, AmqpBus, AmqpBus];
  const products = product.createProductPublisher(productBus);
  const checkouts = checkout.createCheckoutPublisher(checkoutBus);
  const clinic = appointments.createAppointmentsPublisher(appointmentsBus);

  const publish: Record<string, (n: number) => Promise<PublishReceipt>> = {
    ProductPriceChanged: (n) =>
      products.publishProductPriceChanged(
        { sku: `SOAK-${n % 500}`, oldPrice: { amount: '10.00', currency: 'GBP' }, newPrice: { amount: `${10 + (n % 90)}.50`, currency: 'GBP' }, reason: 'cost_change' },
        { subject: `SOAK-${n % 500}` },
      ),
    ReleaseStock: () => {
      const checkoutId = randomUUID();
      return checkouts.sendReleaseStock({ checkoutId, reason: 'checkout_timed_out' }, { correlationId: checkoutId });
    },
    ProcessPayment: (n) => {
      const checkoutId = randomUUID();
      return checkouts.sendProcessPayment(
        { checkoutId, paymentId: randomUUID(), customerId: randomUUID(), amount: { amount: `${1 + (n % 200)}.99`, currency: 'GBP' }, paymentMethodToken: n % 10 === 0 ? 'pm_card_chargeDeclined' : 'pm_card_visa' },
        { correlationId: checkoutId },
      );
    },
    AppointmentCreated: (n) => {
      // A distinct doctor per appointment: the notifications service keeps doctors' availability.
      const start = new Date(Date.UTC(2030, 0, 1, 9) + (n % 1000) * 3_600_000);
      const appointmentId = randomUUID();
      return clinic.publishAppointmentCreated(
        {
          appointmentId,
          type: 'consultation',
          slot: { start: start.toISOString(), end: new Date(start.getTime() + 1_800_000).toISOString(), timezone: 'Europe/Madrid' },
          patient: { patientId: randomUUID(), fullName: 'Soak Patient', email: 'soak.patient@example.com', preferredChannel: 'email', locale: 'en-GB' },
          doctor: { doctorId: randomUUID(), fullName: 'Dr. Soak' },
          bookedBy: 'patient',
        },
        { subject: appointmentId },
      );
    },
  };

  // A fixed cycle of kinds by weight, so the mix is the same whatever the duration.
  const cycle = TARGETS.flatMap((target) => Array.from({ length: target.weight }, () => target));
  const counters: LoadCounters = { confirmed: new Map(TARGETS.map((t) => [t.queue, []])), attempted: 0, failed: 0, behind: 0 };
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let stopped = false;

  const tick = () => {
    if (stopped) return;
    // Issue what is due by now: the schedule, not the tick count, keeps the rate steady.
    const due = Math.floor(((performance.now() - started) / 1000) * options.ratePerSecond);
    while (counters.attempted < due) {
      if (inFlight.size >= MAX_IN_FLIGHT) {
        counters.behind++;
        break;
      }
      const n = counters.attempted++;
      const target = cycle[n % cycle.length]!;
      const done = publish[target.kind]!(n).then(
        (receipt) => void counters.confirmed.get(target.queue)!.push(receipt.messageId),
        (error: Error) => {
          counters.failed++;
          logger.warn({ err: error.message, kind: target.kind }, 'soak publish failed');
        },
      );
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    }
  };
  const timer = setInterval(tick, TICK_MS);

  return {
    counters,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
      await Promise.allSettled(buses.map((b) => b.close()));
    },
  };
}
