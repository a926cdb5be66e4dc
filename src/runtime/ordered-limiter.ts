/**
 * Runs at most `concurrency` tasks at once, and tasks that share a key (the message's `ce-subject`,
 * usually the aggregate id) one after another in submission order, so events of one aggregate are
 * handled in the order they were delivered while unrelated ones run in parallel.
 */
export type Task = () => Promise<void>;

interface Entry {
  readonly key: string | undefined;
  readonly task: Task;
}

export class OrderedLimiter {
  private running = 0;
  /** Tasks allowed to start, oldest first. */
  private ready: Entry[] = [];
  private readyHead = 0;
  /** Keys with a task running or ready; later tasks of the key wait here in order. */
  private readonly busyKeys = new Map<string, Entry[]>();
  private idleWaiters: Array<() => void> = [];
  /** Tasks parked behind a busy key. */
  private waiting = 0;
  private readonly runningKeys = new Set<string>();

  constructor(readonly concurrency: number) {
    if (!(concurrency >= 1)) throw new RangeError(`concurrency must be at least 1, got ${concurrency}`);
  }

  /** Tasks running plus tasks waiting. */
  get size(): number {
    return this.running + (this.ready.length - this.readyHead) + this.waiting;
  }

  get active(): number {
    return this.running;
  }

  submit(key: string | undefined, task: Task): void {
    const entry: Entry = { key, task };
    if (key !== undefined) {
      const waiting = this.busyKeys.get(key);
      if (waiting !== undefined) {
        waiting.push(entry);
        this.waiting++;
        return;
      }
      this.busyKeys.set(key, []);
    }
    this.ready.push(entry);
    this.pump();
  }

  /**
   * Removes every task that has not started (a consumer shutting down hands them back to the
   * broker instead of running them). Running tasks are unaffected.
   */
  drainPending(): Task[] {
    const pending: Task[] = [];
    for (let i = this.readyHead; i < this.ready.length; i++) pending.push(this.ready[i]!.task);
    this.ready = [];
    this.readyHead = 0;
    for (const [key, list] of this.busyKeys) {
      for (const entry of list) pending.push(entry.task);
      list.length = 0;
      if (!this.runningKeys.has(key)) this.busyKeys.delete(key);
    }
    this.waiting = 0;
    this.notifyIdle();
    return pending;
  }

  /** Resolves when nothing runs and nothing waits. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.readyHead < this.ready.length) {
      const entry = this.ready[this.readyHead++]!;
      if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.readyHead);
        this.readyHead = 0;
      }
      this.start(entry);
    }
  }

  private start(entry: Entry): void {
    this.running++;
    if (entry.key !== undefined) this.runningKeys.add(entry.key);
    let promise: Promise<void>;
    try {
      promise = entry.task();
    } catch (error) {
      promise = Promise.reject(error);
    }
    // Tasks handle their own errors; a rejection here is a bug we must not let stall the queue.
    promise.then(
      () => this.finish(entry),
      () => this.finish(entry),
    );
  }

  private finish(entry: Entry): void {
    this.running--;
    const key = entry.key;
    if (key !== undefined) {
      this.runningKeys.delete(key);
      const waiting = this.busyKeys.get(key);
      const next = waiting?.shift();
      if (next !== undefined) {
        this.waiting--;
        this.ready.push(next);
      } else this.busyKeys.delete(key);
    }
    this.pump();
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0 || this.size !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
