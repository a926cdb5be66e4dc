import { randomUUID } from 'node:crypto';
import { running, type SystemDemo } from './flow.js';
import { expectOk, httpJson, money, short, until } from './http.js';

const SALES = ['sales/email', 'sales/customer', 'sales/pipeline', 'sales/quote', 'sales/approval', 'sales/inventory', 'sales/po', 'sales/analytics', 'sales/notification'];

/** An inbound email classified (v1 and v2) through quote, approval and PO; and a quote whose approval is rejected. */
export const salesDemo: SystemDemo = async ({ urls, step, send }) => {
  if (!running(urls, SALES)) return;
  const at = (service: string, path: string) => `${urls[`sales/${service}`]!}${path}`;
  const get = (service: string, path: string) => expectOk(`GET ${service}${path}`, httpJson('GET', at(service, path)));
  const rep = { user_id: randomUUID(), name: 'Tom Becker', email: 'tom.becker@acme-industrial.example.com' };

  const quoteFor = async (customerId: string, sku: string, quantity: number, discount: number, sourceEmailId?: string) => {
    await expectOk(`stock ${sku}`, send('PUT', at('inventory', `/api/stock/${sku}`), { on_hand: 1000 }));
    const quote = await expectOk(
      'issue a quote',
      send('POST', at('quote', '/api/quotes'), {
        customer_id: customerId,
        ...(sourceEmailId ? { source_email_id: sourceEmailId } : {}),
        created_by: rep,
        lines: [{ sku, description: `${sku} stainless ball valve`, quantity, unit_price: { amount: '42.00', currency: 'EUR' }, discount_percent: discount }],
      }),
    );
    await until('the stock to be reserved', () => get('quote', `/api/quotes/${quote.quote_id}`), (q: any) => q.stock.status === 'reserved');
    const [task] = await until<any>('the approval task', () => get('approval', `/api/approvals?quote_id=${quote.quote_id}`), (a: unknown[]) => a.length === 1);
    return { quote, task };
  };

  await step('sales', 'sales-email-to-po', async () => {
    const domain = `northwind-${randomUUID().slice(0, 6)}.example.com`;
    const customer = await expectOk('add the customer', send('POST', at('customer', '/api/customers'), { name: 'Northwind Traders', domain }));
    const email = await expectOk(
      'receive an email',
      send('POST', at('email', '/api/emails'), { mailbox: 'sales@acme-industrial.example.com', from_address: `buyer@${domain}`, subject: 'Pricing for 500 units of HX-200 valves', body: 'Please send us your best price.' }),
    );
    await until('customer timeline (v2)', () => get('customer', `/api/customers/${customer.customer_id}`), (c: any) => c.timeline.length > 0);
    await until('opportunity (v1)', () => get('pipeline', `/api/opportunities?source_email_id=${email.email_id}`), (o: any[]) => o[0]?.stage === 'qualified');
    const { quote, task } = await quoteFor(customer.customer_id, 'HX-200', 500, 12.5, email.email_id);
    await expectOk('approve', send('POST', at('approval', `/api/approvals/${task.approval_id}/approve`), { approver: { user: { user_id: randomUUID(), name: 'Ines Duarte' }, level: 'director' } }));
    await until('the quote to be approved', () => get('quote', `/api/quotes/${quote.quote_id}`), (q: any) => q.status === 'approved');
    const po = await expectOk('enter the PO', send('POST', at('po', '/api/purchase-orders'), { quote_id: quote.quote_id, customer_po_reference: 'NW-77812', payment_terms: 'net_30' }));
    await until('the reservation to be sold', () => get('inventory', `/api/reservations?quote_id=${quote.quote_id}`), (r: any[]) => r[0]?.status === 'sold');
    await until('the opportunity to be won', () => get('pipeline', `/api/opportunities?quote_id=${quote.quote_id}`), (o: any[]) => o[0]?.stage === 'won');
    return `email ${short(email.email_id)} ${email.category} (priority ${email.priority.score}, v1+v2) → timeline + opportunity → quote ${quote.quote_number} ${money(quote.total)} → director approved → ${po.po_number}, stock sold, opportunity won`;
  });

  await step('sales', 'sales-approval-rejected', async () => {
    const { quote, task } = await quoteFor(randomUUID(), 'HX-300', 60, 25);
    await expectOk('reject', send('POST', at('approval', `/api/approvals/${task.approval_id}/reject`), { approver: { user: { user_id: randomUUID(), name: 'Vera Paulsen' }, level: 'vp' }, reason: 'Discount too deep.' }));
    await until('the quote to be rejected', () => get('quote', `/api/quotes/${quote.quote_id}`), (q: any) => q.status === 'rejected');
    await until('the stock to be released', () => get('inventory', `/api/reservations?quote_id=${quote.quote_id}`), (r: any[]) => r[0]?.status === 'released');
    const po = await httpJson('POST', at('po', '/api/purchase-orders'), { quote_id: quote.quote_id, payment_terms: 'prepaid' });
    if (po.status !== 409) throw new Error(`a PO against the rejected quote answered ${po.status}, expected 409`);
    return `quote ${quote.quote_number} (25 % off, needs a vp) rejected: reservation released, PO refused (409)`;
  });
};
