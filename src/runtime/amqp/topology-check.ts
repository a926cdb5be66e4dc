/**
 * Passive checks of the broker objects a service uses. The runtime never declares objects (the
 * topology does); a passive declare only asks whether the object exists. Measured on RabbitMQ
 * 3.10: passive `exchange.declare`/`queue.declare` need no permission at all, so service users
 * keep configure `^$`. A missing object closes the channel (404), hence one channel per failure.
 */
import type { Channel, ChannelModel } from 'amqplib';
import type { ReceiveDescriptor, SendDescriptor } from '../contract.js';
import type { MissingObject } from '../errors.js';

export type CheckedObject = MissingObject;

export function objectsOfReceive(receive: ReceiveDescriptor): CheckedObject[] {
  const purpose = `consume ${receive.queue}`;
  return [
    { kind: 'queue', name: receive.queue, usedFor: purpose },
    { kind: 'exchange', name: receive.retry.exchange, usedFor: `retries of ${receive.queue}` },
    ...receive.retry.queues.map((name): CheckedObject => ({ kind: 'queue', name, usedFor: `retries of ${receive.queue}` })),
    { kind: 'exchange', name: receive.deadLetter.exchange, usedFor: `dead letters of ${receive.queue}` },
    { kind: 'queue', name: receive.deadLetter.queue, usedFor: `dead letters of ${receive.queue}` },
  ];
}

export function objectsOfSend(send: SendDescriptor): CheckedObject[] {
  // The default exchange ('', `is: queue` channels) always exists and cannot be declared, even passively.
  if (send.exchange === '') return [];
  return [{ kind: 'exchange', name: send.exchange, usedFor: `publish ${send.message.type}` }];
}

/** Returns the objects that do not exist. */
export async function findMissing(model: ChannelModel, objects: readonly CheckedObject[]): Promise<CheckedObject[]> {
  const unique = new Map(objects.map((o) => [`${o.kind}:${o.name}`, o]));
  const missing: CheckedObject[] = [];
  let channel: Channel | undefined;
  try {
    for (const object of unique.values()) {
      channel ??= await openQuiet(model);
      try {
        if (object.kind === 'queue') await channel.checkQueue(object.name);
        else await channel.checkExchange(object.name);
      } catch (error) {
        if ((error as { code?: number }).code !== 404) throw error;
        missing.push(object);
        channel = undefined; // closed by the broker
      }
    }
  } finally {
    if (channel) await channel.close().catch(() => {});
  }
  return missing;
}

async function openQuiet(model: ChannelModel): Promise<Channel> {
  const channel = await model.createChannel();
  // A failed passive declare is an expected answer here, not an error to report.
  channel.on('error', () => {});
  return channel;
}
