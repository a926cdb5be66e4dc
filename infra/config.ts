import { Ajv, type ErrorObject } from 'ajv';

/**
 * The stack configuration (`Pulumi.<stack>.yaml`, namespace `eventplane:`), validated in one
 * place so a typo'd key or a wrong type stops `pulumi up` with the key's name instead of
 * silently falling back to a default. infra/README.md documents every key.
 */
export interface StackConfig {
  /** Kubernetes namespace for the broker, the services and their monitoring objects. */
  readonly namespace: string;
  /** The topology document, relative to the Pulumi project directory (infra/). */
  readonly topologyFile: string;
  /** Cluster DNS suffix, for certificate names. */
  readonly clusterDomain: string;
  readonly rabbitmq: RabbitmqConfig;
  readonly clusterOperator: ClusterOperatorConfig;
  readonly tls: TlsConfig;
  readonly management: ManagementConfig;
  readonly network: NetworkConfig;
  readonly monitoring: MonitoringConfig;
  readonly serviceDefaults: ServiceDefaults;
  /** Per service id (`shop/order`): its image and overrides of serviceDefaults. */
  readonly services: Readonly<Record<string, ServiceConfig>>;
}

export interface RabbitmqConfig {
  /** Name of the RabbitmqCluster; its Services are `<name>` and `<name>-nodes`. */
  readonly name: string;
  readonly image: string;
  readonly replicas: 3 | 5 | 7;
  /** Used as both request and limit: RabbitMQ sizes its memory watermark from the limit. */
  readonly cpu: string;
  readonly memory: string;
  readonly storage: string;
  readonly storageClassName?: string;
  /** `required` keeps two nodes off one host; `preferred` only for single-host dev clusters. */
  readonly antiAffinity: 'required' | 'preferred';
  /** `DoNotSchedule` spreads nodes over zones strictly; `ScheduleAnyway` for single-zone clusters. */
  readonly zoneSpread: 'DoNotSchedule' | 'ScheduleAnyway';
  readonly adminUsername: string;
}

export interface ClusterOperatorConfig {
  /** Install the RabbitMQ Cluster Operator from its pinned release manifest. */
  readonly install: boolean;
  readonly version: string;
  /** Where the operator runs (the release manifest's namespace). */
  readonly namespace: string;
}

export interface TlsConfig {
  /** An existing cert-manager issuer for the broker certificate; without it a self-signed CA is created. */
  readonly issuer?: { readonly kind: 'Issuer' | 'ClusterIssuer'; readonly name: string };
  /** Use this existing Secret (tls.crt, tls.key, ca.crt) instead of cert-manager. */
  readonly secretName?: string;
  /** Extra DNS names for the broker certificate (e.g. `localhost` for a port-forwarded provider). */
  readonly extraDnsNames: readonly string[];
}

export interface ManagementConfig {
  /** Management API URL the @pulumi/rabbitmq provider uses; defaults to the in-cluster Service. */
  readonly endpoint?: string;
  /** CA certificate file (PEM) that signed the broker certificate, on the machine running Pulumi. */
  readonly caFile?: string;
  /** Skip certificate verification: only for a throwaway dev cluster with a self-signed CA. */
  readonly insecure: boolean;
}

export interface NetworkConfig {
  /** Namespaces whose pods may reach the management API (the operator's, CI runners'). */
  readonly operatorNamespaces: readonly string[];
  /** Namespace of Prometheus, allowed to scrape the broker's metrics port. */
  readonly monitoringNamespace: string;
}

export interface MonitoringConfig {
  /** Labels your Prometheus selects ServiceMonitors, PodMonitors and PrometheusRules by. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** Labels the Grafana dashboard sidecar selects ConfigMaps by. */
  readonly dashboardLabels: Readonly<Record<string, string>>;
  readonly dashboardFolder: string;
  /** Estimated time to drain a queue (ready ÷ delivery rate) that raises ConsumerLagHigh. */
  readonly consumerLagSeconds: number;
}

export interface ServiceDefaults {
  /**
   * Image of every service without its own `image`: `{system}` and `{service}` are replaced,
   * e.g. `ghcr.io/acme/{system}-{service}:1.4.2`.
   */
  readonly imageTemplate?: string;
  readonly replicas: number;
  readonly cpu: string;
  readonly memory: string;
  /** Container port of the service's HTTP server (/healthz, /readyz, /metrics). */
  readonly port: number;
}

export interface ServiceConfig {
  readonly image?: string;
  readonly replicas?: number;
  readonly cpu?: string;
  readonly memory?: string;
}

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
const strict = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  required,
  properties,
  default: {},
});

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
    const problems = (validate.errors ?? []).map(describeError);
    throw new ConfigError(`invalid stack configuration:\n${[...new Set(problems)].map((p) => `  - ${p}`).join('\n')}`);
  }
  const { imagePullDockerConfigJson: _secret, ...config } = copy;
  return config as unknown as StackConfig;
}

function describeError(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const key = `eventplane:${path.join('.')}`.replace(/\.$/, '');
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    return `${path.length === 0 ? `eventplane:${extra}` : `${key}.${extra}`}: unknown key`;
  }
  if (error.keyword === 'not' && path[0] === 'tls') return `${key}: set either issuer or secretName, not both`;
  if (error.keyword === 'enum') return `${key}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return `${key}: ${error.message ?? 'is invalid'}`;
}
