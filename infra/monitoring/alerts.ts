import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { TopologyDocument, TopologyQueue } from '../../src/topology/types.js';
import type { StackConfig } from '../config.js';
import { clusterNames } from '../names.js';
import { exactlyOneOf, rawString } from './promql.js';

export type RuleGroup = NonNullable<IPrometheusRule['spec']['groups']>[number];
export type Rule = NonNullable<RuleGroup['rules']>[number];

/**
 * Alerting rules: the RabbitMQ team's core alerts (after the Cluster Operator's
 * observability/prometheus/rules, scoped to this cluster) and, per system, the alerts each
 * contract implies for its queues. Every expression is tested with promtool against
 * synthetic series in test/infra.
 *
 * TCPSocketsNearLimit is deliberately absent: RabbitMQ 4.1 removed the socket metrics it
 * read, and upstream dropped the rule; FileDescriptorsNearLimit covers sockets (they are
 * file descriptors).
 */
export function prometheusRuleGroups(config: StackConfig, topology: TopologyDocument): RuleGroup[] {
  return [coreRules(config), outboxRules(config), ...topology.vhosts.map((vhost) => topologyRules(config, topology, vhost.name, vhost.system))];
}

/**
 * A relay publishes within milliseconds of a commit, so an event waiting minutes means the relay
 * is down or keeps failing on a row (the broker refuses it: a permission or missing exchange).
 * The relay keeps retrying in order, which holds back that aggregate's later events; only
 * someone fixing the cause unblocks it.
 */
const OUTBOX_STALL_SECONDS = 300;

function outboxRules(config: StackConfig): RuleGroup {
  return {
    name: 'eventplane-outbox',
    rules: [
      {
        alert: 'OutboxStalled',
        expr: `max by (namespace, service, outbox) (eventplane_outbox_oldest_pending_age_seconds{namespace="${config.namespace}"}) > ${OUTBOX_STALL_SECONDS}`,
        for: '5m',
        labels: { severity: 'critical', rulesgroup: 'eventplane' },
        annotations: {
          summary: 'The outbox of {{ $labels.service }} has held an event for more than 5 minutes: its relay is down or the broker refuses the event.',
          description: 'The oldest unpublished event of outbox {{ $labels.outbox }} is {{ $value }} s old. Later events of its aggregate wait behind it; see the relay log and eventplane_outbox_publish_failures_total.',
        },
      },
    ],
  };
}

function coreRules(config: StackConfig): RuleGroup {
  const names = clusterNames(config);
  const ns = config.namespace;
  const replicas = config.rabbitmq.replicas;
  const labels = (severity: 'warning' | 'critical') => ({ severity, rulesgroup: 'rabbitmq', rabbitmq_cluster: names.cluster });
  // rabbitmq_identity_info (value 1) carries the cluster and node names: joining on it keeps
  // this cluster's series and labels them.
  const ofCluster = (expr: string, extra: readonly string[] = []) => {
    const carried = ['rabbitmq_cluster', ...extra].join(', ');
    const identity = `max by (instance, ${carried}) (rabbitmq_identity_info{namespace="${ns}", rabbitmq_cluster="${names.cluster}"})`;
    return `(${expr}) * on (instance) group_left (${carried}) ${identity}`;
  };
  const sts = `namespace="${ns}", statefulset="${names.statefulSet}"`;
  const zeroForCluster = `label_replace(label_replace(vector(0), "namespace", "${ns}", "", ""), "rabbitmq_cluster", "${names.cluster}", "", "")`;

  const rules: Rule[] = [
    {
      alert: 'NoMajorityOfNodesReady',
      expr: `kube_statefulset_status_replicas_ready{${sts}} <= kube_statefulset_replicas{${sts}} / 2 and on (namespace, statefulset) kube_statefulset_replicas{${sts}} > 0`,
      for: '5m',
      labels: labels('critical'),
      annotations: {
        summary: 'Quorum queues cannot accept or deliver messages: most RabbitMQ nodes are not ready.',
        description: `Only {{ $value }} of ${replicas} RabbitMQ replicas are ready in StatefulSet ${names.statefulSet} (namespace ${ns}). Check: kubectl -n ${ns} describe pods -l app.kubernetes.io/name=${names.cluster}`,
      },
    },
    {
      alert: 'RabbitmqNodeNotReady',
      expr: `kube_statefulset_status_replicas_ready{${sts}} < kube_statefulset_replicas{${sts}}`,
      for: '10m',
      labels: labels('warning'),
      annotations: {
        summary: 'A RabbitMQ node is not ready: the cluster runs without redundancy.',
        description: `{{ $value }} of ${replicas} replicas ready in ${names.statefulSet} for 10 minutes.`,
      },
    },
    {
      alert: 'PersistentVolumeMissing',
      expr: `kube_persistentvolumeclaim_status_phase{namespace="${ns}", persistentvolumeclaim=~${rawString(names.persistentVolumeClaimPattern)}, phase="Bound"} == 0`,
      for: '10m',
      labels: labels('critical'),
      annotations: {
        summary: 'A RabbitMQ node has no persistent volume: its storage could not be provisioned.',
        description: 'PersistentVolumeClaim {{ $labels.persistentvolumeclaim }} is not bound. Check: kubectl -n {{ $labels.namespace }} describe pvc {{ $labels.persistentvolumeclaim }}',
      },
    },
    {
      alert: 'InsufficientEstablishedErlangDistributionLinks',
      // A full mesh of n nodes has n*(n-1) established links (state 3 = up).
      expr: `(count by (namespace, rabbitmq_cluster) (${ofCluster('erlang_vm_dist_node_state == 3')}) or ${zeroForCluster}) < ${replicas * (replicas - 1)}`,
      for: '10m',
      labels: labels('warning'),
      annotations: {
        summary: 'RabbitMQ nodes are not all connected to each other: a network partition or a failed join.',
        description: `{{ $value }} of ${replicas * (replicas - 1)} Erlang distribution links are established in ${names.cluster}.`,
      },
    },
    {
      alert: 'UnroutableMessages',
      expr: [
        `sum by (namespace, rabbitmq_cluster) (${ofCluster('increase(rabbitmq_global_messages_unroutable_dropped_total[5m])')}) >= 1`,
        `sum by (namespace, rabbitmq_cluster) (${ofCluster('increase(rabbitmq_global_messages_unroutable_returned_total[5m])')}) >= 1`,
      ].join('\nor\n'),
      labels: labels('warning'),
      annotations: {
        summary: 'Messages were published that no queue receives: a binding or a queue is missing.',
        description: '{{ $value | printf "%.0f" }} unroutable messages in the last 5 minutes in {{ $labels.rabbitmq_cluster }}. Compare the broker with the topology (`pulumi preview` shows drift).',
      },
    },
    {
      alert: 'HighConnectionChurn',
      expr: [
        `(sum by (namespace, rabbitmq_cluster) (${ofCluster('rate(rabbitmq_connections_closed_total[5m])')})`,
        ` + sum by (namespace, rabbitmq_cluster) (${ofCluster('rate(rabbitmq_connections_opened_total[5m])')}))`,
        ` / sum by (namespace, rabbitmq_cluster) (${ofCluster('rabbitmq_connections')}) > 0.1`,
        `unless sum by (namespace, rabbitmq_cluster) (${ofCluster('rabbitmq_connections')}) < 100`,
      ].join('\n'),
      for: '10m',
      labels: labels('warning'),
      annotations: {
        summary: 'Clients open and close connections instead of keeping them: a restart loop or a client without a connection pool.',
        description: '{{ $value | humanizePercentage }} of connections churn per second in {{ $labels.rabbitmq_cluster }}.',
      },
    },
    {
      alert: 'FileDescriptorsNearLimit',
      expr: [
        `sum by (namespace, rabbitmq_cluster, rabbitmq_node) (${ofCluster('max_over_time(rabbitmq_process_open_fds[5m])', ['rabbitmq_node'])})`,
        ` / sum by (namespace, rabbitmq_cluster, rabbitmq_node) (${ofCluster('rabbitmq_process_max_fds', ['rabbitmq_node'])}) > 0.8`,
      ].join('\n'),
      for: '10m',
      labels: labels('warning'),
      annotations: {
        summary: 'A RabbitMQ node has used 80% of its file descriptors; at 100% it refuses connections.',
        description: '{{ $value | humanizePercentage }} of file descriptors used on {{ $labels.rabbitmq_node }}.',
      },
    },
    {
      alert: 'LowDiskWatermarkPredicted',
      expr: [
        `(${ofCluster('predict_linear(rabbitmq_disk_space_available_bytes[24h], 86400)', ['rabbitmq_node'])}`,
        ` < ${ofCluster('rabbitmq_disk_space_available_limit_bytes', ['rabbitmq_node'])})`,
        // Only with a day of history, so a new cluster does not alert on its first hours.
        `and (${ofCluster('count_over_time(rabbitmq_disk_space_available_limit_bytes[2h] offset 22h)', ['rabbitmq_node'])} > 0)`,
      ].join('\n'),
      for: '60m',
      labels: labels('warning'),
      annotations: {
        summary: 'At the current trend the disk alarm will block all publishers within 24 hours.',
        description: 'Predicted free disk in 24 h on {{ $labels.rabbitmq_node }}: {{ $value | humanize1024 }}B.',
      },
    },
    {
      alert: 'ContainerRestarts',
      expr: `increase(kube_pod_container_status_restarts_total{namespace="${ns}", pod=~${rawString(`${names.statefulSet}-[0-9]+`)}, container="rabbitmq"}[10m]) >= 1`,
      for: '5m',
      labels: labels('warning'),
      annotations: {
        summary: 'A RabbitMQ container restarted.',
        description: 'Container {{ $labels.container }} in {{ $labels.pod }} restarted {{ $value | printf "%.0f" }} times in 10 minutes. Check: kubectl -n {{ $labels.namespace }} logs {{ $labels.pod }} --previous',
      },
    },
    ...(
      [
        ['MemoryAlarm', 'rabbitmq_alarms_memory_used_watermark', 'memory high watermark'],
        ['RabbitmqDiskAlarm', 'rabbitmq_alarms_free_disk_space_watermark', 'free disk limit'],
        ['RabbitmqFileDescriptorAlarm', 'rabbitmq_alarms_file_descriptor_limit', 'file descriptor limit'],
      ] as const
    ).map(
      ([alert, metric, what]): Rule => ({
        alert,
        // max_over_time keeps a flapping alarm firing for 5 minutes after it clears.
        expr: `max by (namespace, rabbitmq_cluster) (${ofCluster(`max_over_time(${metric}[5m])`)}) > 0`,
        labels: labels('critical'),
        annotations: {
          summary: `A RabbitMQ node reached its ${what}: publishers on every node are blocked.`,
          description: `${alert} is active in {{ $labels.rabbitmq_cluster }}.`,
        },
      }),
    ),
  ];
  if (config.clusterOperator.install) {
    rules.push({
      alert: 'RabbitMQClusterOperatorUnavailableReplicas',
      expr: `kube_deployment_status_replicas_unavailable{namespace="${config.clusterOperator.namespace}", deployment="rabbitmq-cluster-operator"} > 0`,
      for: '5m',
      labels: { severity: 'warning', rulesgroup: 'rabbitmq-operator' },
      annotations: {
        summary: 'The RabbitMQ Cluster Operator is not running: cluster changes and recovery steps stall.',
        description: `{{ $value }} operator replicas unavailable in ${config.clusterOperator.namespace}.`,
      },
    });
  }
  return { name: 'eventplane-rabbitmq', rules };
}

function topologyRules(config: StackConfig, topology: TopologyDocument, vhost: string, system: string): RuleGroup {
  const ns = config.namespace;
  const queues = topology.queues.filter((q) => q.vhost === vhost);
  const rules: Rule[] = [];
  const select = (q: TopologyQueue) => `namespace="${ns}", vhost="${q.vhost}", queue="${q.name}"`;
  // The queue as a static label too: it makes each rule's label set unique (Prometheus warns
  // about duplicates) and lets Alertmanager route on it even when a query loses it.
  const labels = (q: TopologyQueue, severity: 'warning' | 'critical') => ({
    severity,
    rulesgroup: 'eventplane',
    system,
    service: q.service,
    vhost: q.vhost,
    queue: q.name,
  });
  const gauge = (metric: string, q: TopologyQueue) => `max by (namespace, vhost, queue) (${metric}{${select(q)}})`;
  const rate = (metric: string, q: TopologyQueue) => `sum by (namespace, vhost, queue) (rate(${metric}{${select(q)}}[5m]))`;

  for (const q of queues) {
    const { alerts } = q;
    if (alerts.depth !== undefined) {
      rules.push({
        alert: 'QueueDepthHigh',
        expr: `${gauge('rabbitmq_detailed_queue_messages_ready', q)} > ${alerts.depth}`,
        for: '5m',
        labels: labels(q, 'warning'),
        annotations: {
          summary: `${q.name} has more than ${alerts.depth} messages waiting: its consumer ${q.service} does not keep up.`,
          description: `{{ $value }} ready messages in ${q.vhost}/${q.name} (threshold ${alerts.depth}).`,
        },
      });
    }
    if (alerts.requireConsumer) {
      rules.push({
        alert: 'QueueHasNoConsumers',
        expr: `${gauge('rabbitmq_detailed_queue_consumers', q)} == 0`,
        for: '5m',
        labels: labels(q, 'critical'),
        annotations: {
          summary: `${q.service} receives from ${q.name} but nothing consumes it: the service is down or stuck.`,
          description: `No consumer on ${q.vhost}/${q.name} for 5 minutes (operations: ${q.operations.join(', ')}).`,
        },
      });
      // Time to drain what is waiting at the current delivery rate. With messages waiting
      // and nothing delivered the quotient is +Inf, so a stalled consumer fires too.
      const delivered = `(${rate('rabbitmq_detailed_channel_messages_delivered_ack_total', q)} + ${rate('rabbitmq_detailed_channel_messages_delivered_total', q)})`;
      rules.push({
        alert: 'ConsumerLagHigh',
        expr: `${gauge('rabbitmq_detailed_queue_messages_ready', q)} / ${delivered} > ${config.monitoring.consumerLagSeconds}`,
        for: '10m',
        labels: labels(q, 'warning'),
        annotations: {
          summary: `${q.service} is more than ${config.monitoring.consumerLagSeconds} s behind on ${q.name}.`,
          description: `At the current delivery rate ${q.vhost}/${q.name} needs {{ $value | humanizeDuration }} to drain.`,
        },
      });
    }
    if (alerts.deadLetterWarn !== undefined) {
      rules.push({
        alert: 'DeadLetterQueueNotEmpty',
        expr: `${gauge('rabbitmq_detailed_queue_messages', q)} >= ${alerts.deadLetterWarn}`,
        for: '1m',
        labels: labels(q, 'warning'),
        annotations: {
          summary: `${q.service} dead-lettered messages into ${q.name}.`,
          description: `{{ $value }} dead letters in ${q.vhost}/${q.name}. Each carries its failure reason in its headers: fix the consumer, then republish them.`,
        },
      });
    }
    if (alerts.deadLetterPage !== undefined) {
      rules.push({
        alert: 'DeadLetterQueueOverThreshold',
        expr: `${gauge('rabbitmq_detailed_queue_messages', q)} >= ${alerts.deadLetterPage}`,
        for: '1m',
        labels: labels(q, 'critical'),
        annotations: {
          summary: `${q.name} holds ${alerts.deadLetterPage} or more dead letters: ${q.service} is failing on a large share of its messages.`,
          description: `{{ $value }} dead letters in ${q.vhost}/${q.name} (page threshold ${alerts.deadLetterPage}).`,
        },
      });
    }
  }

  if (queues.length > 0) {
    const present = `count by (namespace, vhost) (max by (namespace, vhost, queue) (rabbitmq_detailed_queue_messages{namespace="${ns}", vhost="${vhost}", queue=~${rawString(exactlyOneOf(queues.map((q) => q.name)))}}))`;
    const none = `label_replace(label_replace(vector(0), "namespace", "${ns}", "", ""), "vhost", "${vhost}", "", "")`;
    rules.push({
      alert: 'DeclaredQueuesMissing',
      expr: `(${present} or ${none}) < ${queues.length}`,
      for: '10m',
      labels: { severity: 'critical', rulesgroup: 'eventplane', system },
      annotations: {
        summary: `Queues the ${system} contracts declare are missing from the broker: their messages are dropped.`,
        description: `{{ $value }} of ${queues.length} declared queues exist in vhost ${vhost}. Run \`pulumi up\` to restore them.`,
      },
    });
  }
  return { name: `eventplane-${system}`, rules };
}
