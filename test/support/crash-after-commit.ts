/**
 * Fault injection from the test side: preloaded into a service process (see `crashAfterCommit`),
 * it makes the process SIGKILL itself right after the first handler of one message commits its
 * transaction and before the broker gets the ack — the worst moment for a consumer. Nothing in
 * the production code knows about it: it wraps the durable inbox and the saga engine from outside.
 */
import { DurableInbox, SagaEngine } from '../../src/durable/index.js';

const VARIABLE = 'CRASH_AFTER_COMMIT';

/** Environment for a service of the e2e stack that dies after committing its first `message`. */
export function crashAfterCommit(message: string): Record<string, string> {
  return { NODE_OPTIONS: `--import=tsx --import=${new URL(import.meta.url).href}`, [VARIABLE]: message };
}

const target = process.env[VARIABLE];
if (target !== undefined) {
  const die = (name: string) => {
    if (name !== target) return;
    process.stderr.write(`${VARIABLE}: ${name} committed; killing this process before the ack\n`);
    process.kill(process.pid, 'SIGKILL');
  };
  const handle = DurableInbox.prototype.handle;
  DurableInbox.prototype.handle = function (this: DurableInbox, ...args: Parameters<typeof handle>) {
    const inTransaction = handle.apply(this, args);
    return async (delivery, context) => {
      await inTransaction(delivery, context);
      die(delivery.name);
    };
  } as typeof handle;
  const dispatch = SagaEngine.prototype.dispatch;
  SagaEngine.prototype.dispatch = async function (this: SagaEngine, ...args: Parameters<typeof dispatch>) {
    const outcomes = await dispatch.apply(this, args);
    die(args[0].name);
    return outcomes;
  };
}
