import type * as k8s from '@pulumi/kubernetes';
import type { StackConfig } from '../config.js';
import { COMMON_LABELS } from '../rabbitmq/cluster-manifests.js';

/**
 * The trace backend: Jaeger v2 (one binary: OTLP receiver, in-memory store, query UI) as one
 * Deployment and its ClusterIP Service. Every service Deployment points OTEL_EXPORTER_OTLP_ENDPOINT
 * at its OTLP/HTTP port; the Grafana dashboards link to its UI. In-memory storage keeps the most
 * recent traces only and loses them on restart: a production stack that must keep traces puts
 * its own Jaeger storage (or an OpenTelemetry Collector) behind the same endpoint.
 */
export const JAEGER_IMAGE = 'jaegertracing/jaeger:2.10.0';
export const JAEGER_NAME = 'eventplane-jaeger';
export const JAEGER_PORTS = { otlpGrpc: 4317, otlpHttp: 4318, ui: 16686 } as const;

/** What the services' SDKs export to (OTLP/HTTP, protobuf, the SDK's default protocol). */
export function otlpEndpoint(config: StackConfig): string {
  return `http://${JAEGER_NAME}.${config.namespace}.svc:${JAEGER_PORTS.otlpHttp}`;
}

/** The UI inside the cluster (`kubectl port-forward svc/eventplane-jaeger 16686` from outside). */
export function jaegerUiUrl(config: StackConfig): string {
  return `http://${JAEGER_NAME}.${config.namespace}.svc:${JAEGER_PORTS.ui}`;
}

export interface JaegerManifests {
  readonly deployment: k8s.types.input.apps.v1.Deployment;
  readonly service: k8s.types.input.core.v1.Service;
}

export function jaegerManifests(config: StackConfig): JaegerManifests {
  const namespace = config.namespace;
  const selector = { 'app.kubernetes.io/name': JAEGER_NAME, 'app.kubernetes.io/instance': JAEGER_NAME };
  const labels = { ...COMMON_LABELS, ...selector, 'app.kubernetes.io/component': 'tracing' };
  const ports = [
    { name: 'otlp-grpc', containerPort: JAEGER_PORTS.otlpGrpc, protocol: 'TCP' as const },
    { name: 'otlp-http', containerPort: JAEGER_PORTS.otlpHttp, protocol: 'TCP' as const },
    { name: 'ui', containerPort: JAEGER_PORTS.ui, protocol: 'TCP' as const },
  ];
  const deployment: k8s.types.input.apps.v1.Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: JAEGER_NAME, namespace, labels },
    spec: {
      // One replica: the in-memory store is per process.
      replicas: 1,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      strategy: { type: 'Recreate' },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'jaeger',
              image: JAEGER_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              ports,
              // The UI answers once the query service is up; OTLP is accepted from then on too.
              readinessProbe: { httpGet: { path: '/', port: 'ui' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
              livenessProbe: { tcpSocket: { port: 'otlp-http' }, periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 3 },
              resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
  const service: k8s.types.input.core.v1.Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: JAEGER_NAME, namespace, labels },
    spec: {
      type: 'ClusterIP',
      selector,
      ports: ports.map((port) => ({ name: port.name, port: port.containerPort, targetPort: port.name, protocol: port.protocol })),
    },
  };
  return { deployment, service };
}
