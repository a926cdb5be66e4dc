/** saas/reports' rules, pure: which facts a report covers and how its rows are rendered. */

export const REPORT_TYPES = ['usage', 'revenue', 'user_activity', 'audit_log'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

/** One aggregated row: a day and a combination of dimension values, with the total and the count of facts. */
export interface ReportRow {
  readonly day: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly total: string;
  readonly facts: number;
}

/** A period is valid when `from` ≤ `to` and it spans at most `maxDays` days. */
export function periodProblem(period: { from: string; to: string }, maxDays = 366): string | undefined {
  const from = Date.parse(`${period.from}T00:00:00Z`);
  const to = Date.parse(`${period.to}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to)) return 'period.from and period.to must be dates (YYYY-MM-DD)';
  if (from > to) return 'period.from is after period.to';
  if ((to - from) / 86_400_000 + 1 > maxDays) return `the period is longer than ${maxDays} days`;
  return undefined;
}

const csvCell = (value: string) => {
  // Quote what would break the row, and neutralise leading formula characters (CSV injection in spreadsheets).
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** CSV with a header: day, one column per dimension (sorted), total, facts; rows by day then dimensions. */
export function renderCsv(rows: readonly ReportRow[]): string {
  const dimensions = [...new Set(rows.flatMap((r) => Object.keys(r.dimensions)))].sort();
  const header = ['day', ...dimensions, 'total', 'facts'];
  const lines = [header.map(csvCell).join(',')];
  const sorted = [...rows].sort((a, b) => a.day.localeCompare(b.day) || JSON.stringify(a.dimensions).localeCompare(JSON.stringify(b.dimensions)));
  for (const row of sorted) lines.push([row.day, ...dimensions.map((d) => row.dimensions[d] ?? ''), row.total, String(row.facts)].map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}
