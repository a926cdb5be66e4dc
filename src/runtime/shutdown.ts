/**
 * Graceful shutdown on SIGTERM (Kubernetes) and SIGINT (Ctrl-C): run `close` once — for a bus,
 * stop consuming, finish in-flight handlers, ack, wait for confirms, disconnect — then exit. A
 * second signal, or `close` overrunning `timeoutMs`, exits at once: unacknowledged messages go
 * back to the queue, so nothing is lost either way.
 */
export interface CloseOnSignalsOptions {
  readonly signals?: readonly NodeJS.Signals[];
  /** Hard bound on the whole shutdown (default 30 s, Kubernetes' default grace period). */
  readonly timeoutMs?: number;
  /** Exit the process when done (default true). */
  readonly exit?: boolean;
  readonly onError?: (error: unknown) => void;
}

export function closeOnSignals(close: () => Promise<unknown>, options: CloseOnSignalsOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let closing = false;
  const handler = () => {
    if (closing) {
      process.exit(130);
    }
    closing = true;
    const timer = setTimeout(() => process.exit(1), options.timeoutMs ?? 30_000);
    timer.unref();
    close().then(
      () => {
        clearTimeout(timer);
        if (options.exit ?? true) process.exit(0);
      },
      (error: unknown) => {
        options.onError?.(error);
        if (options.exit ?? true) process.exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
