import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { TopologyDocument } from '../src/topology/types.js';
import type { StackConfig } from './config.js';
import { dashboardConfigMaps, prometheusRule, rabbitmqServiceMonitor } from './monitoring/monitoring-manifests.js';
import { RABBITMQ_PORTS, checkServiceObjectName, clusterNames } from './names.js';
import { COMMON_LABELS } from './rabbitmq/cluster-manifests.js';
import { RabbitmqClusterComponent } from './rabbitmq/rabbitmq-cluster.js';
import { ServiceDeployment } from './services/service-deployment.js';
import { amqpSecretName, serviceImage, serviceWorkload } from './services/service-manifests.js';
import { jaegerManifests, jaegerUiUrl } from './tracing/jaeger-manifests.js';
import { BrokerTopology } from './topology/broker-topology.js';

export interface ProgramInputs {
  readonly topology: TopologyDocument;
  readonly config: StackConfig;
  /** Secret output: a docker config.json for a private registry, when the stack sets one. */
  readonly imagePullDockerConfigJson?: pulumi.Output<string>;
}

export interface ProgramOutputs {
  readonly namespace: string;
  readonly rabbitmqHost: string;
  readonly managementEndpoint: string;
  /** Per service id, the Secret holding its AMQP URL and credentials (names only). */
  readonly serviceSecrets: Record<string, string>;
  readonly dashboards: string[];
  /** The trace UI inside the cluster (Jaeger). */
  readonly tracesUi: string;
}

/**
 * The whole deployment from one topology document: namespace, the RabbitMQ cluster, its
 * topology and users, one Deployment per service, and monitoring. A function, so tests run
 * it under Pulumi's mocks and `index.ts` runs it under the engine.
 */
export function eventplane({ topology, config, imagePullDockerConfigJson }: ProgramInputs): ProgramOutputs {
  const serviceIds = topology.users.map((user) => user.service);
  checkServicesConfigured(config, serviceIds);
  const names = clusterNames(config);
  const managementEndpoint = config.management.endpoint ?? `https://${names.host}:${RABBITMQ_PORTS.managementTls}`;
  if (config.management.insecure) {
    pulumi.log.warn('eventplane:management.insecure is true: the topology provider does not verify the broker certificate');
  }

  const namespace = new k8s.core.v1.Namespace('namespace', {
    metadata: { name: config.namespace, labels: { ...COMMON_LABELS, 'pod-security.kubernetes.io/enforce': 'baseline' } },
  });

  const cluster = new RabbitmqClusterComponent('rabbitmq', { config, namespace });
  const brokerTopology = new BrokerTopology('topology', {
    topology,
    endpoint: managementEndpoint,
    insecure: config.management.insecure,
    ...(config.management.caFile ? { caFile: config.management.caFile } : {}),
    adminUsername: cluster.adminUsername,
    adminPassword: cluster.adminPassword,
    clusterReady: cluster.ready,
  });

  let imagePullSecret: string | undefined;
  if (imagePullDockerConfigJson) {
    imagePullSecret = 'eventplane-registry';
    new k8s.core.v1.Secret(
      'registry',
      {
        metadata: { name: imagePullSecret, namespace: config.namespace, labels: { ...COMMON_LABELS } },
        type: 'kubernetes.io/dockerconfigjson',
        stringData: { '.dockerconfigjson': pulumi.secret(imagePullDockerConfigJson) },
      },
      { dependsOn: [namespace] },
    );
  }

  const serviceSecrets: Record<string, string> = {};
  for (const serviceId of serviceIds) {
    const credentials = brokerTopology.credentials[serviceId];
    if (!credentials) throw new pulumi.RunError(`topology: no broker user for ${serviceId}`);
    new ServiceDeployment(serviceId, {
      config,
      workload: serviceWorkload(config, serviceId, imagePullSecret),
      credentials,
      namespace,
      brokerTopology,
    });
    serviceSecrets[serviceId] = amqpSecretName(serviceId);
  }

  const monitoringOptions = { dependsOn: [namespace] };
  const jaeger = jaegerManifests(config);
  new k8s.apps.v1.Deployment('jaeger', jaeger.deployment, monitoringOptions);
  new k8s.core.v1.Service('jaeger', jaeger.service, monitoringOptions);
  new k8s.apiextensions.CustomResource('rabbitmq-monitor', rabbitmqServiceMonitor(config, topology), monitoringOptions);
  new k8s.apiextensions.CustomResource('alerts', prometheusRule(config, topology), monitoringOptions);
  const boards = dashboardConfigMaps(config, topology);
  for (const [name, board] of boards) new k8s.core.v1.ConfigMap(name, board, monitoringOptions);

  return {
    namespace: config.namespace,
    rabbitmqHost: names.host,
    managementEndpoint,
    serviceSecrets,
    dashboards: [...boards.keys()],
    tracesUi: jaegerUiUrl(config),
  };
}

/** Every service in the topology needs an image, and every configured service must exist. */
function checkServicesConfigured(config: StackConfig, serviceIds: readonly string[]): void {
  const problems: string[] = [];
  const known = new Set(serviceIds);
  for (const id of serviceIds) {
    if (!serviceImage(config, id)) {
      problems.push(`no image for ${id}: set eventplane:serviceDefaults.imageTemplate or eventplane:services."${id}".image`);
    }
    const badName = checkServiceObjectName(id);
    if (badName) problems.push(badName);
  }
  for (const id of Object.keys(config.services)) {
    if (!known.has(id)) problems.push(`eventplane:services.${id}: not a service of the topology (services: ${serviceIds.join(', ')})`);
  }
  if (problems.length > 0) throw new pulumi.RunError(`stack configuration does not match the topology:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
