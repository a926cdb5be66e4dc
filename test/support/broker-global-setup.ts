/**
 * Vitest global setup for suites that need a real broker: starts one RabbitMQ node from the
 * machine's rabbitmq-server on free 127.0.0.1 ports for the whole run and stops it afterwards.
 * Test files isolate themselves with their own vhosts and users (see ./broker.ts).
 */
import type { TestProject } from 'vitest/node';
import { startLocalCluster } from '../../src/local-cluster/local-cluster.js';

export interface TestBroker {
  readonly managementUrl: string;
  readonly amqpPort: number;
  readonly admin: { readonly username: string; readonly password: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    broker: TestBroker;
  }
}

export default async function setup(project: TestProject) {
  const cluster = await startLocalCluster({ nodes: 1 });
  project.provide('broker', {
    managementUrl: cluster.managementUrl(),
    amqpPort: cluster.node(0).spec.ports.amqp,
    admin: cluster.admin,
  });
  return async () => {
    await cluster.destroy();
  };
}
