/**
 * The requests of one requester that wait for a reply, whatever the transport: each is
 * registered before it is published, then settled by its reply, its timeout, or the loss of the
 * channel replies arrive on — never left hanging. A reply no request waits for is dropped and
 * counted: `late` when its request already timed out, `foreign` otherwise.
 */
import type { ReplyDescriptor } from '../contract.js';
import { RequestInterruptedError, RequestTimeoutError } from '../errors.js';
import type { RuntimeLogger } from '../logger.js';
import type { IncomingMessage, OutgoingMessage } from '../message.js';
import type { RequestMetrics, RequestOutcome, RuntimeMetrics } from '../metrics.js';
import { answeredRequest, readReply } from './reply-wire.js';

interface Pending {
  readonly type: string;
  readonly reply: ReplyDescriptor;
  readonly started: number;
  readonly metrics: RequestMetrics;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (payload: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** How many timed-out request ids are remembered to tell a late reply from a foreign one. */
const REMEMBERED_TIMEOUTS = 4096;

export class PendingRequests {
  private readonly waiting = new Map<string, Pending>();
  private readonly timedOut = new Set<string>();

  constructor(
    private readonly metrics: RuntimeMetrics,
    private readonly logger: RuntimeLogger,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Registers `request` (before it is published); resolves with the validated reply payload. */
  wait(request: OutgoingMessage, reply: ReplyDescriptor, timeoutMs: number): Promise<unknown> {
    const id = request.messageId;
    const type = request.type;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.waiting.has(id)) return;
        this.remember(id);
        this.metrics.forRequest(type).timeouts.inc();
        this.settle(id, 'timeout', new RequestTimeoutError(type, id, timeoutMs));
      }, timeoutMs);
      this.waiting.set(id, { type, reply, started: performance.now(), metrics: this.metrics.forRequest(type), timer, resolve, reject });
    });
  }

  /** Fails one request (its publish failed). */
  fail(messageId: string, outcome: RequestOutcome, error: Error): void {
    this.settle(messageId, outcome, error);
  }

  /** Fails every waiting request: replies can no longer reach this process. */
  interruptAll(reason: string): void {
    for (const [id, pending] of [...this.waiting]) this.settle(id, 'interrupted', new RequestInterruptedError(pending.type, id, reason));
  }

  /** A message that arrived on the reply address. */
  deliver(reply: IncomingMessage): void {
    const id = answeredRequest(reply);
    const pending = id === undefined ? undefined : this.waiting.get(id);
    if (id === undefined || pending === undefined) {
      const reason = id !== undefined && this.timedOut.has(id) ? 'late' : 'foreign';
      this.metrics.droppedReply(reason).inc();
      this.logger.warn({ answers: id, type: reply.properties.type, from: reply.properties.appId, reason }, 'reply dropped: no request waits for it');
      return;
    }
    const read = readReply(reply, pending.type, pending.reply);
    if (read.ok) {
      this.settle(id, 'ok', undefined, read.payload);
      return;
    }
    if (read.error.name === 'RemoteError') pending.metrics.errorReplies.inc();
    this.settle(id, read.error.name === 'RemoteError' ? 'error-reply' : 'invalid-reply', read.error);
  }

  private settle(id: string, outcome: RequestOutcome, error: Error | undefined, payload?: unknown): void {
    const pending = this.waiting.get(id);
    if (pending === undefined) return;
    this.waiting.delete(id);
    clearTimeout(pending.timer);
    pending.metrics.seconds(outcome).observe((performance.now() - pending.started) / 1000);
    if (error === undefined) pending.resolve(payload);
    else pending.reject(error);
  }

  private remember(id: string): void {
    this.timedOut.add(id);
    if (this.timedOut.size > REMEMBERED_TIMEOUTS) this.timedOut.delete(this.timedOut.values().next().value!);
  }
}
