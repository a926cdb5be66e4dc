import { Ajv } from 'ajv';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { schemaProblems, type SchemaProblem } from '../src/shared/schema-errors.js';

/**
 * The stack configuration (`Pulumi.<stack>.yaml`, namespace `eventplane:`), validated in one
 * place so a typo'd key or a wrong type stops `pulumi up` with the key's name instead of
 * silently falling back to a default. infra/README.md documents every key. The TypeScript type
 * is derived from the schema below (json-schema-to-ts), so the two cannot drift apart; keys
 * with a default are present after parsing, and the type says so.
 */

/** Keys whose values are objects (YAML maps in the stack file, JSON strings in the engine's config). */
export const OBJECT_CONFIG_KEYS: readonly string[] = [
  'rabbitmq',
  'clusterOperator',
  'tls',
  'management',
  'network',
  'monitoring',
  'serviceDefaults',
  'services',
];

/** Secret-valued keys: read with requireSecret, never placed in a plain input. */
export const SECRET_CONFIG_KEYS: readonly string[] = ['imagePullDockerConfigJson'];

const quantity = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$' } as const;
const dnsLabel = { type: 'string', pattern: '^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$' } as const;
const dnsName = { type: 'string', pattern: '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' } as const;
const labelMap = {
  type: 'object',
  propertyNames: { pattern: '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$' },
  additionalProperties: { type: 'string', pattern: '^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$' },
} as const;
/** An object with exactly these keys, each defaulted (or optional), itself defaulting to `{}`. */
const strict = <const P extends Record<string, JSONSchema>>(properties: P) =>
  ({ type: 'object', additionalProperties: false, properties, default: {} }) as const;

const { default: _rootDefault, ...schema } = strict({
  namespace: { ...dnsLabel, default: 'eventplane' },
  topologyFile: { type: 'string', minLength: 1, default: '../generated/topology.json' },
  clusterDomain: { ...dnsName, default: 'cluster.local' },
  rabbitmq: strict({
    name: { ...dnsLabel, maxLength: 40, default: 'eventplane-rabbitmq' },
    image: { type: 'string', minLength: 1, default: 'rabbitmq:4.2.6-management' },
    replicas: { enum: [3, 5, 7], default: 3 },
    cpu: { ...quantity, default: '2' },
    memory: { ...quantity, default: '4Gi' },
    storage: { ...quantity, default: '50Gi' },
    storageClassName: { type: 'string', minLength: 1 },
    antiAffinity: { enum: ['required', 'preferred'], default: 'required' },
    zoneSpread: { enum: ['DoNotSchedule', 'ScheduleAnyway'], default: 'DoNotSchedule' },
    adminUsername: { type: 'string', pattern: '^[a-z][-a-z0-9]{2,62}$', default: 'eventplane-admin' },
  }),
  clusterOperator: strict({
    install: { type: 'boolean', default: true },
    version: { type: 'string', pattern: '^v[0-9]+\\.[0-9]+\\.[0-9]+$', default: 'v2.22.3' },
    namespace: { ...dnsLabel, default: 'rabbitmq-system' },
  }),
  tls: {
    ...strict({
      issuer: {
        type: 'object',
        additionalProperties: false,
        required: ['kind', 'name'],
        properties: { kind: { enum: ['Issuer', 'ClusterIssuer'] }, name: { type: 'string', minLength: 1 } },
      },
      secretName: dnsLabel,
      extraDnsNames: { type: 'array', items: dnsName, default: [] },
    }),
    not: { required: ['issuer', 'secretName'] },
  },
  management: strict({
    endpoint: { type: 'string', pattern: '^https?://' },
    caFile: { type: 'string', minLength: 1 },
    insecure: { type: 'boolean', default: false },
  }),
  network: strict({
    operatorNamespaces: { type: 'array', items: dnsLabel, default: ['rabbitmq-system'] },
    monitoringNamespace: { ...dnsLabel, default: 'monitoring' },
  }),
  monitoring: strict({
    selectorLabels: { ...labelMap, default: { release: 'kube-prometheus-stack' } },
    dashboardLabels: { ...labelMap, default: { grafana_dashboard: '1' } },
    dashboardFolder: { type: 'string', minLength: 1, default: 'eventplane' },
    consumerLagSeconds: { type: 'integer', minimum: 1, default: 300 },
  }),
  serviceDefaults: strict({
    imageTemplate: { type: 'string', pattern: '\\{service\\}' },
    replicas: { type: 'integer', minimum: 1, default: 2 },
    cpu: { ...quantity, default: '250m' },
    memory: { ...quantity, default: '256Mi' },
    port: { type: 'integer', minimum: 1024, maximum: 65535, default: 8080 },
  }),
  services: {
    type: 'object',
    default: {},
    propertyNames: { pattern: '^[a-z0-9][-a-z0-9_]*/[a-z0-9][-a-z0-9_]*$' },
    additionalProperties: strict(
      {
        image: { type: 'string', minLength: 1 },
        replicas: { type: 'integer', minimum: 1 },
        cpu: quantity,
        memory: quantity,
      },
    ),
  },
  imagePullDockerConfigJson: { type: 'string' },
});

type DeepReadonly<T> = T extends readonly (infer I)[] ? readonly DeepReadonly<I>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** The parsed configuration, every default filled in; the secret is read apart (see index.ts). */
export type StackConfig = DeepReadonly<Omit<FromSchema<typeof schema>, 'imagePullDockerConfigJson'>>;

// strictRequired would refuse the `not: { required }` that makes issuer and secretName exclusive.
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, strictRequired: false });
const validate = ajv.compile(schema);

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates the raw `eventplane:` config (key → parsed value) and fills in defaults.
 * Throws ConfigError naming every wrong key at once.
 */
export function parseStackConfig(raw: Readonly<Record<string, unknown>>): StackConfig {
  const copy = structuredClone(raw) as Record<string, unknown>;
  if (!validate(copy)) {
    const problems = schemaProblems(validate.errors).map(describeProblem);
    throw new ConfigError(`invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const { imagePullDockerConfigJson: _secret, ...config } = copy;
  // ajv has checked `copy` against `schema` and filled its defaults: it is FromSchema<typeof schema>.
  return config as StackConfig;
}

/** `eventplane:rabbitmq.replicas: must be one of 3, 5, 7`, from the project's one ajv error reading. */
function describeProblem(problem: SchemaProblem): string {
  const key = `eventplane:${problem.path.join('.')}`;
  if (problem.keyword === 'additionalProperties') return `${key}: unknown key`;
  if (problem.keyword === 'not' && problem.path[0] === 'tls') return `${key}: set either issuer or secretName, not both`;
  return `${key}: ${problem.message}`;
}
