/**
 * Acknowledgements for one consumer channel, coalesced: acks decided within one turn of the event
 * loop go out as a single `basic.ack multiple` for the contiguous run of finished deliveries (one
 * frame and one socket write instead of one per message), and finished deliveries behind a slow
 * one are acked singly in the same flush, so a slow handler never holds back its neighbours'
 * prefetch credit. Rejects and requeues are sent at once.
 *
 * Delivery tags on a channel count up from 1 in delivery order, which is what makes the run
 * "contiguous" well defined.
 */
import type { Channel, Message } from 'amqplib';

const WAITING = 0;
const ACK_DUE = 1;
const SETTLED = 2;

export class AckBatcher {
  /** Status of every delivery from `headTag` on. */
  private status: number[] = [];
  private head = 0;
  private headTag = 1;
  private scheduled = false;
  /** A tag arrived out of sequence (never seen from RabbitMQ): stop coalescing, ack one by one. */
  private unordered = false;

  constructor(private readonly channel: Channel) {}

  delivered(tag: number): void {
    if (tag !== this.headTag + this.status.length - this.head) this.unordered = true;
    else this.status.push(WAITING);
  }

  ack(tag: number): void {
    const index = this.indexOf(tag);
    if (this.unordered || index === undefined) {
      this.channel.ack(frame(tag));
      if (index !== undefined) this.status[index] = SETTLED;
      return;
    }
    this.status[index] = ACK_DUE;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  nack(tag: number, requeue: boolean): void {
    this.channel.nack(frame(tag), false, requeue);
    const index = this.indexOf(tag);
    if (index !== undefined) this.status[index] = SETTLED;
  }

  readonly flush = (): void => {
    this.scheduled = false;
    const status = this.status;
    let upTo = -1;
    while (this.head < status.length && status[this.head] !== WAITING) {
      if (status[this.head] === ACK_DUE) upTo = this.headTag;
      this.head++;
      this.headTag++;
    }
    try {
      if (upTo !== -1) this.channel.ack(frame(upTo), true);
      for (let i = this.head; i < status.length; i++) {
        if (status[i] === ACK_DUE) {
          this.channel.ack(frame(this.headTag + i - this.head));
          status[i] = SETTLED;
        }
      }
    } catch {
      // The channel closed in between: the broker redelivers whatever was not acked.
    }
    if (this.head > 1024) {
      this.status = status.slice(this.head);
      this.head = 0;
    }
  };

  private indexOf(tag: number): number | undefined {
    const index = this.head + (tag - this.headTag);
    return index >= this.head && index < this.status.length ? index : undefined;
  }
}

function frame(deliveryTag: number): Message {
  return { fields: { deliveryTag } } as Message;
}
