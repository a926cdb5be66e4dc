/**
 * Which of the topology's consumer queues have no consumer on the broker (pure). Retry and
 * dead-letter queues never have one by design, so only queues whose role is `consumer` count;
 * a queue nobody consumes fills up silently until it hits its length limit.
 */
import type { TopologyDocument } from '../topology/types.js';

/** A queue as the management API lists it (`/queues?columns=vhost,name,messages,consumers`). */
export interface LiveQueue {
  readonly vhost: string;
  readonly name: string;
  readonly messages?: number;
  readonly consumers?: number;
}

export interface UnconsumedQueue {
  readonly vhost: string;
  readonly name: string;
  /** The service the contract says consumes it. */
  readonly service: string;
  readonly messages: number;
}

/**
 * The consumer queues of `topology` that exist on the broker with 0 consumers, by vhost and
 * name. `namespace` is the prefix the topology was applied under (vhosts are `<namespace><vhost>`).
 */
export function unconsumedQueues(topology: Pick<TopologyDocument, 'queues'>, live: readonly LiveQueue[], namespace = ''): UnconsumedQueue[] {
  const onBroker = new Map(live.map((q) => [`${q.vhost}\u0000${q.name}`, q]));
  const found: UnconsumedQueue[] = [];
  for (const queue of topology.queues) {
    if (queue.role !== 'consumer') continue;
    const state = onBroker.get(`${namespace}${queue.vhost}\u0000${queue.name}`);
    if (state === undefined || (state.consumers ?? 0) > 0) continue;
    found.push({ vhost: state.vhost, name: queue.name, service: queue.service, messages: state.messages ?? 0 });
  }
  return found.sort((a, b) => a.vhost.localeCompare(b.vhost) || a.name.localeCompare(b.name));
}

/** The lines `local-cluster status` prints about them (none when every queue is consumed). */
export function describeUnconsumed(queues: readonly UnconsumedQueue[]): string[] {
  if (queues.length === 0) return [];
  const services = new Set(queues.map((q) => q.service));
  return [
    `  ⚠ ${queues.length} queue${queues.length === 1 ? '' : 's'} without a consumer (start ${[...services].sort().join(', ')}):`,
    ...queues.map((q) => `    ${q.vhost}/${q.name}: 0 consumers, ${q.messages} messages waiting — consumed by ${q.service}`),
  ];
}
