/**
 * Why `npm start` runs on the in-memory transport, and what would make it run on a real broker.
 * Pure, so every case is tested: the advice must be true of this machine (telling a user with
 * RabbitMQ installed to install it sends them the wrong way).
 */
export interface BrokerChoice {
  /** `--memory` was passed. */
  readonly memoryRequested: boolean;
  readonly amqpUrlSet: boolean;
  readonly rabbitmqInstalled: boolean;
  /** Why this process cannot run a RabbitMQ node though the server is installed (e.g. not root). */
  readonly cannotRunNodes: string | undefined;
}

export interface MemoryNotice {
  readonly reason: string;
  readonly advice: string;
}

/** Undefined when `npm start` uses a real broker. */
export function memoryNotice(choice: BrokerChoice): MemoryNotice | undefined {
  if (choice.memoryRequested) {
    return {
      reason: 'you asked for --memory',
      advice: choice.amqpUrlSet
        ? 'Run without --memory to run each service as its own process on the broker at AMQP_URL.'
        : choice.rabbitmqInstalled && choice.cannotRunNodes === undefined
          ? 'Run without --memory to run each service as its own process on a local RabbitMQ node (rabbitmq-server is installed).'
          : adviceWithoutBroker(choice),
    };
  }
  if (choice.amqpUrlSet) return undefined;
  if (!choice.rabbitmqInstalled) return { reason: 'rabbitmq-server is not installed here and AMQP_URL is not set', advice: adviceWithoutBroker(choice) };
  if (choice.cannotRunNodes !== undefined) return { reason: choice.cannotRunNodes, advice: adviceWithoutBroker(choice) };
  return undefined;
}

function adviceWithoutBroker(choice: BrokerChoice): string {
  if (!choice.rabbitmqInstalled) {
    return 'Install RabbitMQ (apt-get install rabbitmq-server) or set AMQP_URL to run each service as its own process on a real broker.';
  }
  // Installed, but this user cannot start a node: installing it again would change nothing.
  return 'Run npm start as root (or the rabbitmq user), or set AMQP_URL, to run each service as its own process on a real broker.';
}
