import type { TopologyDocument, TopologyQueue } from '../../src/topology/types.js';
import type { StackConfig } from '../config.js';
import { clusterNames } from '../names.js';
import { jaegerUiUrl } from '../tracing/jaeger-manifests.js';
import { exactlyOneOf, rawString } from './promql.js';

/**
 * Grafana dashboards as data: a cluster overview and one dashboard per system, generated
 * from the topology so every declared queue has its panels and no dashboard is edited by
 * hand. Queries use the same metrics as the alerts.
 */
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly schemaVersion: number;
  readonly editable: boolean;
  readonly time: { readonly from: string; readonly to: string };
  readonly refresh: string;
  readonly templating: { readonly list: readonly TemplateVariable[] };
  readonly panels: readonly Panel[];
  readonly links: readonly DashboardLink[];
}

/** A link in the dashboard's header (Grafana's `links`). */
export interface DashboardLink {
  readonly title: string;
  readonly type: 'link';
  readonly url: string;
  readonly tooltip: string;
  readonly targetBlank: boolean;
  readonly icon: 'external link';
}

export interface TemplateVariable {
  readonly name: string;
  readonly label: string;
  readonly type: 'datasource';
  readonly query: 'prometheus';
}

export interface Panel {
  readonly id: number;
  readonly type: 'timeseries' | 'stat' | 'row';
  readonly title: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource?: { readonly type: 'prometheus'; readonly uid: '${datasource}' };
  readonly targets?: ReadonlyArray<{ readonly refId: string; readonly expr: string; readonly legendFormat: string }>;
  readonly fieldConfig?: {
    readonly defaults: {
      readonly unit?: string;
      readonly thresholds?: { readonly mode: 'absolute'; readonly steps: ReadonlyArray<{ readonly color: string; readonly value: number | null }> };
    };
    readonly overrides: readonly unknown[];
  };
  readonly collapsed?: boolean;
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
const WIDTH = 24;

/** Lays panels out left to right, wrapping at Grafana's 24 columns; rows take a full line. */
class Layout {
  private x = 0;
  private y = 0;
  private lineHeight = 0;
  private nextId = 1;
  readonly panels: Panel[] = [];

  row(title: string): void {
    this.newline();
    this.panels.push({ id: this.nextId++, type: 'row', title, collapsed: false, gridPos: { x: 0, y: this.y, w: WIDTH, h: 1 } });
    this.y += 1;
  }

  add(panel: Omit<Panel, 'id' | 'gridPos' | 'datasource'>, w: number, h: number): void {
    if (this.x + w > WIDTH) this.newline();
    this.panels.push({ ...panel, id: this.nextId++, datasource: DATASOURCE, gridPos: { x: this.x, y: this.y, w, h } });
    this.x += w;
    this.lineHeight = Math.max(this.lineHeight, h);
  }

  private newline(): void {
    if (this.x === 0) return;
    this.y += this.lineHeight;
    this.x = 0;
    this.lineHeight = 0;
  }
}

const target = (expr: string, legendFormat: string, refId = 'A') => ({ refId, expr, legendFormat });
const timeseries = (title: string, unit: string, ...targets: ReturnType<typeof target>[]) => ({
  type: 'timeseries' as const,
  title,
  targets: targets.map((t, i) => ({ ...t, refId: String.fromCharCode(65 + i) })),
  fieldConfig: { defaults: { unit }, overrides: [] },
});
const stat = (title: string, expr: string, steps: Array<{ color: string; value: number | null }>, unit = 'none') => ({
  type: 'stat' as const,
  title,
  targets: [target(expr, title)],
  fieldConfig: { defaults: { unit, thresholds: { mode: 'absolute' as const, steps } }, overrides: [] },
});

/** Every dashboard links to the stack's trace UI: from a latency spike to the traces behind it. */
function tracesLink(config: StackConfig): DashboardLink {
  return {
    title: 'Traces (Jaeger)',
    type: 'link',
    url: `${jaegerUiUrl(config)}/search`,
    tooltip: 'the services\' OpenTelemetry traces, one per business flow',
    targetBlank: true,
    icon: 'external link',
  };
}

function dashboard(uid: string, title: string, tags: string[], panels: Panel[], links: DashboardLink[]): Dashboard {
  return {
    uid,
    links,
    title,
    tags,
    schemaVersion: 39,
    editable: false,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: { list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' }] },
    panels,
  };
}

export function clusterOverviewDashboard(config: StackConfig): Dashboard {
  const names = clusterNames(config);
  const ns = config.namespace;
  const identity = `max by (instance, rabbitmq_node) (rabbitmq_identity_info{namespace="${ns}", rabbitmq_cluster="${names.cluster}"})`;
  const perNode = (expr: string) => `(${expr}) * on (instance) group_left (rabbitmq_node) ${identity}`;
  const cluster = (expr: string) => `sum(${perNode(expr)})`;
  const layout = new Layout();

  layout.row('Health');
  layout.add(
    stat('Nodes ready', `kube_statefulset_status_replicas_ready{namespace="${ns}", statefulset="${names.statefulSet}"}`, [
      { color: 'red', value: null },
      { color: 'orange', value: Math.floor(config.rabbitmq.replicas / 2) + 1 },
      { color: 'green', value: config.rabbitmq.replicas },
    ]),
    6,
    4,
  );
  layout.add(stat('Alarms', cluster('rabbitmq_alarms_memory_used_watermark + rabbitmq_alarms_free_disk_space_watermark + rabbitmq_alarms_file_descriptor_limit'), [{ color: 'green', value: null }, { color: 'red', value: 1 }]), 6, 4);
  layout.add(stat('Unroutable (5m)', cluster('increase(rabbitmq_global_messages_unroutable_dropped_total[5m]) + increase(rabbitmq_global_messages_unroutable_returned_total[5m])'), [{ color: 'green', value: null }, { color: 'orange', value: 1 }]), 6, 4);
  layout.add(stat('Connections', cluster('rabbitmq_connections'), [{ color: 'blue', value: null }]), 6, 4);

  layout.row('Messages');
  layout.add(timeseries('Ready and unacknowledged', 'short', target(cluster('rabbitmq_queue_messages_ready'), 'ready'), target(cluster('rabbitmq_queue_messages_unacked'), 'unacked')), 12, 8);
  layout.add(
    timeseries(
      'Rates',
      'ops',
      target(cluster('rate(rabbitmq_global_messages_received_total[$__rate_interval])'), 'published'),
      target(cluster('rate(rabbitmq_global_messages_routed_total[$__rate_interval])'), 'routed'),
      target(cluster('rate(rabbitmq_global_messages_delivered_total[$__rate_interval])'), 'delivered'),
      target(cluster('rate(rabbitmq_global_messages_acknowledged_total[$__rate_interval])'), 'acknowledged'),
    ),
    12,
    8,
  );
  layout.add(
    timeseries(
      'Dead-lettered',
      'ops',
      target(cluster('rate(rabbitmq_global_messages_dead_lettered_rejected_total[$__rate_interval])'), 'rejected'),
      target(cluster('rate(rabbitmq_global_messages_dead_lettered_delivery_limit_total[$__rate_interval])'), 'delivery limit'),
      target(cluster('rate(rabbitmq_global_messages_dead_lettered_expired_total[$__rate_interval])'), 'expired'),
      target(cluster('rate(rabbitmq_global_messages_dead_lettered_maxlen_total[$__rate_interval])'), 'max length'),
    ),
    12,
    8,
  );
  layout.add(timeseries('Redelivered', 'ops', target(cluster('rate(rabbitmq_global_messages_redelivered_total[$__rate_interval])'), 'redelivered')), 12, 8);

  layout.row('Nodes');
  layout.add(
    timeseries(
      'Memory used / limit',
      'percentunit',
      target(`${perNode('rabbitmq_process_resident_memory_bytes')} / ${perNode('rabbitmq_resident_memory_limit_bytes')}`, '{{rabbitmq_node}}'),
    ),
    8,
    8,
  );
  layout.add(timeseries('Free disk above limit', 'bytes', target(`${perNode('rabbitmq_disk_space_available_bytes')} - ${perNode('rabbitmq_disk_space_available_limit_bytes')}`, '{{rabbitmq_node}}')), 8, 8);
  layout.add(timeseries('File descriptors used', 'percentunit', target(`${perNode('rabbitmq_process_open_fds')} / ${perNode('rabbitmq_process_max_fds')}`, '{{rabbitmq_node}}')), 8, 8);
  layout.add(timeseries('Connections opened / closed', 'ops', target(cluster('rate(rabbitmq_connections_opened_total[$__rate_interval])'), 'opened'), target(cluster('rate(rabbitmq_connections_closed_total[$__rate_interval])'), 'closed')), 8, 8);
  layout.add(timeseries('Channels and consumers', 'short', target(cluster('rabbitmq_channels'), 'channels'), target(cluster('rabbitmq_consumers'), 'consumers')), 8, 8);
  layout.add(
    timeseries(
      'Quorum commit latency',
      's',
      target(`max by (rabbitmq_node) (${perNode('rabbitmq_raft_entry_commit_latency_seconds')})`, '{{rabbitmq_node}}'),
    ),
    8,
    8,
  );
  layout.add(timeseries('Erlang distribution links up', 'short', target(`count by (rabbitmq_node) (${perNode('erlang_vm_dist_node_state == 3')})`, '{{rabbitmq_node}}')), 12, 8);
  layout.add(timeseries('Scheduler run queue', 'short', target(perNode('rabbitmq_erlang_scheduler_run_queue'), '{{rabbitmq_node}}')), 12, 8);

  return dashboard(`ep-${names.cluster}`.slice(0, 40), `RabbitMQ ${names.cluster}`, ['eventplane', 'rabbitmq'], layout.panels, [tracesLink(config)]);
}

/** One dashboard per system: a row per service with its queues' depth, consumers, rates and dead letters. */
export function systemDashboard(config: StackConfig, topology: TopologyDocument, vhost: string, system: string): Dashboard {
  const ns = config.namespace;
  const layout = new Layout();
  const queues = topology.queues.filter((q) => q.vhost === vhost);
  const services = [...new Set(queues.map((q) => q.service))].sort();
  const select = (names: readonly string[]) => `namespace="${ns}", vhost="${vhost}", queue=~${rawString(exactlyOneOf(names))}`;
  const gauge = (metric: string, names: readonly string[]) => `max by (queue) (${metric}{${select(names)}})`;
  const rate = (metric: string, names: readonly string[]) => `sum by (queue) (rate(${metric}{${select(names)}}[$__rate_interval]))`;

  for (const service of services) {
    const own = (role: TopologyQueue['role']) => queues.filter((q) => q.service === service && q.role === role).map((q) => q.name);
    const consumers = own('consumer');
    const retries = own('retry');
    const deadLetters = queues.filter((q) => q.service === service && q.role === 'dead-letter');
    layout.row(service);
    if (consumers.length > 0) {
      layout.add(timeseries('Ready messages', 'short', target(gauge('rabbitmq_detailed_queue_messages_ready', consumers), '{{queue}}')), 8, 8);
      layout.add(timeseries('Unacknowledged', 'short', target(gauge('rabbitmq_detailed_queue_messages_unacked', consumers), '{{queue}}')), 8, 8);
      layout.add(timeseries('Consumers', 'short', target(gauge('rabbitmq_detailed_queue_consumers', consumers), '{{queue}}')), 8, 8);
      layout.add(
        timeseries(
          'Published / delivered',
          'ops',
          target(`sum by (queue) (rate(rabbitmq_detailed_queue_messages_published_total{namespace="${ns}", queue_vhost="${vhost}", queue=~${rawString(exactlyOneOf(consumers))}}[$__rate_interval]))`, '{{queue}} published'),
          target(rate('rabbitmq_detailed_channel_messages_delivered_ack_total', consumers), '{{queue}} delivered'),
        ),
        12,
        8,
      );
      layout.add(
        timeseries(
          'Time to drain',
          's',
          target(
            `${gauge('rabbitmq_detailed_queue_messages_ready', consumers)} / (${rate('rabbitmq_detailed_channel_messages_delivered_ack_total', consumers)} + ${rate('rabbitmq_detailed_channel_messages_delivered_total', consumers)})`,
            '{{queue}}',
          ),
        ),
        12,
        8,
      );
    }
    if (retries.length > 0) {
      layout.add(timeseries('Waiting to retry', 'short', target(gauge('rabbitmq_detailed_queue_messages', retries), '{{queue}}')), 12, 8);
    }
    for (const dlq of deadLetters) {
      const warn = dlq.alerts.deadLetterWarn ?? 1;
      const page = dlq.alerts.deadLetterPage ?? 100;
      layout.add(
        stat(`Dead letters ${dlq.name}`, gauge('rabbitmq_detailed_queue_messages', [dlq.name]), [
          { color: 'green', value: null },
          { color: 'orange', value: warn },
          { color: 'red', value: page },
        ]),
        6,
        4,
      );
    }
  }
  return dashboard(`ep-${system}`.slice(0, 40), `eventplane ${system}`, ['eventplane', system], layout.panels, [tracesLink(config)]);
}

export function dashboards(config: StackConfig, topology: TopologyDocument): Dashboard[] {
  return [clusterOverviewDashboard(config), ...topology.vhosts.map((v) => systemDashboard(config, topology, v.name, v.system))];
}
