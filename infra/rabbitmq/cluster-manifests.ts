import type { ICertificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import type { IIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Issuer';
import type * as k8s from '@pulumi/kubernetes';
import type { StackConfig } from '../config.js';
import { AMQP_CLIENT_LABEL, OPERATOR_POD_LABEL, RABBITMQ_PORTS, clusterNames, rabbitmqPodLabels } from '../names.js';
import type { RabbitmqCluster } from './rabbitmq-cluster-types.js';
import { renderAdditionalConfig } from './rabbitmq-conf.js';

/**
 * Pure builders for the broker's Kubernetes objects. No Pulumi here: the component turns
 * these into resources, and the tests validate exactly what the component registers.
 */

export const COMMON_LABELS = { 'app.kubernetes.io/part-of': 'eventplane', 'app.kubernetes.io/managed-by': 'pulumi' } as const;

/**
 * Pulumi's Kubernetes provider waits for this condition before the create counts as done,
 * so the topology (which talks to the management API) starts only on a ready cluster.
 */
export const CLUSTER_READY_ANNOTATION = { 'pulumi.com/waitFor': 'condition=AllReplicasReady' } as const;

export function rabbitmqClusterManifest(config: StackConfig): RabbitmqCluster {
  const names = clusterNames(config);
  const { rabbitmq } = config;
  const selector = { matchLabels: { 'app.kubernetes.io/name': names.cluster } };
  const compute = { cpu: rabbitmq.cpu, memory: rabbitmq.memory };
  const hostRule = { labelSelector: selector, topologyKey: 'kubernetes.io/hostname' };
  return {
    apiVersion: 'rabbitmq.com/v1beta1',
    kind: 'RabbitmqCluster',
    metadata: { name: names.cluster, namespace: config.namespace, labels: { ...COMMON_LABELS }, annotations: { ...CLUSTER_READY_ANNOTATION } },
    spec: {
      replicas: rabbitmq.replicas,
      image: rabbitmq.image,
      service: { type: 'ClusterIP' },
      persistence: { storage: rabbitmq.storage, ...(rabbitmq.storageClassName ? { storageClassName: rabbitmq.storageClassName } : {}) },
      // Guaranteed QoS: the operator derives RabbitMQ's memory budget from the limit, so the
      // scheduler must reserve all of it.
      resources: { requests: compute, limits: compute },
      affinity: {
        podAntiAffinity:
          rabbitmq.antiAffinity === 'required'
            ? { requiredDuringSchedulingIgnoredDuringExecution: [hostRule] }
            : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: hostRule }] },
      },
      // rabbitmq_management, rabbitmq_prometheus and rabbitmq_peer_discovery_k8s are the
      // operator's essential plugins, always enabled; nothing else is needed.
      rabbitmq: { additionalConfig: renderAdditionalConfig() },
      tls: { secretName: names.tlsSecret, disableNonTLSListeners: true },
      // The administrator comes from our Secret (a RandomPassword), so the operator neither
      // generates one nor ever creates `guest`.
      secretBackend: { externalSecret: { name: names.adminSecret } },
      override: {
        statefulSet: {
          spec: {
            template: {
              spec: {
                containers: [],
                topologySpreadConstraints: [
                  { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: rabbitmq.zoneSpread, labelSelector: selector },
                ],
              },
            },
          },
        },
      },
    },
  };
}

/** One node may be down for maintenance at a time: a 3-node quorum keeps its majority. */
export function rabbitmqDisruptionBudget(config: StackConfig): k8s.types.input.policy.v1.PodDisruptionBudget {
  const names = clusterNames(config);
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: names.cluster, namespace: config.namespace, labels: { ...COMMON_LABELS } },
    spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': names.cluster } } },
  };
}

/**
 * Ingress to RabbitMQ pods, one policy per kind of client. Once any policy selects the pods
 * everything not allowed by one of them is dropped: AMQP only from service pods, the
 * management API only from operators, metrics only from Prometheus, clustering only from peers.
 */
export function rabbitmqNetworkPolicies(config: StackConfig): Record<string, k8s.types.input.networking.v1.NetworkPolicy> {
  const names = clusterNames(config);
  const podSelector = { matchLabels: rabbitmqPodLabels(names.cluster) };
  type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
  const policy = (suffix: string, from: Peer[], ports: Array<{ port: number; endPort?: number }>): k8s.types.input.networking.v1.NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${names.cluster}-${suffix}`, namespace: config.namespace, labels: { ...COMMON_LABELS } },
    spec: {
      podSelector,
      policyTypes: ['Ingress'],
      ingress: [{ from, ports: ports.map((p) => ({ protocol: 'TCP', ...p })) }],
    },
  });
  const namespace = (name: string): Peer => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } },
  });
  return {
    amqp: policy('amqp', [{ podSelector: { matchLabels: { ...AMQP_CLIENT_LABEL } } }], [{ port: RABBITMQ_PORTS.amqps }]),
    management: policy(
      'management',
      [{ podSelector: { matchLabels: { ...OPERATOR_POD_LABEL } } }, ...config.network.operatorNamespaces.map(namespace)],
      [{ port: RABBITMQ_PORTS.managementTls }],
    ),
    metrics: policy('metrics', [namespace(config.network.monitoringNamespace)], [{ port: RABBITMQ_PORTS.prometheusTls }]),
    clustering: policy(
      'clustering',
      [{ podSelector }],
      [
        { port: RABBITMQ_PORTS.epmd },
        { port: RABBITMQ_PORTS.distribution },
        { port: RABBITMQ_PORTS.cliFirst, endPort: RABBITMQ_PORTS.cliLast },
      ],
    ),
  };
}

/** Every name the broker answers to: the client Service and each pod behind the headless one. */
export function brokerDnsNames(config: StackConfig): string[] {
  const names = clusterNames(config);
  const ns = config.namespace;
  const domain = config.clusterDomain;
  return [
    names.cluster,
    `${names.cluster}.${ns}`,
    names.host,
    `${names.host}.${domain}`,
    `*.${names.headlessService}.${ns}`,
    `*.${names.headlessService}.${ns}.svc`,
    `*.${names.headlessService}.${ns}.svc.${domain}`,
    ...config.tls.extraDnsNames,
  ];
}

/**
 * cert-manager objects for the broker certificate: a Certificate from the configured issuer,
 * or, without one, a self-signed CA made for this cluster (dev). Empty when the stack brings
 * its own Secret.
 */
export function tlsManifests(config: StackConfig): Array<ICertificate | IIssuer> {
  if (config.tls.secretName) return [];
  const names = clusterNames(config);
  const metadata = (name: string) => ({ name, namespace: config.namespace, labels: { ...COMMON_LABELS } });
  const objects: Array<ICertificate | IIssuer> = [];
  let issuerRef = config.tls.issuer ? { group: 'cert-manager.io', kind: config.tls.issuer.kind, name: config.tls.issuer.name } : undefined;
  if (!issuerRef) {
    objects.push(
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: metadata(names.selfSignedIssuer), spec: { selfSigned: {} } },
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: metadata(names.caSecret),
        spec: {
          isCA: true,
          commonName: `${names.cluster} CA`,
          secretName: names.caSecret,
          duration: '87600h',
          privateKey: { algorithm: 'ECDSA', size: 256 },
          issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: names.selfSignedIssuer },
        },
      },
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: metadata(names.caIssuer), spec: { ca: { secretName: names.caSecret } } },
    );
    issuerRef = { group: 'cert-manager.io', kind: 'Issuer', name: names.caIssuer };
  }
  objects.push({
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { ...metadata(names.tlsSecret), annotations: { 'pulumi.com/waitFor': 'condition=Ready' } },
    spec: {
      secretName: names.tlsSecret,
      dnsNames: brokerDnsNames(config),
      duration: '2160h',
      renewBefore: '360h',
      usages: ['server auth', 'digital signature'],
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      issuerRef,
    },
  });
  return objects;
}
