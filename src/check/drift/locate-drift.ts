/**
 * Points a drifted broker object at the contract line that implies it: a queue at its receive
 * operation, an exchange at a channel routed through it, a user or permission at its service.
 */
import type { ContractModel, SourceLocation } from '../../compiler/model.js';
import type { TopologyDocument } from '../../topology/types.js';
import { indexModel } from '../model-index.js';
import type { DriftHint } from './compare-definitions.js';

export function driftLocator(model: ContractModel, topology: TopologyDocument): (hint: DriftHint) => SourceLocation | undefined {
  const index = indexModel(model);
  const queues = new Map(topology.queues.map((q) => [`${q.vhost}\u0000${q.name}`, q]));
  const exchangeChannel = new Map<string, string>();
  for (const system of model.systems) for (const e of system.exchanges) if (e.channels[0]) exchangeChannel.set(`${system.vhost}\u0000${e.name}`, e.channels[0]);
  const systemService = new Map(model.systems.map((s) => [s.vhost, s.services[0]?.id]));

  const queueLocation = (vhost: string | undefined, name: string): SourceLocation | undefined => {
    const queue = queues.get(`${vhost}\u0000${name}`);
    if (!queue) return undefined;
    for (const id of queue.operations) {
      const op = index.operations.get(id);
      if (op) return op.location;
    }
    if (queue.parentQueue && queue.parentQueue !== name) return queueLocation(vhost, queue.parentQueue);
    return index.services.get(queue.service)?.location;
  };

  return (hint) => {
    if (hint.queue !== undefined) {
      const at = queueLocation(hint.vhost, hint.queue);
      if (at) return at;
    }
    if (hint.kind === 'exchange') {
      const channel = exchangeChannel.get(`${hint.vhost}\u0000${hint.name}`);
      if (channel) return index.channels.get(channel)?.location;
    }
    if (hint.service !== undefined) return index.services.get(hint.service)?.location;
    if (hint.kind === 'vhost') return index.services.get(systemService.get(hint.name) ?? '')?.location;
    return undefined;
  };
}
