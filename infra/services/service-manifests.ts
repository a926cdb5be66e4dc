import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type * as k8s from '@pulumi/kubernetes';
import type { StackConfig } from '../config.js';
import { AMQP_CLIENT_LABEL, clusterNames, serviceObjectName } from '../names.js';
import { COMMON_LABELS } from '../rabbitmq/cluster-manifests.js';

/** Where the broker's CA certificate is mounted; NODE_EXTRA_CA_CERTS points Node's TLS at it. */
export const BROKER_CA_PATH = '/etc/eventplane/rabbitmq-ca/ca.crt';

/** Where the repository's Dockerfile puts the application (`npm run images` builds it). */
export const APP_DIR = '/app';

/**
 * The container's command: the service's compiled entry on plain node (the image's own CMD
 * does the same; stated here so the Deployment does not depend on it).
 */
export function serviceCommand(serviceId: string): string[] {
  return ['node', '--enable-source-maps', `${APP_DIR}/dist/services/${serviceId}/main.js`];
}

/** Keys of the per-service Secret, loaded into the container's environment as they are. */
export const AMQP_SECRET_KEYS = ['AMQP_URL', 'AMQP_USERNAME', 'AMQP_PASSWORD', 'AMQP_VHOST', 'AMQP_HOST', 'AMQP_PORT'] as const;

export interface ServiceWorkload {
  /** `shop/order` */
  readonly id: string;
  readonly image: string;
  readonly replicas: number;
  readonly cpu: string;
  readonly memory: string;
  readonly port: number;
  readonly imagePullSecret?: string;
}

export interface ServiceManifests {
  readonly deployment: k8s.types.input.apps.v1.Deployment;
  readonly service: k8s.types.input.core.v1.Service;
  readonly serviceMonitor: IServiceMonitor;
  readonly disruptionBudget?: k8s.types.input.policy.v1.PodDisruptionBudget;
}

export function amqpSecretName(serviceId: string): string {
  return `${serviceObjectName(serviceId)}-amqp`;
}

/** The image a service runs: its own, else the stack's template; undefined when neither is set. */
export function serviceImage(config: StackConfig, serviceId: string): string | undefined {
  const own = config.services[serviceId]?.image;
  if (own) return own;
  const [system, service] = serviceId.split('/') as [string, string];
  return config.serviceDefaults.imageTemplate?.replaceAll('{system}', system).replaceAll('{service}', service);
}

/** The merged settings of one service: its own config over serviceDefaults. */
export function serviceWorkload(config: StackConfig, serviceId: string, imagePullSecret?: string): ServiceWorkload {
  const own = config.services[serviceId] ?? {};
  const image = serviceImage(config, serviceId);
  if (!image) throw new Error(`no image configured for ${serviceId}`);
  const defaults = config.serviceDefaults;
  return {
    id: serviceId,
    image,
    replicas: own.replicas ?? defaults.replicas,
    cpu: own.cpu ?? defaults.cpu,
    memory: own.memory ?? defaults.memory,
    port: defaults.port,
    ...(imagePullSecret ? { imagePullSecret } : {}),
  };
}

/**
 * A thin Fastify service: Deployment, ClusterIP Service, ServiceMonitor for its /metrics, and
 * a PodDisruptionBudget when it runs more than one replica.
 */
export function serviceManifests(config: StackConfig, workload: ServiceWorkload): ServiceManifests {
  const name = serviceObjectName(workload.id);
  const [system, service] = workload.id.split('/') as [string, string];
  const namespace = config.namespace;
  const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
  const labels = {
    ...COMMON_LABELS,
    ...selector,
    'app.kubernetes.io/component': 'service',
    'eventplane.io/system': system,
    'eventplane.io/service': service,
  };
  const http = { name: 'http', containerPort: workload.port, protocol: 'TCP' as const };
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: http.name },
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 2,
  });

  const deployment: k8s.types.input.apps.v1.Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: workload.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      // Never below the desired count during a rollout: consumers drain, new ones start first.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { ...labels, ...AMQP_CLIENT_LABEL } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          terminationGracePeriodSeconds: 30,
          ...(workload.imagePullSecret ? { imagePullSecrets: [{ name: workload.imagePullSecret }] } : {}),
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
            { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
          ],
          containers: [
            {
              name: 'app',
              image: workload.image,
              imagePullPolicy: 'IfNotPresent',
              command: serviceCommand(workload.id),
              workingDir: APP_DIR,
              ports: [http],
              envFrom: [{ secretRef: { name: amqpSecretName(workload.id) } }],
              env: [
                { name: 'EVENTPLANE_SERVICE', value: workload.id },
                { name: 'HOST', value: '0.0.0.0' },
                { name: 'PORT', value: String(workload.port) },
                { name: 'NODE_ENV', value: 'production' },
                { name: 'NODE_EXTRA_CA_CERTS', value: BROKER_CA_PATH },
              ],
              startupProbe: probe('/healthz', 2, 30),
              livenessProbe: probe('/healthz', 10, 3),
              readinessProbe: probe('/readyz', 5, 3),
              resources: {
                requests: { cpu: workload.cpu, memory: workload.memory },
                // Memory limit = request (no OOM surprises from overcommit); no CPU limit,
                // which would only throttle a service that has idle cores next to it.
                limits: { memory: workload.memory },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'broker-ca', mountPath: BROKER_CA_PATH.replace(/\/[^/]+$/, ''), readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            // Only the CA certificate of the broker's TLS Secret is projected, never its key.
            { name: 'broker-ca', secret: { secretName: clusterNames(config).tlsSecret, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  };

  const serviceObject: k8s.types.input.core.v1.Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels },
    spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: http.name, protocol: 'TCP' }] },
  };

  const serviceMonitor: IServiceMonitor = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name, namespace, labels: { ...labels, ...config.monitoring.selectorLabels } },
    spec: {
      selector: { matchLabels: selector },
      endpoints: [{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
    },
  };

  const disruptionBudget: k8s.types.input.policy.v1.PodDisruptionBudget | undefined =
    workload.replicas > 1
      ? {
          apiVersion: 'policy/v1',
          kind: 'PodDisruptionBudget',
          metadata: { name, namespace, labels },
          spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
        }
      : undefined;

  return { deployment, service: serviceObject, serviceMonitor, ...(disruptionBudget ? { disruptionBudget } : {}) };
}
