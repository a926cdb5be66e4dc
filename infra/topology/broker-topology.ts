import * as pulumi from '@pulumi/pulumi';
import * as rabbitmq from '@pulumi/rabbitmq';
import * as random from '@pulumi/random';
import type { ArgumentValue, TopologyDocument } from '../../src/topology/types.js';
import { policyDefinitionForProvider } from './provider-values.js';

export interface BrokerTopologyArgs {
  readonly topology: TopologyDocument;
  /** Management API of the cluster, e.g. https://eventplane-rabbitmq.eventplane.svc:15671. */
  readonly endpoint: string;
  readonly caFile?: string;
  readonly insecure: boolean;
  readonly adminUsername: string;
  readonly adminPassword: pulumi.Output<string>;
  /** Completes when every RabbitMQ replica is ready; nothing here starts before. */
  readonly clusterReady: pulumi.Resource;
}

export interface ServiceCredentials {
  readonly username: string;
  readonly vhost: string;
  /** Secret output. */
  readonly password: pulumi.Output<string>;
}

/**
 * Every RabbitMQ object of the topology document through @pulumi/rabbitmq, one resource per
 * entry, nothing added. Queues are durable (the provider's default is not), protected, and
 * carry only `x-queue-type`: everything else sits in the queue's policy, created before the
 * queue so no message ever reaches a queue without its limits and dead-lettering.
 */
export class BrokerTopology extends pulumi.ComponentResource {
  /** By service id (`shop/order`). */
  readonly credentials: Readonly<Record<string, ServiceCredentials>>;

  constructor(name: string, args: BrokerTopologyArgs, opts?: pulumi.ComponentResourceOptions) {
    super('eventplane:infra:BrokerTopology', name, {}, opts);
    const { topology } = args;
    const provider = new rabbitmq.Provider(
      'broker',
      {
        endpoint: args.endpoint,
        username: args.adminUsername,
        password: pulumi.secret(args.adminPassword),
        insecure: args.insecure,
        ...(args.caFile ? { cacertFile: args.caFile } : {}),
      },
      { parent: this },
    );
    const options = (...dependsOn: pulumi.Resource[]): pulumi.CustomResourceOptions => ({
      parent: this,
      provider,
      dependsOn: [args.clusterReady, ...dependsOn],
    });
    const key = (vhost: string, name: string) => `${vhost}/${name}`;

    const vhosts = new Map<string, rabbitmq.VHost>();
    for (const vhost of topology.vhosts) {
      vhosts.set(vhost.name, new rabbitmq.VHost(vhost.name, { name: vhost.name }, options()));
    }
    const vhostName = (vhost: string) => {
      const resource = vhosts.get(vhost);
      if (!resource) throw new pulumi.RunError(`topology: vhost ${vhost} is used but not declared`);
      return resource.name;
    };

    const exchanges = new Map<string, rabbitmq.Exchange>();
    for (const exchange of topology.exchanges) {
      if (exchange.internal) throw new pulumi.RunError(`exchange ${exchange.name}: internal exchanges cannot be declared through @pulumi/rabbitmq`);
      exchanges.set(
        key(exchange.vhost, exchange.name),
        new rabbitmq.Exchange(
          key(exchange.vhost, exchange.name),
          {
            name: exchange.name,
            vhost: vhostName(exchange.vhost),
            settings: { type: exchange.type, durable: exchange.durable, autoDelete: exchange.autoDelete },
          },
          options(),
        ),
      );
    }

    const policies = new Map<string, rabbitmq.Policy>();
    for (const policy of topology.policies) {
      policies.set(
        key(policy.vhost, policy.name),
        new rabbitmq.Policy(
          key(policy.vhost, policy.name),
          {
            name: policy.name,
            vhost: vhostName(policy.vhost),
            policy: {
              pattern: policy.pattern,
              priority: policy.priority,
              applyTo: policy.applyTo,
              definition: policyDefinitionForProvider(policy.definition, `policy ${policy.vhost}/${policy.name}`),
            },
          },
          options(),
        ),
      );
    }

    const queues = new Map<string, rabbitmq.Queue>();
    for (const queue of topology.queues) {
      const ownPolicies = topology.policies
        .filter((p) => p.vhost === queue.vhost && new RegExp(p.pattern).test(queue.name))
        .map((p) => policies.get(key(p.vhost, p.name))!);
      queues.set(
        key(queue.vhost, queue.name),
        new rabbitmq.Queue(
          key(queue.vhost, queue.name),
          {
            name: queue.name,
            vhost: vhostName(queue.vhost),
            settings: { durable: queue.durable, autoDelete: queue.autoDelete, argumentsJson: JSON.stringify(queue.arguments) },
          },
          // A settings change would delete the queue and its messages: Pulumi must refuse.
          { ...options(...ownPolicies), protect: true },
        ),
      );
    }

    for (const binding of topology.bindings) {
      const source = exchanges.get(key(binding.vhost, binding.source));
      const destination =
        binding.destinationType === 'queue' ? queues.get(key(binding.vhost, binding.destination)) : exchanges.get(key(binding.vhost, binding.destination));
      if (!source || !destination) {
        throw new pulumi.RunError(`binding ${binding.source} → ${binding.destination} in ${binding.vhost}: an end is not in the topology`);
      }
      new rabbitmq.Binding(
        `${binding.vhost}/${binding.source}/${binding.destinationType}/${binding.destination}/${binding.routingKey}`,
        {
          vhost: vhostName(binding.vhost),
          source: source.name,
          destination: destination.name,
          destinationType: binding.destinationType,
          routingKey: binding.routingKey,
          ...(hasEntries(binding.arguments) ? { argumentsJson: JSON.stringify(binding.arguments) } : {}),
        },
        options(),
      );
    }

    const credentials: Record<string, ServiceCredentials> = {};
    const users = new Map<string, rabbitmq.User>();
    for (const user of topology.users) {
      const password = new random.RandomPassword(`${user.name}-password`, { length: 32, special: false }, { parent: this });
      const secretPassword = pulumi.secret(password.result);
      users.set(user.name, new rabbitmq.User(user.name, { name: user.name, password: secretPassword, tags: [...user.tags] }, options()));
      credentials[user.service] = { username: user.name, vhost: user.vhost, password: secretPassword };
    }
    const userName = (user: string) => {
      const resource = users.get(user);
      if (!resource) throw new pulumi.RunError(`topology: permission for unknown user ${user}`);
      return resource.name;
    };

    for (const permission of topology.permissions) {
      new rabbitmq.Permissions(
        `${permission.vhost}/${permission.user}`,
        {
          user: userName(permission.user),
          vhost: vhostName(permission.vhost),
          permissions: { configure: permission.configure, write: permission.write, read: permission.read },
        },
        options(),
      );
    }

    // The provider holds all of a user's topic permissions in a vhost in one resource.
    const topicGroups = new Map<string, typeof topology.topicPermissions>();
    for (const topic of topology.topicPermissions) {
      const group = key(topic.vhost, topic.user);
      topicGroups.set(group, [...(topicGroups.get(group) ?? []), topic]);
    }
    for (const [group, entries] of topicGroups) {
      const first = entries[0]!;
      new rabbitmq.TopicPermissions(
        group,
        {
          user: userName(first.user),
          vhost: vhostName(first.vhost),
          permissions: entries.map((entry) => ({ exchange: entry.exchange, write: entry.write, read: entry.read })),
        },
        options(),
      );
    }

    this.credentials = credentials;
    this.registerOutputs({});
  }
}

function hasEntries(values: Readonly<Record<string, ArgumentValue>>): boolean {
  return Object.keys(values).length > 0;
}
