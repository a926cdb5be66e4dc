/**
 * Load generators shared by every contender, so they differ only in the client under test:
 * a windowed driver (at most `window` operations outstanding, as many as possible within a time
 * cap) and a paced driver (a fixed rate, for latency).
 */
export interface Throughput {
  readonly count: number;
  readonly ms: number;
  readonly perSecond: number;
}

/** Starts `send()` calls keeping `window` outstanding until `count` are done or `maxMs` passed. */
export function windowed(send: () => Promise<unknown>, count: number, window: number, maxMs: number): Promise<Throughput> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let started_ = 0;
    let done = 0;
    let target = count;
    let failed = false;
    const pump = () => {
      while (!failed && started_ < target && started_ - done < window) {
        if (performance.now() - started > maxMs) target = started_;
        else {
          started_++;
          send().then(completed, (error: unknown) => {
            failed = true;
            reject(error);
          });
        }
      }
      if (done === target && !failed) {
        const ms = performance.now() - started;
        resolve({ count: done, ms, perSecond: (done * 1000) / ms });
      }
    };
    const completed = () => {
      done++;
      pump();
    };
    pump();
  });
}

/** Calls `send()` `count` times at `ratePerSecond` (not waiting for it), in 5 ms steps. */
export async function paced(send: () => void, ratePerSecond: number, count: number): Promise<void> {
  const started = performance.now();
  let sent = 0;
  while (sent < count) {
    const due = Math.min(count, Math.floor(((performance.now() - started) * ratePerSecond) / 1000));
    while (sent < due) {
      send();
      sent++;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
