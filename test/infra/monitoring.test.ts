import { describe, expect, it } from 'vitest';
import { parseStackConfig, type StackConfig } from '../../infra/config.js';
import { prometheusRuleGroups, type Rule, type RuleGroup } from '../../infra/monitoring/alerts.js';
import { dashboards } from '../../infra/monitoring/dashboards.js';
import type { TopologyDocument, TopologyQueue } from '../../src/topology/types.js';
import { rawStackConfig } from './support/program-under-mocks.js';
import { promtool, renderAnnotations, writeYamlFiles } from './support/promtool.js';
import { topologiesUnderTest } from './support/topologies.js';

function prodConfig(): StackConfig {
  return parseStackConfig(rawStackConfig('prod'));
}

const series = (metric: string, labels: Record<string, string>) =>
  `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;

for (const topology of topologiesUnderTest()) {
  describe(`monitoring (${topology.label} topology)`, () => {
    const doc: TopologyDocument = topology.document;
    const config = prodConfig();
    const groups = prometheusRuleGroups(config, doc);
    const rules = groups.flatMap((g) => g.rules ?? []);
    const ns = config.namespace;
    const cluster = config.rabbitmq.name;

    it('has rules Prometheus accepts', () => {
      const dir = writeYamlFiles({ 'rules.yml': { groups } });
      const result = promtool(['check', 'rules', 'rules.yml'], dir);
      expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
      expect(result.ok).toBe(true);
    });

    it('fires the contract-derived alerts at their thresholds, after their `for`, on real PromQL evaluation', () => {
      const dlq = doc.queues.find((q) => q.alerts.deadLetterWarn !== undefined && q.alerts.deadLetterPage !== undefined)!;
      const consumer = doc.queues.find((q) => q.alerts.requireConsumer && q.alerts.depth !== undefined)!;
      expect(dlq).toBeDefined();
      expect(consumer).toBeDefined();
      const queueLabels = (q: TopologyQueue) => ({ namespace: ns, vhost: q.vhost, queue: q.name });
      const scrape = (q: TopologyQueue) => ({ ...queueLabels(q), instance: `${cluster}-server-0:15691`, job: cluster });
      const expected = (alert: string, q: TopologyQueue, value: number) => {
        const rule = ruleFor(rules, alert, q);
        const labels = { ...rule.labels, ...queueLabels(q) };
        return { exp_labels: labels, exp_annotations: renderAnnotations(rule.annotations ?? {}, value, labels) };
      };
      const { deadLetterWarn: warn, deadLetterPage: page } = dlq.alerts as Required<TopologyQueue['alerts']>;
      const depth = consumer.alerts.depth!;
      const tests = [
        {
          interval: '1m',
          input_series: [
            { series: series('rabbitmq_detailed_queue_messages', scrape(dlq)), values: `0x2 ${warn}x4 ${page}x8` },
            { series: series('rabbitmq_detailed_queue_messages_ready', scrape(consumer)), values: `0x4 ${depth + 1}x15` },
            { series: series('rabbitmq_detailed_queue_consumers', scrape(consumer)), values: '1x4 0x15' },
          ],
          alert_rule_test: [
            { eval_time: '1m', alertname: 'DeadLetterQueueNotEmpty', exp_alerts: [] },
            { eval_time: '6m', alertname: 'DeadLetterQueueNotEmpty', exp_alerts: [expected('DeadLetterQueueNotEmpty', dlq, warn)] },
            { eval_time: '6m', alertname: 'DeadLetterQueueOverThreshold', exp_alerts: [] },
            { eval_time: '12m', alertname: 'DeadLetterQueueOverThreshold', exp_alerts: [expected('DeadLetterQueueOverThreshold', dlq, page)] },
            { eval_time: '8m', alertname: 'QueueDepthHigh', exp_alerts: [] },
            { eval_time: '12m', alertname: 'QueueDepthHigh', exp_alerts: [expected('QueueDepthHigh', consumer, depth + 1)] },
            { eval_time: '8m', alertname: 'QueueHasNoConsumers', exp_alerts: [] },
            { eval_time: '12m', alertname: 'QueueHasNoConsumers', exp_alerts: [expected('QueueHasNoConsumers', consumer, 0)] },
          ],
        },
        lagCase(consumer, scrape(consumer), 10, 600),
        lagCase(consumer, scrape(consumer), 100, undefined),
        missingQueuesCase(doc, consumer.vhost, true),
        missingQueuesCase(doc, consumer.vhost, false),
      ];
      runUnitTests(groups, tests);

      function lagCase(q: TopologyQueue, labels: Record<string, string>, perSecond: number, lag: number | undefined) {
        return {
          interval: '1m',
          input_series: [
            { series: series('rabbitmq_detailed_queue_messages_ready', labels), values: '6000x20' },
            { series: series('rabbitmq_detailed_channel_messages_delivered_ack_total', { ...labels, channel: '<0.1.0>' }), values: `0+${perSecond * 60}x20` },
            { series: series('rabbitmq_detailed_channel_messages_delivered_total', { ...labels, channel: '<0.1.0>' }), values: '0x20' },
          ],
          promql_expr_test: [
            {
              expr: ruleFor(rules, 'ConsumerLagHigh', q).expr,
              eval_time: '15m',
              exp_samples: lag === undefined ? [] : [{ labels: `{namespace="${ns}", vhost="${q.vhost}", queue="${q.name}"}`, value: lag }],
            },
          ],
        };
      }
      function missingQueuesCase(document: TopologyDocument, vhost: string, oneMissing: boolean) {
        const declared = document.queues.filter((q) => q.vhost === vhost);
        const present = oneMissing ? declared.slice(1) : [];
        const rule = rules.find((r) => r.alert === 'DeclaredQueuesMissing' && String(r.expr).includes(`vhost="${vhost}"`))!;
        return {
          interval: '1m',
          input_series: present.map((q) => ({ series: series('rabbitmq_detailed_queue_messages', scrape(q)), values: '0x20' })),
          promql_expr_test: [{ expr: rule.expr, eval_time: '5m', exp_samples: [{ labels: `{namespace="${ns}", vhost="${vhost}"}`, value: present.length }] }],
        };
      }
    });

    it('fires OutboxStalled when a service holds an unpublished event for minutes', () => {
      const rule = ruleFor(rules, 'OutboxStalled');
      const target = { namespace: ns, service: 'shop-order', outbox: 'shop/order' };
      const scrape = { ...target, pod: 'shop-order-0', instance: '10.0.0.7:8080', job: 'shop-order' };
      const labels = { ...rule.labels, ...target };
      runUnitTests(groups, [
        {
          interval: '1m',
          input_series: [
            // Stuck from the start: the age grows a minute per minute.
            { series: series('eventplane_outbox_oldest_pending_age_seconds', scrape), values: '0+60x20' },
            // A healthy outbox (and one in another namespace) never fires.
            { series: series('eventplane_outbox_oldest_pending_age_seconds', { ...scrape, service: 'shop-cart', outbox: 'shop/cart', pod: 'shop-cart-0' }), values: '0x20' },
            { series: series('eventplane_outbox_oldest_pending_age_seconds', { ...scrape, namespace: 'elsewhere' }), values: '0+60x20' },
          ],
          alert_rule_test: [
            { eval_time: '9m', alertname: 'OutboxStalled', exp_alerts: [] },
            { eval_time: '12m', alertname: 'OutboxStalled', exp_alerts: [{ exp_labels: labels, exp_annotations: renderAnnotations(rule.annotations!, 720, labels) }] },
          ],
        },
      ]);
    });

    it('fires the RabbitMQ team core alerts for this cluster only', () => {
      const identity = (node: string, instance: string, clusterName = cluster) =>
        series('rabbitmq_identity_info', { namespace: ns, instance, rabbitmq_cluster: clusterName, rabbitmq_node: node });
      const statefulSet = { namespace: ns, statefulset: `${cluster}-server` };
      const noMajority = rules.find((r) => r.alert === 'NoMajorityOfNodesReady')!;
      const noMajorityLabels = { ...noMajority.labels, ...statefulSet };
      const nodes = ['a', 'b', 'c'];
      const tests = [
        {
          interval: '1m',
          input_series: [
            { series: series('kube_statefulset_status_replicas_ready', statefulSet), values: '3x2 1x15' },
            { series: series('kube_statefulset_replicas', statefulSet), values: '3x17' },
          ],
          alert_rule_test: [
            { eval_time: '5m', alertname: 'NoMajorityOfNodesReady', exp_alerts: [] },
            { eval_time: '9m', alertname: 'NoMajorityOfNodesReady', exp_alerts: [{ exp_labels: noMajorityLabels, exp_annotations: renderAnnotations(noMajority.annotations!, 1, noMajorityLabels) }] },
          ],
        },
        {
          interval: '1m',
          input_series: [
            ...nodes.map((n) => ({ series: identity(`rabbit@${n}`, n), values: '1x20' })),
            // Another cluster's unroutable messages must not fire ours.
            { series: identity('rabbit@x', 'x', 'someone-else'), values: '1x20' },
            { series: series('rabbitmq_global_messages_unroutable_dropped_total', { namespace: ns, instance: 'x', protocol: 'amqp091' }), values: '0+50x20' },
            { series: series('rabbitmq_global_messages_unroutable_dropped_total', { namespace: ns, instance: 'a', protocol: 'amqp091' }), values: '0+10x20' },
            { series: series('rabbitmq_global_messages_unroutable_returned_total', { namespace: ns, instance: 'a', protocol: 'amqp091' }), values: '0x20' },
            ...nodes.flatMap((n) =>
              nodes.filter((peer) => peer !== n).map((peer) => ({ series: series('erlang_vm_dist_node_state', { namespace: ns, instance: n, peer: `rabbit@${peer}` }), values: n === 'c' && peer === 'b' ? '1x20' : '3x20' })),
            ),
            { series: series('rabbitmq_process_open_fds', { namespace: ns, instance: 'a' }), values: '900x20' },
            { series: series('rabbitmq_process_max_fds', { namespace: ns, instance: 'a' }), values: '1000x20' },
          ],
          promql_expr_test: [
            { expr: ruleFor(rules, 'UnroutableMessages').expr, eval_time: '10m', exp_samples: [{ labels: `{namespace="${ns}", rabbitmq_cluster="${cluster}"}`, value: 50 }] },
            { expr: ruleFor(rules, 'InsufficientEstablishedErlangDistributionLinks').expr, eval_time: '10m', exp_samples: [{ labels: `{namespace="${ns}", rabbitmq_cluster="${cluster}"}`, value: 5 }] },
            { expr: ruleFor(rules, 'FileDescriptorsNearLimit').expr, eval_time: '10m', exp_samples: [{ labels: `{namespace="${ns}", rabbitmq_cluster="${cluster}", rabbitmq_node="rabbit@a"}`, value: 0.9 }] },
          ],
        },
        {
          // No distribution link is up at all: the rule still fires, with 0.
          interval: '1m',
          input_series: [{ series: identity('rabbit@a', 'a'), values: '1x20' }],
          promql_expr_test: [
            { expr: ruleFor(rules, 'InsufficientEstablishedErlangDistributionLinks').expr, eval_time: '5m', exp_samples: [{ labels: `{namespace="${ns}", rabbitmq_cluster="${cluster}"}`, value: 0 }] },
          ],
        },
      ];
      runUnitTests(groups, tests);
    });

    it('has dashboards whose queries Prometheus parses, laid out on the 24-column grid', () => {
      const boards = dashboards(config, doc);
      expect(boards).toHaveLength(doc.vhosts.length + 1);
      expect(new Set(boards.map((b) => b.uid)).size).toBe(boards.length);
      const recording: Rule[] = [];
      for (const board of boards) {
        expect(board.uid.length).toBeLessThanOrEqual(40);
        expect(board.templating.list.map((v) => v.name)).toContain('datasource');
        expect(new Set(board.panels.map((p) => p.id)).size).toBe(board.panels.length);
        const cells = new Set<string>();
        for (const panel of board.panels) {
          const { x, y, w, h } = panel.gridPos;
          expect(x + w, `${board.uid} panel ${panel.title}`).toBeLessThanOrEqual(24);
          for (let i = x; i < x + w; i++) {
            for (let j = y; j < y + h; j++) {
              expect(cells.has(`${i},${j}`), `${board.uid}: ${panel.title} overlaps`).toBe(false);
              cells.add(`${i},${j}`);
            }
          }
          for (const target of panel.targets ?? []) {
            recording.push({ record: `eventplane:dashboard_check_${recording.length}`, expr: target.expr.replaceAll('$__rate_interval', '5m') });
          }
        }
      }
      // Every declared queue appears on its system's dashboard.
      for (const queue of doc.queues) {
        const board = boards.find((b) => b.title === `eventplane ${doc.vhosts.find((v) => v.name === queue.vhost)!.system}`)!;
        expect(JSON.stringify(board), queue.name).toContain(queue.name.replaceAll('.', '\\\\.'));
      }
      const dir = writeYamlFiles({ 'dashboards.yml': { groups: [{ name: 'dashboards', rules: recording }] } });
      const result = promtool(['check', 'rules', 'dashboards.yml'], dir);
      expect(result.output).toContain(`SUCCESS: ${recording.length} rules found`);
    });
  });
}

function ruleFor(rules: readonly Rule[], alert: string, queue?: TopologyQueue): Rule & { expr: string } {
  const found = rules.filter(
    (r) => r.alert === alert && (queue === undefined || (String(r.expr).includes(`queue="${queue.name}"`) && String(r.expr).includes(`vhost="${queue.vhost}"`))),
  );
  expect(found, `one ${alert} rule${queue ? ` for ${queue.name}` : ''}`).toHaveLength(1);
  return found[0] as Rule & { expr: string };
}

function runUnitTests(groups: RuleGroup[], tests: unknown[]): void {
  const dir = writeYamlFiles({
    'rules.yml': { groups },
    'tests.yml': { rule_files: ['rules.yml'], evaluation_interval: '1m', tests },
  });
  const result = promtool(['test', 'rules', 'tests.yml'], dir);
  expect(result.output).toContain('SUCCESS');
  expect(result.ok).toBe(true);
}
