/**
 * The benchmark harness's contract with its sections. A section is one file in bench/sections/
 * exporting `section`; `npm run bench` finds them all, runs them against one broker, prints one
 * table and merges their JSON into one document (each section owns its top-level keys).
 */
import type { ManagementClient } from '../src/broker/management-client.js';

export interface BenchContext {
  /** Administrator amqp:// URL of the vhost this run may use (its own, or AMQP_URL's). */
  readonly amqpUrl: string;
  readonly vhost: string;
  /** Management API client when the harness started the node itself (undefined with AMQP_URL). */
  readonly management: ManagementClient | undefined;
  /** Unique per run: prefix every object a section declares with it, and delete them after. */
  readonly prefix: string;
  /** Fewer rounds and messages: for a smoke run (`--quick`). */
  readonly quick: boolean;
  /** Progress lines (stderr). */
  log(line: string): void;
}

export interface TableRow {
  readonly section: string;
  readonly metric: string;
  /** Column name → value; the baseline column comes first. */
  readonly values: Readonly<Record<string, number | undefined>>;
  readonly unit: string;
  /** The eventplane / baseline ratio and its target, when there is one. */
  readonly ratio?: { readonly value: number; readonly target: string; readonly met: boolean };
}

export interface ChartPanel {
  readonly title: string;
  readonly unit: string;
  /** Bar groups (e.g. "publish", "consume"), each with one bar per series. */
  readonly groups: ReadonlyArray<{ readonly label: string; readonly bars: ReadonlyArray<{ readonly series: string; readonly value: number }> }>;
}

export interface SectionResult {
  /** Merged into the JSON document at top level. */
  readonly json: Record<string, unknown>;
  readonly rows: readonly TableRow[];
  /** Drawn into docs/bench/<section>.svg. */
  readonly chart?: { readonly title: string; readonly panels: readonly ChartPanel[] };
}

export interface BenchSection {
  readonly name: string;
  readonly title: string;
  /** Sections run in ascending order (ties by name). */
  readonly order?: number;
  run(context: BenchContext): Promise<SectionResult>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile of an already sorted array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
