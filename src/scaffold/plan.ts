/**
 * The files of a new service in the layout of docs/ARCHITECTURE.md ("A service's files"), from
 * its contract: pure — the contract model in, a plan (path → content) out. The writer
 * (./write.ts) creates what is missing and never touches a file that exists, so re-running the
 * plan after the contract grows adds only the new handler stubs.
 *
 * Each received message gets a stub `handlers/<operation>.ts` whose function is declared to
 * return the generated handler type but returns nothing: tsc refuses it (TS2355) until it is
 * written. The generated test delivers each message's contract example on the in-memory
 * transport and fails until the service handles it.
 */
import { camelCase, identifier, pascalCase } from '../compiler/emit/names.js';
import { systemTypeNames } from '../compiler/emit/type-names.js';
import type { ContractModel, MessageModel, OperationModel, ServiceModel, SystemModel } from '../compiler/model.js';
import { UserError } from '../shared/user-error.js';

export interface PlannedFile {
  /** Relative to the repository root, `/`-separated. */
  readonly path: string;
  readonly content: string;
  /** A handler stub (reported apart: the work left to do). */
  readonly stub?: { readonly operation: string; readonly messages: readonly string[] };
}

export interface ScaffoldPlan {
  readonly service: string;
  readonly files: readonly PlannedFile[];
}

/** A received message, delivered by the generated test from the sender's side. */
interface Delivery {
  readonly operation: OperationModel;
  readonly message: MessageModel;
  /** The service whose send operation carries the message. */
  readonly sender: ServiceModel;
  readonly sendOperation: OperationModel;
}

export function scaffoldPlan(model: ContractModel, id: string): ScaffoldPlan {
  const [systemName, serviceName, ...rest] = id.split('/');
  if (!systemName || !serviceName || rest.length > 0) throw new UserError(`expected <system>/<service>, got "${id}"`);
  const system = model.systems.find((s) => s.name === systemName);
  if (!system) throw new UserError(`no system "${systemName}" in the contracts (known: ${model.systems.map((s) => s.name).join(', ')})`);
  const service = system.services.find((s) => s.name === serviceName);
  if (!service) throw new UserError(`no service "${serviceName}" in system ${systemName} (known: ${system.services.map((s) => s.name).join(', ')})`);

  const names = namesOf(service);
  const dir = `services/${system.name}/${service.name}`;
  const receives = system.operations.filter((o) => o.service === service.id && o.action === 'receive').sort((a, b) => (a.key < b.key ? -1 : 1));
  const files: PlannedFile[] = [
    { path: `${dir}/main.ts`, content: mainFile(service, names) },
    { path: `${dir}/service.ts`, content: serviceFile(service, names, receives.length > 0) },
    { path: `${dir}/config.ts`, content: configFile(service) },
    { path: `${dir}/repository.ts`, content: repositoryFile(service, names) },
    { path: `${dir}/migrations/001_${names.table}.sql`, content: migrationFile(service, names) },
    { path: `${dir}/routes.ts`, content: routesFile(service, names) },
  ];
  if (receives.length > 0) {
    files.push({ path: `${dir}/handlers.ts`, content: handlersFile(service, names, receives) });
    const messages = new Map(system.messages.map((m) => [m.id, m]));
    for (const op of receives) {
      files.push({
        path: `${dir}/handlers/${op.key}.ts`,
        content: stubFile(service, names, op, messages),
        stub: { operation: op.key, messages: op.messages.map((m) => messages.get(m)?.name ?? m) },
      });
    }
  }
  files.push({ path: `test/unit/services/${system.name}/${service.name}.test.ts`, content: testFile(system, service, names, deliveries(system, receives)) });
  return { service: service.id, files };
}

interface Names {
  /** `Email`: the generated `EmailHandlers`, `subscribeEmail`, `createEmailPublisher`. */
  readonly Service: string;
  /** `emailService`: the generated descriptor. */
  readonly descriptor: string;
  /** `email`: the exported definition. */
  readonly definition: string;
  readonly table: string;
}

function namesOf(service: ServiceModel): Names {
  return {
    Service: pascalCase(service.name),
    descriptor: `${camelCase(service.name)}Service`,
    definition: camelCase(service.name),
    table: service.name.replace(/[^a-z0-9]+/gi, '_').toLowerCase(),
  };
}

/** The path of a generated client from a file in services/<system>/<service>/ (depth 3) or below. */
const clientPath = (up: string, service: ServiceModel) => `${up}generated/clients/${service.system}/${service.name}.js`;

function mainFile(service: ServiceModel, n: Names): string {
  return `/** Process entry of ${service.id}: configuration from the environment (see ./config.ts). */
import { runService } from '../../../src/service-kit/index.js';
import { ${n.definition} } from './service.js';

await runService(${n.definition});
`;
}

function serviceFile(service: ServiceModel, n: Names, receives: boolean): string {
  return `/**
 * ${service.id} — ${oneLine(service.description ?? service.name)}
 *
 * This file is the wiring only (docs/ARCHITECTURE.md, "A service's files").
 */
import { fileURLToPath } from 'node:url';
import * as client from '${clientPath('../../../', service)}';
import { defineService, sendsOf } from '../../../src/service-kit/index.js';
import { env, type Config } from './config.js';
${receives ? "import { handlers } from './handlers.js';\n" : ''}import { ${n.definition}Repository } from './repository.js';
import { registerRoutes } from './routes.js';

export const ${n.definition} = defineService<Config>({
  service: client.${n.descriptor},
  description: ${JSON.stringify(oneLine(service.description ?? service.id))},
  sends: sendsOf(client),
  env,
  migrationsDir: fileURLToPath(new URL('./migrations/', import.meta.url)),
  setup(kit) {
    const repo = ${n.definition}Repository(kit.db);
    registerRoutes(kit, repo);
${receives ? `    const received = handlers(kit, repo);\n    return { subscribe: (bus) => client.subscribe${n.Service}(bus, received) };\n` : ''}  },
});
`;
}

function configFile(service: ServiceModel): string {
  return `/** ${service.id}'s environment, besides the kit's own (PORT, AMQP_URL, DATABASE_URL…): checked at start. */
import type { ConfigOf, EnvSchema } from '../../../src/service-kit/index.js';

// Add the service's settings here, e.g. UPSTREAM_URL: { type: 'string', pattern: '^https?://' }.
export const env = { type: 'object', properties: {} } as const satisfies EnvSchema;

export type Config = ConfigOf<typeof env>;
`;
}

function repositoryFile(service: ServiceModel, n: Names): string {
  return `/** ${service.id}'s persistence: every statement over its tables (./migrations/). */
import type { Sql, Transaction } from '../../../src/durable/index.js';
import type { ServiceDatabase } from '../../../src/service-kit/index.js';

export interface Processed {
  readonly messageId: string;
  readonly type: string;
  readonly receivedAt: string;
}

export type ${n.Service}Repository = ReturnType<typeof ${n.definition}Repository>;

export function ${n.definition}Repository(db: ServiceDatabase) {
  const table = db.table('${n.table}');
  return {
    /** Records a message the service acted on (replace with the service's own state). */
    async record(tx: Transaction, messageId: string, type: string): Promise<void> {
      await tx.query(\`INSERT INTO \${table} (message_id, type) VALUES ($1, $2) ON CONFLICT (message_id) DO NOTHING\`, [messageId, type]);
    },

    async recent(sql: Sql, limit: number): Promise<Processed[]> {
      const { rows } = await sql.query<{ message_id: string; type: string; received_at: Date | string }>(
        \`SELECT message_id, type, received_at FROM \${table} ORDER BY received_at DESC LIMIT $1\`,
        [limit],
      );
      return rows.map((r) => ({ messageId: r.message_id, type: r.type, receivedAt: new Date(r.received_at).toISOString() }));
    },
  };
}
`;
}

function migrationFile(service: ServiceModel, n: Names): string {
  return `-- ${service.id}: the service's own tables (schema ${service.system}_${n.table}; eventplane's outbox and inbox live apart).
CREATE TABLE {{schema}}.${n.table} (
  message_id  text PRIMARY KEY,
  type        text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
`;
}

function routesFile(service: ServiceModel, n: Names): string {
  return `/** ${service.id}'s HTTP API. */
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
import type { ${n.Service}Repository } from './repository.js';

const tags = ['${service.name}'];

export function registerRoutes(kit: ServiceKit<Config>, repo: ${n.Service}Repository): void {
  const { app, store } = kit;
  app.get(
    '/api/${service.name}/recent',
    {
      schema: {
        tags,
        summary: 'What the service processed last',
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } } },
      },
    },
    async (request) => repo.recent(store, request.query.limit ?? 20),
  );
}
`;
}

function handlersFile(service: ServiceModel, n: Names, receives: readonly OperationModel[]): string {
  const imports = receives.map((op) => `import { ${op.key} } from './handlers/${op.key}.js';`).join('\n');
  const members = receives.map((op) => `    ${op.key}: ${op.key}(kit, repo),`).join('\n');
  return `/**
 * ${service.id}'s message handlers: the generated ${n.Service}Handlers, one member per message it
 * receives, each in ./handlers/<operation>.ts. When the contract grows, \`eventplane scaffold
 * ${service.id}\` adds the new stub files and tsc names the member to add here.
 */
import type * as client from '${clientPath('../../../', service)}';
import type { ServiceKit } from '../../../src/service-kit/index.js';
import type { Config } from './config.js';
${imports}
import type { ${n.Service}Repository } from './repository.js';

export function handlers(kit: ServiceKit<Config>, repo: ${n.Service}Repository): client.${n.Service}Handlers {
  return {
${members}
  };
}
`;
}

function stubFile(service: ServiceModel, n: Names, op: OperationModel, messages: ReadonlyMap<string, MessageModel>): string {
  const names = op.messages.map((m) => messages.get(m)?.name ?? m).join(' | ');
  const what = oneLine(op.summary ?? op.title ?? op.description ?? `handle ${names}`);
  return `/** ${service.id} ${op.key}: ${what} (${names}). */
import type * as client from '${clientPath('../../../../', service)}';
import type { ServiceKit } from '../../../../src/service-kit/index.js';
import type { Config } from '../config.js';
import type { ${n.Service}Repository } from '../repository.js';

/**
 * TODO(scaffold): return the handler. Until then tsc fails here (a declared return type and no
 * return) and the generated test fails. To write and record the message in one transaction with
 * its inbox row, return \`kit.handle(client.<queue>Receive, async (delivery, context, tx) => …)\`
 * (the queue's receive descriptor in the generated client), calling \`repo\` with \`tx\`${op.reply ? '; a replier resolves to its reply' : ''}.
 */
export function ${op.key}(kit: ServiceKit<Config>, repo: ${n.Service}Repository): client.${n.Service}Handlers['${op.key}'] {
}
`;
}

function deliveries(system: SystemModel, receives: readonly OperationModel[]): Delivery[] {
  const messages = new Map(system.messages.map((m) => [m.id, m]));
  const services = new Map(system.services.map((s) => [s.id, s]));
  const out: Delivery[] = [];
  for (const operation of receives) {
    // A replier's request waits for its answer: its test is the team's to write.
    if (operation.reply) continue;
    for (const id of operation.messages) {
      const message = messages.get(id);
      const sendOperation = system.operations.find((o) => o.action === 'send' && o.messages.includes(id));
      const sender = sendOperation && services.get(sendOperation.service);
      if (message && sendOperation && sender) out.push({ operation, message, sender, sendOperation });
    }
  }
  return out;
}

/** The generated send descriptor's name, as src/compiler/emit/clients.ts names it. */
function sendDescriptor(system: SystemModel, op: OperationModel, messageId: string): string {
  const suffix = op.messages.length > 1 ? systemTypeNames(system).payload(messageId) : '';
  return `${identifier(op.key)}${suffix}Send`;
}

function testFile(system: SystemModel, service: ServiceModel, n: Names, delivered: readonly Delivery[]): string {
  const senders = [...new Map(delivered.map((d) => [d.sender.id, d.sender])).values()];
  const senderImports = senders.map((s) => `import * as ${camelCase(s.name)}Client from '${clientPath('../../../../', s)}';`).join('\n');
  const cases = delivered
    .map((d) => {
      const example = d.message.examples[0]?.payload;
      const sample = example === undefined ? '/* TODO(scaffold): a valid payload — the contract has no example */ undefined as never' : JSON.stringify(example);
      return `  { operation: '${d.operation.key}', type: '${d.message.type}', sender: '${d.sender.id}', publish: (bus: Bus) => bus.publish(${camelCase(d.sender.name)}Client.${sendDescriptor(system, d.sendOperation, d.message.id)}, ${sample}) },`;
    })
    .join('\n');
  const senderServices = senders.map((s) => `  '${s.id}': defineService({ service: ${camelCase(s.name)}Client.${camelCase(s.name)}Service, sends: sendsOf(${camelCase(s.name)}Client), setup: () => {} }),`).join('\n');
  // A service that receives nothing (it only serves HTTP and publishes) gets the readiness test alone.
  const any = delivered.length > 0;
  const kitImports = any ? 'defineService, memoryTransport, sendsOf, startService, type RunningService' : 'memoryTransport, startService, type RunningService';
  const cased = any
    ? `
type Bus = RunningService['bus'];

const deliveries = [
${cases}
];

const senders = {
${senderServices}
};
`
    : '';
  const startSenders = any ? '\n  for (const [id, definition] of Object.entries(senders)) started.set(id, await startService(definition, options));' : '';
  const counterFn = any ? `
/** The service's counter \`name\` for messages of \`type\` (its /metrics). */
async function counter(name: string, type: string): Promise<number> {
  const text = await (await fetch(\`\${service.url}/metrics\`)).text();
  let total = 0;
  for (const line of text.split('\\n')) if (line.startsWith(\`\${name}{\`) && line.includes(\`type="\${type}"\`)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
}
` : '';
  const eachTest = any ? `
  it.each(deliveries)('handles $type ($operation)', async ({ type, sender, publish }) => {
    await publish(started.get(sender)!.bus);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const failed = (await counter('eventplane_retried_total', type)) + (await counter('eventplane_dead_lettered_total', type));
      expect(failed, \`\${type} was retried or dead-lettered: see the handler's error in the log (TEST_LOG_LEVEL=info)\`).toBe(0);
      if ((await counter('eventplane_handled_total', type)) >= 1) break;
      if (Date.now() > deadline) throw new Error(\`\${type} was not handled within 10 s\`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });` : '';
  return `/**
 * ${service.id} on the in-memory transport: it starts and is ready, and each message it
 * receives (the contract's example, sent by a stand-in for its sender) is handled — neither
 * retried nor dead-lettered. Written by \`eventplane scaffold\`: add the assertions on what each
 * handler does.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
${senderImports}
import { openStore, type DurableStore } from '../../../../src/durable/index.js';
import { ${kitImports} } from '../../../../src/service-kit/index.js';
import { ${n.definition} } from '../../../../services/${service.system}/${service.name}/service.js';
${cased}
const transport = memoryTransport(JSON.parse(readFileSync('generated/topology.json', 'utf8')));
const env = { PORT: '0', LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent' };
let store: DurableStore;
let service: RunningService;
const started = new Map<string, RunningService>();

beforeAll(async () => {
  // One in-memory PGlite for the service and the stand-ins (each in its own schema).
  store = await openStore({ migrate: false });
  const options = { env, transport, sharedStore: store, processMetrics: false };
  service = await startService(${n.definition}, options);${startSenders}
}, 180_000);

afterAll(async () => {
  for (const running of started.values()) await running.close();
  await service?.close();
  await store?.close();
  transport.close();
});
${counterFn}
describe('${service.id}', () => {
  it('is ready', async () => {
    expect((await fetch(\`\${service.url}/readyz\`)).status).toBe(200);
  });
${eachTest}
});
`;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
