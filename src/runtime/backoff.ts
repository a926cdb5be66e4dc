export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  /** 0–1: the share of each delay that is random, so clients that lost one node do not return in step. */
  readonly jitter: number;
}

export const RECONNECT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 15_000, factor: 2, jitter: 0.5 };

/** Delay before retry `attempt` (1-based): exponential, capped, with the top `jitter` share randomised. */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - options.jitter) + base * options.jitter * random());
}
