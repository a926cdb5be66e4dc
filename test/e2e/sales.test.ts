/**
 * sales end to end: the nine services as real processes on the test broker, one PostgreSQL
 * database (a schema each). An email is classified (v1 and v2 side by side), a quote beyond the
 * rep's authority is approved or rejected over REST, and the outcomes are read back over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, http, startE2eStack, type E2eStack } from './support/e2e.js';

const SALES = ['sales/email', 'sales/customer', 'sales/pipeline', 'sales/quote', 'sales/approval', 'sales/inventory', 'sales/po', 'sales/analytics', 'sales/notification'];
const rep = { user_id: randomUUID(), name: 'Tom Becker', email: 'tom.becker@acme-industrial.example.com' };
const director = { user: { user_id: randomUUID(), name: 'Ines Duarte' }, level: 'director' };
const manager = { user: { user_id: randomUUID(), name: 'Max Weber' }, level: 'manager' };

let e2e: E2eStack;
const url = (service: string, path: string) => `${e2e.url(`sales/${service}`)}${path}`;
const get = async (service: string, path: string) => (await http('GET', url(service, path))).body as any;

beforeAll(async () => {
  e2e = await startE2eStack({ label: 'sales', services: SALES, database: 'postgres', serviceEnv: { 'sales/inventory': { EXPIRY_SWEEP_MS: '200' } } });
}, 240_000);

afterAll(async () => {
  await e2e?.dispose();
});

async function quoteFor(customerId: string, sku: string, quantity: number, discount: number, sourceEmailId?: string) {
  const created = await http('POST', url('quote', '/api/quotes'), {
    customer_id: customerId,
    ...(sourceEmailId ? { source_email_id: sourceEmailId } : {}),
    created_by: rep,
    lines: [{ sku, description: `${sku} valve`, quantity, unit_price: { amount: '42.00', currency: 'EUR' }, discount_percent: discount }],
  });
  expect(created.status).toBe(201);
  return created.body as any;
}

async function stocked(sku: string, onHand: number) {
  expect((await http('PUT', url('inventory', `/api/stock/${sku}`), { on_hand: onHand })).status).toBe(200);
}

const approvalOf = (quoteId: string) => eventually(() => get('approval', `/api/approvals?quote_id=${quoteId}`), (a) => a.length === 1, { what: 'the approval task' }).then((a) => a[0]);

describe('sales', () => {
  it('email classified (v1 and v2) → customer and pipeline → quote → director approves → PO with stock sold', async () => {
    const customer = (await http('POST', url('customer', '/api/customers'), { name: 'Northwind Traders', domain: 'northwind.example.com' })).body as any;
    const email = await http('POST', url('email', '/api/emails'), {
      mailbox: 'sales@acme-industrial.example.com',
      from_address: 'buyer@northwind.example.com',
      subject: 'Pricing for 500 units of HX-200 valves',
      body: 'Please send us your best price for 500 units.',
    });
    expect(email.body).toMatchObject({ category: 'QUOTE_REQUEST', priority: { score: 70, band: 'high' } });
    const emailId = email.body.email_id;
    // v2 consumer and v1 consumer, side by side.
    await eventually(() => get('customer', `/api/customers/${customer.customer_id}`), (c) => c.timeline.some((t: any) => t.email_id === emailId && t.priority === 70), { what: 'customer timeline (v2)' });
    await eventually(() => get('pipeline', `/api/opportunities?source_email_id=${emailId}`), (o) => o[0]?.stage === 'qualified', { what: 'opportunity (v1)' });

    await stocked('HX-200', 800);
    const quote = await quoteFor(customer.customer_id, 'HX-200', 500, 12.5, emailId);
    expect(quote).toMatchObject({ status: 'pending_approval', required_level: 'director', subtotal: { amount: '21000.00' }, discount_total: { amount: '2625.00' }, total: { amount: '18375.00', currency: 'EUR' } });
    await eventually(() => get('quote', `/api/quotes/${quote.quote_id}`), (q) => q.stock.status === 'reserved', { what: 'stock reserved' });
    expect(await get('inventory', '/api/stock/HX-200')).toMatchObject({ on_hand: 800, reserved: 500, available: 300 });

    // The PO waits for the approval.
    const held = await http('POST', url('po', '/api/purchase-orders'), { quote_id: quote.quote_id, customer_po_reference: 'NW-77812', payment_terms: 'net_30' });
    expect(held).toMatchObject({ status: 202, body: { status: 'held', total: { amount: '18375.00' } } });

    const task = await approvalOf(quote.quote_id);
    expect(task).toMatchObject({ status: 'pending', required_level: 'director', reasons: ['discount_above_threshold'] });
    expect((await http('POST', url('approval', `/api/approvals/${task.approval_id}/approve`), { approver: manager })).status).toBe(403);
    expect((await http('POST', url('approval', `/api/approvals/${task.approval_id}/approve`), { approver: director, conditions: ['Payment terms net 30'] })).status).toBe(200);

    await eventually(() => get('quote', `/api/quotes/${quote.quote_id}`), (q) => q.status === 'approved', { what: 'quote approved' });
    const pos = await eventually(() => get('po', `/api/purchase-orders?quote_id=${quote.quote_id}`), (p) => p[0]?.status === 'created', { what: 'PO created' });
    expect(pos[0].po_number).toMatch(/^PO-\d{4}-\d{6}$/);
    await eventually(() => get('inventory', `/api/reservations?quote_id=${quote.quote_id}`), (r) => r[0]?.status === 'sold', { what: 'reservation sold' });
    expect(await get('inventory', '/api/stock/HX-200')).toMatchObject({ on_hand: 300, reserved: 0 });
    await eventually(() => get('pipeline', `/api/opportunities?quote_id=${quote.quote_id}`), (o) => o[0]?.stage === 'won', { what: 'opportunity won' });
    await eventually(() => get('analytics', '/api/analytics/summary'), (s) => s.revenue_booked.some((r: any) => r.currency === 'EUR' && r.amount === '18375.00'), { what: 'revenue booked' });
    await eventually(() => get('notification', `/api/notifications?about=${quote.quote_id}`), (n) => n.some((x: any) => x.event_type === 'PurchaseOrderCreated' && x.recipient === 'role:finance'), { what: 'finance told' });
  });

  it('approval rejected: the quote is rejected, its stock released, the held PO cancelled — no PO created', async () => {
    const customerId = randomUUID();
    await stocked('HX-300', 100);
    const quote = await quoteFor(customerId, 'HX-300', 60, 25);
    expect(quote).toMatchObject({ status: 'pending_approval', required_level: 'vp' });
    await eventually(() => get('inventory', `/api/reservations?quote_id=${quote.quote_id}`), (r) => r[0]?.status === 'reserved', { what: 'stock reserved' });
    expect((await http('POST', url('po', '/api/purchase-orders'), { quote_id: quote.quote_id, payment_terms: 'prepaid' })).status).toBe(202);

    const task = await approvalOf(quote.quote_id);
    const vp = { user: { user_id: randomUUID(), name: 'Vera Paulsen' }, level: 'vp' };
    expect((await http('POST', url('approval', `/api/approvals/${task.approval_id}/reject`), { approver: vp, reason: 'Discount above 20% needs a 2-year commitment.' })).status).toBe(200);

    const rejected = await eventually(() => get('quote', `/api/quotes/${quote.quote_id}`), (q) => q.status === 'rejected', { what: 'quote rejected' });
    expect(rejected.decision).toMatchObject({ reason: 'Discount above 20% needs a 2-year commitment.' });
    await eventually(() => get('inventory', `/api/reservations?quote_id=${quote.quote_id}`), (r) => r[0]?.status === 'released', { what: 'reservation released' });
    expect(await get('inventory', '/api/stock/HX-300')).toMatchObject({ on_hand: 100, reserved: 0, available: 100 });
    await eventually(() => get('po', `/api/purchase-orders?quote_id=${quote.quote_id}`), (p) => p[0]?.status === 'cancelled', { what: 'held PO cancelled' });
    // A new PO against the rejected quote is refused; none was ever created.
    expect((await http('POST', url('po', '/api/purchase-orders'), { quote_id: quote.quote_id, payment_terms: 'prepaid' })).status).toBe(409);
    expect((await get('po', `/api/purchase-orders?quote_id=${quote.quote_id}`)).filter((p: any) => p.status === 'created')).toEqual([]);
    await eventually(() => get('notification', `/api/notifications?about=${quote.quote_id}`), (n) => n.some((x: any) => x.event_type === 'ApprovalRejected'), { what: 'author told' });
  });

  it('a quote within the rep’s authority is approved as issued; short stock is reported', async () => {
    await stocked('HX-400', 5);
    const quote = await quoteFor(randomUUID(), 'HX-400', 10, 0);
    expect(quote.status).toBe('approved');
    const short = await eventually(() => get('quote', `/api/quotes/${quote.quote_id}`), (q) => q.stock.status === 'short', { what: 'shortfall' });
    expect(short.stock.shortfall).toEqual([{ sku: 'HX-400', requested: 10, available: 5 }]);
    expect((await get('approval', `/api/approvals?quote_id=${quote.quote_id}`))).toEqual([]);
  });
});
