/**
 * Durations as the contracts and the configuration write them. A leaf module: the compiler
 * (x-retry, x-queue), the saga definitions and the services all read the same syntax.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `1s`, `1.5m`, `2h`, `7d` or integer milliseconds → milliseconds. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/.exec(value);
  if (!match) return undefined;
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
  return ms > 0 ? ms : undefined;
}
