/**
 * Names of the broker objects a contract implies (docs/CONTRACTS.md, "The RabbitMQ objects a
 * contract implies"). The topology and the generated clients both use these, so they agree.
 */
import type { OperationModel, ServiceModel, SystemModel } from '../model.js';

export function retryExchange(service: Pick<ServiceModel, 'name'>): string {
  return `${service.name}.retry`;
}

export function deadLetterExchange(service: Pick<ServiceModel, 'name'>): string {
  return `${service.name}.dlx`;
}

export function retryQueue(queue: string, step: number): string {
  return `${queue}.retry.${step}`;
}

/** A consumer queue of a service: the receive operations it serves (policies agree, see rules/queues.ts). */
export interface ConsumerQueue {
  readonly name: string;
  readonly service: ServiceModel;
  /** Sorted by id; the first carries the policies. */
  readonly operations: readonly OperationModel[];
  readonly policy: Required<Pick<OperationModel, 'queue' | 'retry' | 'deadLetter'>>;
  /** Channel ids bound to it. */
  readonly channels: readonly string[];
}

export function consumerQueues(system: SystemModel, service: ServiceModel): ConsumerQueue[] {
  const groups = new Map<string, OperationModel[]>();
  for (const op of system.operations) {
    if (op.service !== service.id || op.action !== 'receive' || !op.queue) continue;
    const group = groups.get(op.queue.name);
    if (group) group.push(op);
    else groups.set(op.queue.name, [op]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, operations]) => {
      const first = operations[0]!;
      return {
        name,
        service,
        operations,
        policy: { queue: first.queue!, retry: first.retry!, deadLetter: first.deadLetter! },
        channels: [...new Set(operations.map((o) => o.channel))].sort(),
      };
    });
}
