/** The report for machines: the findings with every field, plus a summary and the routes. */
import { counts, exitCode, type CheckReport } from './check-report.js';

export const JSON_REPORT_VERSION = 1;

export function formatJson(report: CheckReport): string {
  const summary = { ...counts(report.findings), exitCode: exitCode(report) };
  return `${JSON.stringify({ formatVersion: JSON_REPORT_VERSION, ...report, summary }, null, 2)}\n`;
}
