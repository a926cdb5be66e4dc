/**
 * The typed client of one service: its descriptor, a publish function per send operation, a
 * handler interface covering every receive operation, and a subscribe function that hands each
 * delivery to the right handler. A missing handler or a mistyped payload is a compile error.
 * Generated code imports only runtime-contract.ts and its sibling generated modules.
 */
import type { ChannelModel, ChannelParameterModel, MessageModel, OperationModel, ServiceModel, SystemModel } from '../model.js';
import { consumerQueues, deadLetterExchange, retryExchange, retryQueue, type ConsumerQueue } from './broker-names.js';
import { banner } from './header.js';
import { messageDescriptorName } from './messages.js';
import { camelCase, docText, identifier, NameScope, pascalCase, propertyKey, tsString } from './names.js';
import type { SystemTypeNames } from './type-names.js';
import { personalDataFields } from './personal-data.js';

interface Send {
  readonly op: OperationModel;
  readonly message: MessageModel;
  readonly descriptor: string;
  readonly method: string;
}

export function emitClient(system: SystemModel, service: ServiceModel, names: SystemTypeNames, from: string): string {
  const messages = new Map(system.messages.map((m) => [m.id, m]));
  const channels = new Map(system.channels.map((c) => [c.id, c]));
  const Service = pascalCase(service.name);
  const serviceConst = `${camelCase(service.name)}Service`;
  const scope = new NameScope([serviceConst, `${Service}Publisher`, `create${Service}Publisher`, `${Service}Handlers`, `subscribe${Service}`]);
  const delivery = (id: string) => `Delivery<${tsString(messages.get(id)!.name)}, T.${names.payload(id)}>`;
  const brokerUsers = new Map(system.services.map((s) => [s.id, s.brokerUser]));
  const senders = (ids: readonly string[]) => sendersOf(ids, system, messages, channels, brokerUsers);
  const headersOf = (id: string) => names.headers(id);
  const replyType = (ids: readonly string[]) => ids.map((id) => `T.${names.payload(id)}`).join(' | ');
  const replyDescriptors = (ids: readonly string[]) => ids.map((id) => `M.${messageDescriptorName(names.payload(id))}`).join(', ');

  const sends: Send[] = [];
  for (const op of system.operations) {
    if (op.service !== service.id || op.action !== 'send') continue;
    for (const id of op.messages) {
      const message = messages.get(id)!;
      const suffix = op.messages.length > 1 ? names.payload(id) : '';
      sends.push({ op, message, descriptor: scope.claim(`${identifier(op.key)}${suffix}Send`), method: identifier(`${op.key}${suffix}`) });
    }
  }
  const queues = consumerQueues(system, service);
  const receives = system.operations.filter((o) => o.service === service.id && o.action === 'receive');

  // Every message this service sends, receives or answers with: what its logs could contain.
  const handled = system.operations.filter((o) => o.service === service.id).flatMap((o) => [...o.messages, ...(o.reply?.messages ?? [])]);
  const personalData = personalDataFields(handled.flatMap((id) => [messages.get(id)?.payload, messages.get(id)?.headers]));

  const runtimeImports = new Set<string>(['ServiceDescriptor']);
  const out: string[] = [];
  out.push(
    `/** ${docText(service.description ?? service.name)} */`,
    `export const ${serviceConst}: ServiceDescriptor = {`,
    `  id: ${tsString(service.id)},`,
    `  system: ${tsString(system.name)},`,
    `  name: ${tsString(service.name)},`,
    `  vhost: ${tsString(system.vhost)},`,
    `  brokerUser: ${tsString(service.brokerUser)},`,
    ...(personalData.length > 0 ? [`  personalData: [${personalData.map(tsString).join(', ')}],`] : []),
    '};',
  );

  if (sends.length > 0) {
    const requests = sends.some((send) => send.op.reply);
    runtimeImports.add('EventPublisher');
    if (sends.some((send) => !send.op.reply)) for (const name of ['SendDescriptor', 'PublishOptions', 'PublishReceipt']) runtimeImports.add(name);
    if (requests) for (const name of ['RequestDescriptor', 'EventRequester', 'RequestOptions']) runtimeImports.add(name);
    for (const send of sends) {
      const channel = channels.get(send.op.channel)!;
      const headers = headersOf(send.message.id);
      const payload = `T.${names.payload(send.message.id)}`;
      const reply = send.op.reply;
      const type = reply
        ? `RequestDescriptor<${[payload, replyType(reply.messages), ...(headers ? [`T.${headers}`] : [])].join(', ')}>`
        : `SendDescriptor<${headers ? `${payload}, T.${headers}` : payload}>`;
      out.push(
        '',
        `/** ${send.message.name} → ${docText(channel.exchange)} (${docText(channel.address)})${reply ? `, answered with ${reply.messages.map((id) => messages.get(id)!.name).join(' | ')}${reply.directReplyTo ? ' over direct reply-to' : reply.queue !== undefined ? ` in reply queue ${docText(reply.queue)}` : ''}` : ''} */`,
        `export const ${send.descriptor}: ${type} = {`,
        `  operationId: ${tsString(send.op.id)},`,
        `  service: ${tsString(service.id)},`,
        `  vhost: ${tsString(system.vhost)},`,
        `  exchange: ${tsString(channel.exchange)},`,
        `  exchangeType: ${tsString(channel.exchangeType)},`,
        `  routingKey: ${tsString(channel.address)},`,
        `  message: M.${messageDescriptorName(names.payload(send.message.id))},`,
        ...(reply ? [`  reply: { messages: [${replyDescriptors(reply.messages)}]${reply.queue !== undefined ? `, queue: ${tsString(reply.queue)}` : ''} },`] : []),
        '};',
      );
    }
    const parameterized = sends.some((send) => parametersOf(channels.get(send.op.channel)!).length > 0);
    out.push(
      '',
      requests
        ? `/** Publishes the messages of ${service.name}; a publish resolves when the broker confirms it, a request with the reply. */`
        : `/** Publishes the messages of ${service.name}; each call resolves when the broker confirms it. */`,
      `export interface ${Service}Publisher {`,
    );
    for (const send of sends) {
      const headers = headersOf(send.message.id);
      const summary = send.message.summary ?? send.op.summary ?? send.message.title;
      const parameters = parametersOf(channels.get(send.op.channel)!);
      if (summary) out.push(`  /** ${docText(summary)} */`);
      const payload = `T.${names.payload(send.message.id)}`;
      const first = parameters.length > 0 ? `parameters: ${parametersType(parameters)}, ` : '';
      out.push(
        send.op.reply
          ? `  ${send.method}(${first}payload: ${payload}, options?: RequestOptions${headers ? `<T.${headers}>` : ''}): Promise<${replyType(send.op.reply.messages)}>;`
          : `  ${send.method}(${first}payload: ${payload}, options?: PublishOptions${headers ? `<T.${headers}>` : ''}): Promise<PublishReceipt>;`,
      );
    }
    out.push('}', '', `export function create${Service}Publisher(bus: EventPublisher${requests ? ' & EventRequester' : ''}): ${Service}Publisher {`, '  return {');
    for (const send of sends) {
      const verb = send.op.reply ? 'request' : 'publish';
      if (parametersOf(channels.get(send.op.channel)!).length > 0) {
        out.push(`    ${send.method}: (parameters, payload, options) => bus.${verb}(withRoutingKey(${send.descriptor}, parameters), payload, options),`);
      } else out.push(`    ${send.method}: (payload, options) => bus.${verb}(${send.descriptor}, payload, options),`);
    }
    out.push('  };', '}');
    if (parameterized) out.push('', ...WITH_ROUTING_KEY);
  }

  if (receives.length > 0) {
    for (const name of ['Delivery', 'ReceiveDescriptor', 'EventSubscriber', 'Subscription']) runtimeImports.add(name);
    const replier = receives.some((op) => op.reply);
    out.push('', `/** One handler per receive operation of ${service.name}${replier ? '; a replier resolves to its reply' : ''}. */`, `export interface ${Service}Handlers {`);
    for (const op of [...receives].sort((a, b) => (a.key < b.key ? -1 : 1))) {
      const summary = op.summary ?? op.title;
      if (summary) out.push(`  /** ${docText(summary)} */`);
      runtimeImports.add(op.reply ? 'Replier' : 'Handler');
      const deliveries = op.messages.map(delivery).join(' | ');
      out.push(`  ${propertyKey(op.key)}: ${op.reply ? `Replier<${deliveries}, ${replyType(op.reply.messages)}>` : `Handler<${deliveries}>`};`);
    }
    out.push('}');
    const descriptors = queues.map((queue) => ({ queue, name: scope.claim(`${camelCase(queue.name)}Receive`) }));
    for (const { queue, name } of descriptors) {
      out.push('', ...receiveDescriptor(queue, name, delivery, names, senders, (ids) => replies(ids, messages, replyDescriptors)));
    }
    out.push(
      '',
      `/** Consumes every queue of ${service.name}; resolves once all consumers are running. */`,
      `export function subscribe${Service}(bus: EventSubscriber, handlers: ${Service}Handlers): Promise<Subscription[]> {`,
      '  return Promise.all([',
    );
    for (const { queue, name } of descriptors) {
      out.push(`    bus.subscribe(${name}, async (delivery, context) => {`, '      switch (delivery.name) {');
      for (const op of queue.operations) {
        for (const id of op.messages) {
          out.push(`        case ${tsString(messages.get(id)!.name)}:`, `          return handlers${accessor(op.key)}(delivery, context);`);
        }
      }
      out.push(
        '        default:',
        `          throw new Error(\`message \${(delivery as Delivery).name} is not received on queue ${escapeTemplate(queue.name)}\`);`,
        '      }',
        '    }),',
      );
    }
    out.push('  ]);', '}');
  }

  const header = [
    banner(from),
    `import type { ${[...runtimeImports].sort().join(', ')} } from '../../runtime-contract.js';`,
    ...(sends.length > 0 || receives.length > 0 ? [`import type * as T from '../../types/${system.name}.js';`, `import * as M from '../../messages/${system.name}.js';`] : []),
    '',
  ];
  return `${[...header, ...out].join('\n')}\n`;
}

function receiveDescriptor(
  queue: ConsumerQueue,
  name: string,
  delivery: (id: string) => string,
  names: SystemTypeNames,
  sendersOf: (ids: readonly string[]) => Senders,
  repliesOf: (ops: readonly OperationModel[]) => string[],
): string[] {
  const { retry, deadLetter, queue: policy } = queue.policy;
  const ids = [...new Set(queue.operations.flatMap((o) => o.messages))].sort();
  const senders = sendersOf(ids);
  const service = queue.service;
  return [
    `/** Queue ${docText(queue.name)}: ${queue.operations.map((o) => o.key).join(', ')}. */`,
    `export const ${name}: ReceiveDescriptor<${ids.map(delivery).join(' | ')}> = {`,
    `  operationIds: [${queue.operations.map((o) => tsString(o.id)).join(', ')}],`,
    `  service: ${tsString(service.id)},`,
    `  vhost: ${tsString(service.system)},`,
    `  queue: ${tsString(queue.name)},`,
    `  messages: [${ids.map((id) => `M.${messageDescriptorName(names.payload(id))}`).join(', ')}],`,
    '  retry: {',
    `    retries: ${retry.retries},`,
    `    delaysMs: [${retry.delaysMs.join(', ')}],`,
    `    exchange: ${tsString(retryExchange(service))},`,
    `    queues: [${retry.delaysMs.map((_, i) => tsString(retryQueue(queue.name, i + 1))).join(', ')}],`,
    '  },',
    '  deadLetter: {',
    `    exchange: ${tsString(deadLetterExchange(service))},`,
    `    routingKey: ${tsString(queue.name)},`,
    `    queue: ${tsString(deadLetter.queue)},`,
    '  },',
    `  prefetch: ${policy.prefetch},`,
    `  concurrency: ${policy.concurrency},`,
    '  senders: {',
    '    byType: {',
    ...senders.byType.map(([type, users]) => `      ${tsString(type)}: [${users.map(tsString).join(', ')}],`),
    '    },',
    '    routingKeys: {',
    ...senders.routingKeys.map(([type, keys]) => `      ${tsString(type)}: [${keys.map(tsString).join(', ')}],`),
    '    },',
    ...(senders.viaDefaultExchange.length > 0 ? [`    viaDefaultExchange: [${senders.viaDefaultExchange.map(tsString).join(', ')}],`] : []),
    '  },',
    ...repliesOf(queue.operations),
    '};',
  ];
}

/** `replies` of a receive descriptor: request type → the messages its replier answers with. */
function replies(operations: readonly OperationModel[], messages: ReadonlyMap<string, MessageModel>, descriptors: (ids: readonly string[]) => string): string[] {
  const entries = operations.flatMap((op) =>
    op.reply ? op.messages.map((id) => [messages.get(id)!.type, `messages: [${descriptors(op.reply!.messages)}]${op.reply!.queue !== undefined ? `, queue: ${tsString(op.reply!.queue)}` : ''}`] as const) : [],
  );
  if (entries.length === 0) return [];
  return ['  replies: {', ...entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([type, fields]) => `    ${tsString(type)}: { ${fields} },`), '  },'];
}

interface Senders {
  readonly byType: Array<[string, string[]]>;
  readonly routingKeys: Array<[string, string[]]>;
  readonly viaDefaultExchange: string[];
}

/**
 * Who sends each of the queue's messages (the broker users of the services with a send operation
 * for it), the routing key it travels with, and which travel on the default exchange: the
 * consumer's sender rule.
 */
function sendersOf(
  messageIds: readonly string[],
  system: SystemModel,
  messages: ReadonlyMap<string, MessageModel>,
  channels: ReadonlyMap<string, ChannelModel>,
  brokerUsers: ReadonlyMap<string, string>,
): Senders {
  const byType: Array<[string, string[]]> = [];
  const routingKeys: Array<[string, string[]]> = [];
  const viaDefaultExchange: string[] = [];
  for (const id of messageIds) {
    const message = messages.get(id)!;
    const channel = channels.get(message.channel);
    // The services with a send operation for it; none means its senders are outside the contracts
    // (an `is: queue` channel its consumer declares for others to fill), and nobody is checked.
    const senders = system.operations.filter((op) => op.action === 'send' && op.messages.includes(id)).map((op) => op.service);
    if (senders.length > 0) byType.push([message.type, [...new Set(senders.map((service) => brokerUsers.get(service)).filter((user) => user !== undefined))].sort()]);
    if (channel !== undefined) routingKeys.push([message.type, [channel.address]]);
    if (channel?.exchange === '') viaDefaultExchange.push(message.type);
  }
  const byName = ([a]: [string, string[]], [b]: [string, string[]]) => (a < b ? -1 : a > b ? 1 : 0);
  return { byType: byType.sort(byName), routingKeys: routingKeys.sort(byName), viaDefaultExchange: viaDefaultExchange.sort() };
}

function parametersOf(channel: ChannelModel): readonly ChannelParameterModel[] {
  return channel.parameters ?? [];
}

/** `{ readonly streetlightId: string; readonly unit: 'lux' | 'lumen' }` */
function parametersType(parameters: readonly ChannelParameterModel[]): string {
  const member = (p: ChannelParameterModel) => `readonly ${propertyKey(p.name)}: ${p.enum ? p.enum.map(tsString).join(' | ') : 'string'}`;
  return `{ ${parameters.map(member).join('; ')} }`;
}

/**
 * Fills a send's routing-key template from the publisher's argument. A value is one routing-key
 * word: on a topic exchange `.`, `*` and `#` would change which bindings match, so they are refused.
 */
const WITH_ROUTING_KEY = [
  '/** The send with its routing key filled in: each `{name}` of the template by `parameters[name]`. */',
  'function withRoutingKey<P, H>(send: SendDescriptor<P, H>, parameters: Readonly<Record<string, string>>): SendDescriptor<P, H> {',
  '  const routingKey = send.routingKey.replace(/\\{([^{}]+)\\}/g, (_, name: string) => {',
  '    const value = parameters[name];',
  "    if (typeof value !== 'string' || value === '' || (send.exchangeType === 'topic' && /[.*#]/.test(value))) {",
  "      throw new TypeError(`routing-key parameter ${name} of ${send.operationId} must be a non-empty word${send.exchangeType === 'topic' ? ' without . * #' : ''}, got ${JSON.stringify(value)}`);",
  '    }',
  '    return value;',
  '  });',
  '  return { ...send, routingKey };',
  '}',
];

function accessor(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${tsString(key)}]`;
}

function escapeTemplate(value: string): string {
  return value.replace(/[`\\$]/g, (c) => `\\${c}`);
}
