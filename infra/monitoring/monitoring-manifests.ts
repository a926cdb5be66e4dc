import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type * as k8s from '@pulumi/kubernetes';
import type { TopologyDocument } from '../../src/topology/types.js';
import type { StackConfig } from '../config.js';
import { RABBITMQ_SERVICE_PORT_NAMES, clusterNames, rabbitmqPodLabels } from '../names.js';
import { COMMON_LABELS } from '../rabbitmq/cluster-manifests.js';
import { prometheusRuleGroups } from './alerts.js';
import { dashboards } from './dashboards.js';

/**
 * Metric families the per-object endpoint serves, for the alerts and dashboards: depth,
 * consumers, and per-queue delivery and publish counters.
 */
export const DETAILED_METRIC_FAMILIES = ['queue_coarse_metrics', 'queue_consumer_count', 'channel_queue_metrics', 'channel_queue_exchange_metrics'] as const;

/**
 * Scrapes every RabbitMQ node: `/metrics` (aggregated, cheap) and `/metrics/detailed` for the
 * topology's vhosts only, so per-queue series stay bounded by what the contracts declare.
 */
export function rabbitmqServiceMonitor(config: StackConfig, topology: TopologyDocument): IServiceMonitor {
  const names = clusterNames(config);
  const tlsConfig = { ca: { secret: { name: names.tlsSecret, key: 'ca.crt' } }, serverName: names.host };
  const endpoint = { port: RABBITMQ_SERVICE_PORT_NAMES.prometheusTls, scheme: 'https' as const, interval: '15s', scrapeTimeout: '14s', tlsConfig };
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: names.cluster, namespace: config.namespace, labels: { ...COMMON_LABELS, ...config.monitoring.selectorLabels } },
    spec: {
      selector: { matchLabels: rabbitmqPodLabels(names.cluster) },
      endpoints: [
        { ...endpoint, path: '/metrics' },
        {
          ...endpoint,
          path: '/metrics/detailed',
          params: { family: [...DETAILED_METRIC_FAMILIES], vhost: topology.vhosts.map((v) => v.name) },
        },
      ],
    },
  };
}

export function prometheusRule(config: StackConfig, topology: TopologyDocument): IPrometheusRule {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'eventplane', namespace: config.namespace, labels: { ...COMMON_LABELS, ...config.monitoring.selectorLabels } },
    spec: { groups: prometheusRuleGroups(config, topology) },
  };
}

/** One ConfigMap per dashboard (by name), labelled for the Grafana sidecar and filed in the configured folder. */
export function dashboardConfigMaps(config: StackConfig, topology: TopologyDocument): Map<string, k8s.types.input.core.v1.ConfigMap> {
  const maps = new Map<string, k8s.types.input.core.v1.ConfigMap>();
  for (const board of dashboards(config, topology)) {
    const name = `dashboard-${board.uid}`;
    maps.set(name, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name,
        namespace: config.namespace,
        labels: { ...COMMON_LABELS, ...config.monitoring.dashboardLabels },
        annotations: { grafana_folder: config.monitoring.dashboardFolder },
      },
      data: { [`${board.uid}.json`]: `${JSON.stringify(board, null, 2)}\n` },
    });
  }
  return maps;
}
