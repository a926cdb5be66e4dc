import { randomUUID } from 'node:crypto';
import { running, type SystemDemo } from './flow.js';
import { expectOk, httpJson, short, until } from './http.js';
import { startWebhookReceiver } from './webhook-receiver.js';

/**
 * saas reports (by the work queue and synchronously, the requester's profile over request/reply
 * from users) and webhooks (a user created in users reaches a local HTTPS receiver, signed).
 */
export const saasJobsDemo: SystemDemo = async ({ urls, step, send }) => {
  const users = urls['saas/users'];
  const reports = urls['saas/reports'];
  const webhooks = urls['saas/webhooks'];
  if (!users) return;
  const tenantId = randomUUID();
  const addUser = async (fullName: string) => {
    const created = await expectOk('create a user', send('POST', `${users}/api/tenants/${tenantId}/users`, { email: `${fullName.split(' ')[0]!.toLowerCase()}.${short(randomUUID())}@example.com`, fullName, locale: 'en-GB' }));
    return created.userId as string;
  };

  if (running(urls, ['saas/reports']) && reports) {
    const base = `${reports}/api/tenants/${tenantId}/reports`;
    await step('saas', 'saas-report', async () => {
      const userId = await addUser('Grace Hopper');
      const records = Array.from({ length: 31 }, (_, i) => ({ day: `2024-01-${String(i + 1).padStart(2, '0')}`, dimensions: { team: i % 3 === 0 ? 'growth' : 'platform' }, value: String(100 + i) }));
      await expectOk('record usage', httpJson('POST', `${base}/facts`, { kind: 'usage', records }));
      const request = { type: 'usage', format: 'csv', period: { from: '2024-01-01', to: '2024-01-31' }, requestedBy: { userId } };
      const queued = await expectOk('request a report', send('POST', base, request));
      const ready = await until<any>('the report', () => expectOk('report', httpJson('GET', `${base}/${queued.reportId}`)), (r: { status: string }) => r.status === 'ready');
      const sync = await expectOk('request a report and wait', send('POST', `${base}?sync=true`, { ...request, filters: { team: 'growth' } }));
      return (
        `report ${short(ready.reportId)} by the generate.report work queue: ${ready.rowCount} rows, ${ready.sizeBytes} B CSV for ${ready.requestedBy.email} (profile from users over request/reply); ` +
        `report ${short(sync.reportId)} with ?sync=true answered ready: ${sync.rowCount} rows (team growth)`
      );
    });
  }

  if (running(urls, ['saas/webhooks']) && webhooks) {
    await step('saas', 'saas-webhook', async () => {
      const receiver = await startWebhookReceiver();
      try {
        const endpoint = await expectOk(
          'register an endpoint',
          send('POST', `${webhooks}/api/tenants/${tenantId}/webhooks/endpoints`, { url: receiver.url, events: ['user.created'], tlsCa: receiver.ca }),
        );
        receiver.trust(endpoint.secret);
        const userId = await addUser('Ada Lovelace');
        const [arrived] = await until('the webhook', async () => receiver.received.filter((r) => (r.body['data'] as { userId?: string } | undefined)?.userId === userId), (r) => r.length > 0);
        if (!arrived!.verified) throw new Error(`webhook ${short(arrived!.id)} arrived with a signature that does not verify`);
        const delivery = await expectOk('the delivery', httpJson('GET', `${webhooks}/api/tenants/${tenantId}/webhooks/deliveries/${arrived!.id}`));
        return `UserCreated → webhook ${short(arrived!.id)} POSTed to ${receiver.url} (signature verified, ${delivery.attempts} attempt, breaker ${delivery.attemptLog.at(-1).breaker})`;
      } finally {
        await receiver.close();
      }
    });
  }
};
