import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { Issuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Affinity } from 'kubernetes-models/v1/Affinity';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { LocalObjectReference } from 'kubernetes-models/v1/LocalObjectReference';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PodSpec } from 'kubernetes-models/v1/PodSpec';
import { ResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { Registration } from './program-under-mocks.js';
import { isKnownKind, unknownFields } from './known-fields.js';
import { unwrapSecrets } from './secrets.js';

/** A Kubernetes object as the program asked for it: the registered inputs, secrets unwrapped. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

export function kubernetesObjects(registrations: readonly Registration[]): KubeObject[] {
  return registrations
    .filter((r) => r.custom && r.type.startsWith('kubernetes:') && !r.type.startsWith('kubernetes:yaml/'))
    .map((r) => unwrapSecrets<KubeObject>(r.inputs));
}

export const kindOf = (o: { apiVersion: string; kind: string }) => `${o.apiVersion}/${o.kind}`;

type Validatable = new (data: never) => { validate(): void };

/** The model whose JSON schema validates each kind; a kind without one is an error, never skipped. */
const MODELS: Record<string, Validatable> = {
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'cert-manager.io/v1/Certificate': Certificate,
  'cert-manager.io/v1/Issuer': Issuer,
};

function validateModel(Model: Validatable, data: unknown, where: string): string[] {
  try {
    new Model(data as never).validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}

/** Schema problems of one object: its model's JSON schema, then the fields that schema lets through. */
export function schemaProblems(object: KubeObject): string[] {
  const kind = kindOf(object);
  const where = `${kind} ${object.metadata?.name}`;
  if (!isKnownKind(kind)) return [`${where}: no schema to validate this kind with`];
  const problems = unknownFields(kind, object).map((p) => `${where}: ${p}`);
  if (kind === 'rabbitmq.com/v1beta1/RabbitmqCluster') return [...problems, ...rabbitmqClusterProblems(object, where)];
  return [...problems, ...validateModel(MODELS[kind]!, object, where)];
}

/**
 * No npm package models the RabbitmqCluster CRD: its embedded Kubernetes types are checked
 * with their kubernetes-models schemas, its own fields against the CRD's OpenAPI rules.
 */
function rabbitmqClusterProblems(object: KubeObject, where: string): string[] {
  const spec = (object as { spec?: Record<string, any> }).spec;
  if (!spec || typeof spec !== 'object') return [`${where}: spec is required`];
  const problems: string[] = [];
  const expect = (ok: boolean, message: string) => {
    if (!ok) problems.push(`${where}: ${message}`);
  };
  const isInt = (v: unknown) => Number.isInteger(v);
  if (spec.replicas !== undefined) expect(isInt(spec.replicas) && spec.replicas >= 0, 'spec.replicas must be an integer ≥ 0');
  if (spec.image !== undefined) expect(typeof spec.image === 'string' && spec.image.length > 0, 'spec.image must be a non-empty string');
  if (spec.service?.type !== undefined) expect(['ClusterIP', 'LoadBalancer', 'NodePort'].includes(spec.service.type), 'spec.service.type must be ClusterIP, LoadBalancer or NodePort');
  if (spec.persistence?.storage !== undefined) expect(QUANTITY.test(String(spec.persistence.storage)), 'spec.persistence.storage must be a quantity');
  if (spec.resources !== undefined) problems.push(...validateModel(ResourceRequirements, spec.resources, `${where} spec.resources`));
  if (spec.affinity !== undefined) problems.push(...validateModel(Affinity, spec.affinity, `${where} spec.affinity`));
  for (const ref of spec.imagePullSecrets ?? []) problems.push(...validateModel(LocalObjectReference, ref, `${where} spec.imagePullSecrets`));
  const plugins: unknown[] = spec.rabbitmq?.additionalPlugins ?? [];
  expect(plugins.length <= 100 && plugins.every((p) => typeof p === 'string' && /^\w+$/.test(p) && p.length <= 100), 'spec.rabbitmq.additionalPlugins: at most 100 names matching ^\\w+$');
  for (const key of ['additionalConfig', 'advancedConfig', 'envConfig'] as const) {
    const text = spec.rabbitmq?.[key];
    if (text !== undefined) expect(typeof text === 'string' && text.length <= 100_000, `spec.rabbitmq.${key} must be a string of at most 100000 characters`);
  }
  if (spec.rabbitmq?.envConfig !== undefined) expect(!/\$\(|`/.test(spec.rabbitmq.envConfig), 'spec.rabbitmq.envConfig must not contain command substitution');
  if (spec.tls !== undefined) {
    for (const key of ['secretName', 'caSecretName'] as const) {
      if (spec.tls[key] !== undefined) expect(DNS_1123_SUBDOMAIN.test(spec.tls[key]), `spec.tls.${key} must be a Secret name`);
    }
    if (spec.tls.disableNonTLSListeners !== undefined) expect(typeof spec.tls.disableNonTLSListeners === 'boolean', 'spec.tls.disableNonTLSListeners must be a boolean');
  }
  const external = spec.secretBackend?.externalSecret;
  if (external !== undefined) expect(DNS_1123_SUBDOMAIN.test(external.name ?? ''), 'spec.secretBackend.externalSecret.name must be a Secret name');
  for (const key of ['terminationGracePeriodSeconds', 'delayStartSeconds'] as const) {
    if (spec[key] !== undefined) expect(isInt(spec[key]) && spec[key] >= 0, `spec.${key} must be an integer ≥ 0`);
  }
  const podSpec = spec.override?.statefulSet?.spec?.template?.spec;
  if (podSpec !== undefined) problems.push(...validateModel(PodSpec, podSpec, `${where} spec.override.statefulSet.spec.template.spec`));
  return problems;
}

// ---- names -----------------------------------------------------------------------------

export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DNS_1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const QUANTITY = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/;
const LABEL_NAME = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
/** IANA_SVC_NAME: how Kubernetes names ports (≤ 15 characters, a letter, no `--`). */
const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Kinds whose name Kubernetes requires to be a DNS-1123 label (or DNS-1035 for Services). */
const LABEL_NAMED = new Set(['v1/Namespace', 'apps/v1/Deployment']);

export function nameProblems(object: KubeObject): string[] {
  const kind = kindOf(object);
  const name = object.metadata?.name ?? '';
  const where = `${kind} ${name}`;
  const problems: string[] = [];
  if (kind === 'v1/Service') {
    if (!DNS_1035_LABEL.test(name)) problems.push(`${where}: a Service name must be a DNS-1035 label`);
  } else if (LABEL_NAMED.has(kind)) {
    if (!DNS_1123_LABEL.test(name)) problems.push(`${where}: name must be a DNS-1123 label`);
  } else if (!DNS_1123_SUBDOMAIN.test(name)) {
    problems.push(`${where}: name must be a DNS-1123 subdomain`);
  }
  for (const [key, value] of Object.entries(object.metadata?.labels ?? {})) {
    if (!LABEL_NAME.test(key)) problems.push(`${where}: label name ${key} is invalid`);
    if (!LABEL_VALUE.test(value)) problems.push(`${where}: label ${key}=${value} has an invalid value`);
  }
  for (const key of Object.keys(object.metadata?.annotations ?? {})) {
    if (!LABEL_NAME.test(key)) problems.push(`${where}: annotation name ${key} is invalid`);
  }
  for (const field of ['data', 'stringData'] as const) {
    for (const key of Object.keys((object[field] as Record<string, string> | undefined) ?? {})) {
      if (!CONFIG_KEY.test(key)) problems.push(`${where}: ${field} key ${key} is invalid`);
    }
  }
  const pod = podSpecOf(object);
  for (const container of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
    if (!DNS_1123_LABEL.test(container.name)) problems.push(`${where}: container name ${container.name} must be a DNS-1123 label`);
    for (const port of container.ports ?? []) {
      if (port.name !== undefined && !PORT_NAME.test(port.name)) problems.push(`${where}: port name ${port.name} is not an IANA service name`);
    }
    for (const env of container.env ?? []) if (!ENV_NAME.test(env.name)) problems.push(`${where}: env ${env.name} is not a valid name`);
  }
  if (kind === 'v1/Service') {
    for (const port of (object as any).spec?.ports ?? []) {
      if (!PORT_NAME.test(port.name ?? '')) problems.push(`${where}: port name ${port.name} is not an IANA service name`);
    }
  }
  return problems;
}

// ---- references between objects --------------------------------------------------------

export interface Container {
  name: string;
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  envFrom?: Array<{ secretRef?: { name: string } }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
}
interface Probe {
  httpGet?: { path: string; port: number | string };
  tcpSocket?: { port: number | string };
}
export interface PodSpecLike {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Array<{ name: string; secret?: { secretName: string; items?: Array<{ key: string }> }; configMap?: { name: string } }>;
  imagePullSecrets?: Array<{ name: string }>;
}

export function podSpecOf(object: KubeObject): PodSpecLike | undefined {
  if (kindOf(object) === 'apps/v1/Deployment') return (object as any).spec?.template?.spec;
  return undefined;
}

export function podLabelsOf(object: KubeObject): Record<string, string> | undefined {
  if (kindOf(object) === 'apps/v1/Deployment') return (object as any).spec?.template?.metadata?.labels;
  return undefined;
}

export function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || !labels || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** What each container refers to by name: ports of probes, Secrets, volumes. */
export function podReferenceProblems(object: KubeObject, secrets: ReadonlySet<string>, secretKeys: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const pod = podSpecOf(object);
  if (!pod) return [];
  const where = `${kindOf(object)} ${object.metadata.name}`;
  const problems: string[] = [];
  const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
  for (const volume of pod.volumes ?? []) {
    if (volume.secret && !secrets.has(volume.secret.secretName)) problems.push(`${where}: volume ${volume.name} uses missing Secret ${volume.secret.secretName}`);
  }
  for (const ref of pod.imagePullSecrets ?? []) if (!secrets.has(ref.name)) problems.push(`${where}: imagePullSecret ${ref.name} does not exist`);
  for (const container of pod.containers) {
    const ports = new Set((container.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
    for (const [kind, probe] of Object.entries({ liveness: container.livenessProbe, readiness: container.readinessProbe, startup: container.startupProbe })) {
      const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
      if (probe && !ports.has(port!)) problems.push(`${where}: ${kind} probe port ${String(port)} is not a port of container ${container.name}`);
    }
    for (const mount of container.volumeMounts ?? []) if (!volumes.has(mount.name)) problems.push(`${where}: mount ${mount.name} has no volume`);
    for (const from of container.envFrom ?? []) {
      const name = from.secretRef?.name;
      if (name === undefined) continue;
      if (!secrets.has(name)) problems.push(`${where}: envFrom Secret ${name} does not exist`);
      // Kubernetes silently skips keys that are not valid variable names.
      for (const key of secretKeys.get(name) ?? []) if (!ENV_NAME.test(key)) problems.push(`${where}: key ${key} of Secret ${name} is not a valid variable name`);
    }
    for (const env of container.env ?? []) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref && !(secretKeys.get(ref.name)?.has(ref.key) ?? false)) problems.push(`${where}: env ${env.name} refers to missing ${ref.name}/${ref.key}`);
    }
  }
  return problems;
}
