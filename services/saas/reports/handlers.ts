/**
 * saas/reports's worker: a `generate.report` job aggregates the tenant's facts for the period
 * and filters, renders the CSV, stores it and publishes ReportGenerated — one transaction with
 * the job's inbox row, so a redelivered job builds nothing twice.
 */
import * as client from '../../../generated/clients/saas/reports.js';
import type { EventPublisher } from '../../../src/runtime/index.js';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import { renderCsv } from './domain.js';
import type { ReportsRepository } from './repository.js';

/** The generated publisher over the outbox; its request method is never called inside a transaction. */
export const events = (outbox: EventPublisher) =>
  client.createReportsPublisher({ publish: (send, payload, options) => outbox.publish(send, payload, options), request: () => Promise.reject(new Error('requests do not go through the outbox')) });

export function handlers(kit: ServiceKit<Config>, repo: ReportsRepository, publicUrl: () => string): client.ReportsHandlers {
  return {
    onGenerateReport: kit.handle(client.reportsGenerateReportReceive, async (delivery, context, tx) => {
      const job = delivery.payload;
      const tenantId = delivery.envelope.tenantId;
      if (tenantId === undefined) throw new Error(`generate.report ${job.reportId} carries no tenant (ce-tenantid)`);
      const report = await repo.report(tx, job.reportId, tenantId, true);
      if (!report) throw new Error(`report ${job.reportId} of tenant ${tenantId} is unknown: generate.report jobs come from POST /api/tenants/{tenantId}/reports`);
      if (report.status === 'ready') return;
      const rows = await repo.aggregate(tx, tenantId, job.type, job.period, job.filters ?? {});
      const content = renderCsv(rows);
      const sizeBytes = Buffer.byteLength(content);
      const downloadUrl = `${publicUrl()}/api/tenants/${tenantId}/reports/${job.reportId}/content`;
      const expiresAt = new Date(Date.now() + kit.config.REPORTS_LINK_TTL_HOURS * 3_600_000).toISOString();
      await repo.markReady(tx, job.reportId, { content, sizeBytes, rowCount: rows.length, downloadUrl, expiresAt });
      await events(kit.publisherIn(tx)).publishReportGenerated(
          { reportId: job.reportId, type: job.type, format: job.format, requestedBy: job.requestedBy, downloadUrl, expiresAt, sizeBytes, rowCount: rows.length },
          { causedBy: delivery.envelope, subject: job.reportId },
        );
      context.log.info({ reportId: job.reportId, rows: rows.length, sizeBytes }, 'report generated');
    }),
  };
}
