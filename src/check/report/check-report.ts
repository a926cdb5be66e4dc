/** Everything one `eventplane check` run found, as every output format receives it. */
import type { Finding } from '../findings.js';
import type { Route } from '../routing/simulate.js';

export interface CheckReport {
  /** The spec directory checked (relative to the working directory). */
  readonly specDir: string;
  /** The breaking-change comparison, when it ran. */
  readonly base?: {
    readonly label: string;
    readonly commit: string;
    readonly compared: number;
    readonly added: number;
    readonly removed: number;
  };
  /** The routing simulation's routes, when the contracts loaded. */
  readonly routes?: readonly Route[];
  /** The drift comparison, when it ran (`--broker`). */
  readonly broker?: { readonly url: string; readonly vhosts: readonly string[] };
  /** Sorted: errors first, then by file and line. */
  readonly findings: readonly Finding[];
}

export function counts(findings: readonly Finding[]) {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    notes: findings.filter((f) => f.severity === 'note').length,
  };
}

export function exitCode(report: CheckReport): number {
  return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}
