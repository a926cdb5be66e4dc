/**
 * saas/reports — report generation. POST /api/tenants/{tenantId}/reports asks `users` for the requester's profile
 * (request/reply over direct reply-to), stores the report as queued and sends `generate.report`
 * through the outbox; the service's workers consume that work queue, aggregate the tenant's
 * facts into a CSV, store it and publish ReportGenerated. `?sync=true` waits for the build.
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '../../../generated/clients/saas/reports.js';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
import { handlers } from './handlers.js';
import { reportsRepository } from './repository.js';
import { registerRoutes } from './routes.js';

export const reports = defineService<Config>({
  service: client.reportsService,
  description: 'Reports computed from the tenant\u2019s recorded facts: requested over REST, built by the generate.report work queue, announced by ReportGenerated.',
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = reportsRepository(kit.db);
    const { HOST, REPORTS_PUBLIC_URL } = kit.config;
    // Without a public URL, links point at this instance as it listens (PORT 0 picks the port at start).
    const publicUrl = () => {
      if (REPORTS_PUBLIC_URL !== undefined) return REPORTS_PUBLIC_URL.replace(/\/+$/, '');
      const address = kit.app.server.address();
      return `http://${HOST}:${typeof address === 'object' && address ? address.port : kit.config.PORT}`;
    };
    registerRoutes(kit, repo);
    const received = handlers(kit, repo, publicUrl);
    return { subscribe: (bus) => client.subscribeReports(bus, received) };
  },
});
