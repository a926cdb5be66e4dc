/**
 * Services killed with SIGKILL in the middle of a flow, then restarted: the flow completes and
 * no side effect happens twice. Everything runs on PGlite data directories (the default store),
 * which survive the kill.
 *
 * The worst moment for a consumer is after its transaction committed and before the broker got
 * the ack: `crashAfterCommit(<message>)` (test/support/crash-after-commit.ts, preloaded into the
 * service process) makes it SIGKILL itself exactly there. The redelivered message must then be recognised by the inbox and the events the dead
 * process committed must still be published by the outbox relay of the new one.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashAfterCommit } from '../support/crash-after-commit.js';
import { eventually, http, metric, startE2eStack, type E2eStack } from './support/e2e.js';
import { shopClient } from './support/shop.js';

const SHOP = ['shop/product', 'shop/inventory', 'shop/cart', 'shop/order', 'shop/payment', 'shop/checkout'];

describe('shop: a service killed mid-checkout', () => {
  let e2e: E2eStack;
  let shop: ReturnType<typeof shopClient>;

  beforeAll(async () => {
    e2e = await startE2eStack({
      label: 'crash-shop',
      services: SHOP,
      database: 'pglite',
      // Restarting a process on a busy machine can take longer than shop.md's 30 s step timeout.
      serviceEnv: { 'shop/checkout': { CHECKOUT_STEP_TIMEOUT: '180s' }, 'shop/payment': crashAfterCommit('ProcessPayment') },
    });
    shop = shopClient(e2e);
  });

  afterAll(async () => {
    await e2e?.dispose();
  });

  it('payment dies after committing the charge, before the ack: restarted, it charges once and the checkout completes', async () => {
    const sku = await shop.product('42.00', 3);
    const cartId = await shop.cart({ [sku]: 1 });
    const payment = e2e.stack.service('shop/payment');

    const started = await shop.checkout(cartId);
    const checkoutId = started.body.checkoutId as string;
    expect(await payment.exited()).toMatchObject({ signal: 'SIGKILL' });

    await e2e.stack.restart('shop/payment', {});
    const done = await shop.finished(checkoutId);
    expect(done.status).toBe('completed');

    expect((await shop.payments(checkoutId)).payments).toHaveLength(1);
    expect((await shop.orders(checkoutId)).orders).toHaveLength(1);
    await eventually(() => shop.reservation(checkoutId), (r) => r?.status === 'confirmed', { what: 'the reservation to be confirmed' });
    expect(await shop.stock(sku)).toMatchObject({ onHand: 2, reserved: 0 });
    // The command the dead process never acknowledged came back and was recognised by the inbox.
    await eventually(() => metric(e2e.url('shop/payment'), 'eventplane_duplicates_total', { type: 'shop.ProcessPayment' }), (n) => n === 1, { what: 'the redelivery to be skipped' });
  });

  it('the checkout orchestrator dies while waiting for the payment: restarted, it resumes from its stored state', async () => {
    const sku = await shop.product('15.00', 5);
    const cartId = await shop.cart({ [sku]: 2 });
    // Payment down: process.payment waits in its queue, the saga waits in takingPayment.
    await e2e.stack.service('shop/payment').stop();
    const started = await shop.checkout(cartId);
    expect(started.body.status).toBe('takingPayment');
    const checkoutId = started.body.checkoutId as string;
    // Kill it once its outbox has handed process.payment to the broker (else the command waits for the restart).
    await eventually(() => metric(e2e.url('shop/checkout'), 'eventplane_outbox_pending'), (n) => n === 0, { what: "the checkout's outbox to drain" });

    await e2e.stack.service('shop/checkout').kill();
    await e2e.stack.restart('shop/payment', {});
    // PaymentSucceeded now waits in checkout-service-queue for the dead orchestrator.
    await eventually(() => shop.payments(checkoutId), (p) => p.payments.length === 1, { what: 'the payment to be taken' });
    await e2e.stack.restart('shop/checkout');

    const done = await shop.finished(checkoutId);
    expect(done).toMatchObject({ status: 'completed', total: { amount: '30.00', currency: 'GBP' } });
    expect((await shop.orders(checkoutId)).orders).toHaveLength(1);
    await eventually(() => shop.stock(sku), (s) => s.onHand === 3 && s.reserved === 0, { what: 'the stock to be confirmed once' });
  });
});

describe('clinic: the notifications worker killed after committing an event', () => {
  let e2e: E2eStack;
  let dir: string;
  let mailbox: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ep-e2e-mailbox-'));
    mailbox = join(dir, 'notifications.jsonl');
    e2e = await startE2eStack({
      label: 'crash-clinic',
      services: ['clinic/appointments', 'clinic/notifications'],
      database: 'pglite',
      serviceEnv: { 'clinic/notifications': { NOTIFICATIONS_FILE: mailbox, ...crashAfterCommit('AppointmentCreated') } },
    });
  });

  afterAll(async () => {
    await e2e?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restarted, it skips the redelivery and sends each notification exactly once', async () => {
    const worker = e2e.stack.service('clinic/notifications');
    const created = await http('POST', `${e2e.url('clinic/appointments')}/appointments`, {
      type: 'follow_up',
      slot: { start: '2031-06-01T10:00:00Z', end: '2031-06-01T10:20:00Z', timezone: 'UTC' },
      patient: { patientId: randomUUID(), fullName: 'John Smith', email: 'john.smith@example.com', preferredChannel: 'email' },
      doctor: { doctorId: randomUUID(), fullName: 'Dr. Ada Lovelace', email: 'ada@clinic.example.com' },
      bookedBy: 'staff',
    });
    expect(created.status).toBe(201);
    expect(await worker.exited()).toMatchObject({ signal: 'SIGKILL' });

    await e2e.stack.restart('clinic/notifications', { NOTIFICATIONS_FILE: mailbox });
    const notifications = e2e.url('clinic/notifications');
    const id = created.body.id as string;
    await eventually(
      () => http('GET', `${notifications}/notifications?appointmentId=${id}`),
      (r) => r.body.length === 2 && r.body.every((n: { status: string }) => n.status === 'sent'),
      { what: 'both notifications sent' },
    );
    const lines = readFileSync(mailbox, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { appointmentId: string; to: string });
    expect(lines.filter((l) => l.appointmentId === id).map((l) => l.to).sort()).toEqual(['ada@clinic.example.com', 'john.smith@example.com']);
    expect((await http('GET', `${notifications}/audit?appointmentId=${id}`)).body).toHaveLength(1);
    expect((await http('GET', `${notifications}/doctors/${created.body.doctor.doctorId}/availability`)).body.booked).toHaveLength(1);
    await eventually(() => metric(notifications, 'eventplane_duplicates_total', { type: 'clinic.AppointmentCreated' }), (n) => n === 1, { what: 'the redelivery to be skipped' });
  });
});
