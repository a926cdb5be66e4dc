/**
 * Resident memory of the soak's service processes, read from /proc/<pid>/status (VmRSS), and
 * the start/end comparison: the median of the samples in the minute after the warm-up against
 * the median of the last minute. Medians, because one garbage collection must not decide it.
 */
import { readFileSync } from 'node:fs';

export interface RssSummary {
  readonly service: string;
  /** MiB, median of the minute after the warm-up. */
  readonly startMiB: number;
  /** MiB, median of the last minute of load. */
  readonly endMiB: number;
  /** (end − start) / start, in per cent. */
  readonly growthPct: number;
  /** Restarts of this service during the soak (its end RSS is then that of the last process). */
  readonly restarts: number;
}

const WINDOW_MS = 60_000;

/** VmRSS of a process in MiB; undefined when it is gone. */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const median = (values: readonly number[]): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export class RssSampler {
  private readonly samples = new Map<string, Array<readonly [number, number]>>();

  constructor(private readonly processes: () => Array<{ id: string; pid: number | undefined }>) {}

  /** One sample of every live process, at `elapsedMs` into the load. */
  sample(elapsedMs: number): void {
    for (const { id, pid } of this.processes()) {
      const mib = pid === undefined ? undefined : rssMiB(pid);
      if (mib === undefined) continue;
      const list = this.samples.get(id) ?? [];
      list.push([Math.round(elapsedMs / 1000), Math.round(mib * 10) / 10]);
      this.samples.set(id, list);
    }
  }

  series(): Record<string, ReadonlyArray<readonly [number, number]>> {
    return Object.fromEntries(this.samples);
  }

  summary(warmupMs: number, endMs: number, restarts: ReadonlyArray<{ service: string }>): RssSummary[] {
    return [...this.samples.entries()].map(([service, list]) => {
      const within = (from: number, to: number) => list.filter(([s]) => s * 1000 >= from && s * 1000 <= to).map(([, mib]) => mib);
      const startMiB = median(within(warmupMs, warmupMs + WINDOW_MS));
      const endMiB = median(within(endMs - WINDOW_MS, endMs));
      return {
        service,
        startMiB: Math.round(startMiB),
        endMiB: Math.round(endMiB),
        growthPct: Math.round(((endMiB - startMiB) / startMiB) * 1000) / 10,
        restarts: restarts.filter((r) => r.service === service).length,
      };
    });
  }
}
