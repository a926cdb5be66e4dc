import { beforeAll, describe, expect, it } from 'vitest';
import type { TopologyDocument } from '../../src/topology/types.js';
import { declaredBroker, documentBroker, sorted, BROKER_RESOURCE_TYPES } from './support/declared-broker.js';
import {
  kindOf,
  kubernetesObjects,
  matches,
  nameProblems,
  podLabelsOf,
  podReferenceProblems,
  podSpecOf,
  schemaProblems,
  type KubeObject,
} from './support/kubernetes-checks.js';
import { runProgramUnderMocks, stackConfig, type ProgramRun } from './support/program-under-mocks.js';
import { stringLeaves } from './support/secrets.js';
import { topologiesUnderTest } from './support/topologies.js';

/**
 * What Cluster Operator v2.22.3 creates for a RabbitmqCluster with TLS on and plain listeners
 * off (internal/resource/service.go, headless_service.go, internal/metadata/label.go). Kept
 * here, apart from infra/names.ts, so the program is checked against the operator and not
 * against itself.
 */
const OPERATOR = {
  podLabels: (cluster: string) => ({ 'app.kubernetes.io/name': cluster, 'app.kubernetes.io/component': 'rabbitmq', 'app.kubernetes.io/part-of': 'rabbitmq' }),
  servicePorts: { amqps: 5671, 'management-tls': 15671, 'prometheus-tls': 15691 } as Record<string, number>,
  clusteringPorts: [4369, 25672, 35672],
};

const PULL_SECRET = '{"auths":{"registry.example.com":{"auth":"ZGVwbG95OnMzY3IzdC10b2tlbi1mb3ItdGVzdHM="}}}';

const byKind = (objects: readonly KubeObject[], kind: string) => objects.filter((o) => kindOf(o) === kind);
const one = (objects: readonly KubeObject[], kind: string) => {
  const found = byKind(objects, kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as any;
};

for (const topology of topologiesUnderTest()) {
  for (const stack of ['prod', 'dev'] as const) {
    describe(`the program (${stack} stack, ${topology.label} topology)`, () => {
      const doc: TopologyDocument = topology.document;
      const namespace = stackConfig(stack)['eventplane:namespace'] ?? 'eventplane';
      let run: ProgramRun;
      let objects: KubeObject[];
      let cluster: any;

      beforeAll(async () => {
        run = await runProgramUnderMocks({
          stack,
          topologyFile: topology.file,
          ...(stack === 'prod' ? { secretConfig: { imagePullDockerConfigJson: PULL_SECRET } } : {}),
        });
        objects = kubernetesObjects(run.registrations);
        cluster = one(objects, 'rabbitmq.com/v1beta1/RabbitmqCluster');
      });

      it('ran under the mocks: every registration went through them', () => {
        expect(run.newResourceCalls).toBeGreaterThan(100);
        expect(run.registrations).toHaveLength(run.newResourceCalls);
      });

      it('validates every Kubernetes object against its schema, and finds no unknown field', () => {
        expect(objects.length).toBeGreaterThan(20);
        expect(objects.flatMap(schemaProblems)).toEqual([]);
      });

      it('gives every object a valid name, labels and port names, in the stack namespace', () => {
        expect(objects.flatMap(nameProblems)).toEqual([]);
        const misplaced = objects.filter((o) => kindOf(o) !== 'v1/Namespace' && o.metadata.namespace !== namespace).map((o) => `${kindOf(o)} ${o.metadata.name}`);
        expect(misplaced).toEqual([]);
        const names = objects.map((o) => `${kindOf(o)} ${o.metadata.namespace}/${o.metadata.name}`);
        expect(new Set(names).size).toBe(names.length);
      });

      it('resolves every reference between objects: Secrets, volumes, probe and Service ports, selectors', () => {
        const certificates = byKind(objects, 'cert-manager.io/v1/Certificate') as any[];
        const secrets = new Set([...byKind(objects, 'v1/Secret').map((s) => s.metadata.name), ...certificates.map((c) => c.spec.secretName)]);
        const secretKeys = new Map(byKind(objects, 'v1/Secret').map((s: any) => [s.metadata.name as string, new Set(Object.keys({ ...s.data, ...s.stringData }))]));
        expect(objects.flatMap((o) => podReferenceProblems(o, secrets, secretKeys))).toEqual([]);

        const workloads = byKind(objects, 'apps/v1/Deployment');
        for (const service of byKind(objects, 'v1/Service') as any[]) {
          const targets = workloads.filter((d) => matches(service.spec.selector, podLabelsOf(d)));
          expect(targets, `Service ${service.metadata.name} selects one Deployment`).toHaveLength(1);
          const containerPorts = podSpecOf(targets[0]!)!.containers.flatMap((c) => (c.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
          for (const port of service.spec.ports) expect(containerPorts, `Service ${service.metadata.name} targetPort`).toContain(port.targetPort);
        }
        for (const monitor of byKind(objects, 'monitoring.coreos.com/v1/ServiceMonitor') as any[]) {
          const ourServices = (byKind(objects, 'v1/Service') as any[]).filter((s) => matches(monitor.spec.selector.matchLabels, s.metadata.labels));
          const portNames = ourServices.length > 0 ? ourServices.flatMap((s) => s.spec.ports.map((p: any) => p.name)) : undefined;
          if (portNames) {
            for (const endpoint of monitor.spec.endpoints) expect(portNames, `ServiceMonitor ${monitor.metadata.name}`).toContain(endpoint.port);
          } else {
            // Selects the Service the operator creates for the cluster.
            expect(monitor.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': cluster.metadata.name, 'app.kubernetes.io/component': 'rabbitmq' });
            for (const endpoint of monitor.spec.endpoints) expect(Object.keys(OPERATOR.servicePorts)).toContain(endpoint.port);
          }
        }
        const rabbitPods = OPERATOR.podLabels(cluster.metadata.name);
        for (const budget of byKind(objects, 'policy/v1/PodDisruptionBudget') as any[]) {
          const selected = [...workloads.map(podLabelsOf), rabbitPods].filter((labels) => matches(budget.spec.selector.matchLabels, labels));
          expect(selected, `PDB ${budget.metadata.name} selects one workload`).toHaveLength(1);
        }
        expect([...secrets]).toContain(cluster.spec.secretBackend.externalSecret.name);
        // A stack may bring its own TLS Secret (tls.secretName); otherwise a Certificate makes it.
        if (certificates.length > 0) expect([...secrets]).toContain(cluster.spec.tls.secretName);
        const issuers = new Set(byKind(objects, 'cert-manager.io/v1/Issuer').map((i) => i.metadata.name));
        for (const certificate of certificates) {
          if (certificate.spec.issuerRef.kind === 'Issuer') expect(issuers, `issuer of ${certificate.metadata.name}`).toContain(certificate.spec.issuerRef.name);
        }
      });

      it('runs 3 RabbitMQ nodes the way the RabbitMQ team advises for production', () => {
        const spec = cluster.spec;
        expect(spec.replicas).toBe(3);
        expect(spec.resources.requests.memory).toBe(spec.resources.limits.memory);
        expect(spec.resources.requests.cpu).toBe(spec.resources.limits.cpu);
        expect(spec.persistence.storage).toMatch(/^[0-9]+Gi$/);
        const hostTerm = { labelSelector: { matchLabels: { 'app.kubernetes.io/name': cluster.metadata.name } }, topologyKey: 'kubernetes.io/hostname' };
        const zoneSpread = spec.override.statefulSet.spec.template.spec.topologySpreadConstraints;
        expect(zoneSpread).toEqual([{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: expect.any(String), labelSelector: hostTerm.labelSelector }]);
        if (stack === 'prod') {
          expect(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([hostTerm]);
          expect(zoneSpread[0].whenUnsatisfiable).toBe('DoNotSchedule');
        } else {
          expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm).toEqual(hostTerm);
        }
        const budget = (byKind(objects, 'policy/v1/PodDisruptionBudget') as any[]).find((b) => b.metadata.name === cluster.metadata.name);
        expect(budget.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': cluster.metadata.name } } });
        // TLS only: the operator then opens amqps, management-tls and prometheus-tls and nothing in plain text.
        expect(spec.tls).toEqual({ secretName: expect.any(String), disableNonTLSListeners: true });
        expect(spec.rabbitmq.additionalConfig).toMatch(/^default_queue_type = quorum$/m);
        // rabbitmq_prometheus is one of the operator's essential plugins; nothing may replace the list.
        expect(spec.rabbitmq.additionalPlugins ?? []).not.toContain('rabbitmq_prometheus');
        expect(cluster.metadata.annotations['pulumi.com/waitFor']).toBe('condition=AllReplicasReady');
      });

      it('creates the administrator from a RandomPassword, kept secret, and no guest user', () => {
        const adminSecret = (byKind(objects, 'v1/Secret') as any[]).find((s) => s.metadata.name === cluster.spec.secretBackend.externalSecret.name);
        const conf: string = adminSecret.stringData['default_user.conf'];
        const user = /^default_user = (.+)$/m.exec(conf)![1]!;
        const pass = /^default_pass = (.+)$/m.exec(conf)![1]!;
        expect(user).not.toBe('guest');
        expect(adminSecret.stringData.username).toBe(user);
        expect(run.generatedSecrets).toContain(pass);
        const registration = run.registrations.find((r) => r.type === 'kubernetes:core/v1:Secret' && (r.inputs as any).metadata.name === adminSecret.metadata.name)!;
        expect(stringLeaves(registration.inputs).filter((leaf) => leaf.value.includes(pass)).every((leaf) => leaf.secret)).toBe(true);
      });

      it('lets only service pods reach AMQP, only operators the management API, only Prometheus the metrics', () => {
        const policies = byKind(objects, 'networking.k8s.io/v1/NetworkPolicy') as any[];
        const rabbitPod = { namespace, labels: OPERATOR.podLabels(cluster.metadata.name) };
        const servicePod = { namespace, labels: podLabelsOf(byKind(objects, 'apps/v1/Deployment')[0]!)! };
        const otherPod = { namespace, labels: { app: 'something-else' } };
        const operatorPod = { namespace: 'rabbitmq-system', labels: { 'app.kubernetes.io/component': 'rabbitmq-operator' } };
        const prometheusPod = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
        const allowed = (from: { namespace: string; labels: Record<string, string> }, port: number) =>
          admits(policies, rabbitPod, from, port);
        expect(allowed(servicePod, OPERATOR.servicePorts.amqps!)).toBe(true);
        expect(allowed(otherPod, OPERATOR.servicePorts.amqps!)).toBe(false);
        expect(allowed(operatorPod, OPERATOR.servicePorts.amqps!)).toBe(false);
        expect(allowed(operatorPod, OPERATOR.servicePorts['management-tls']!)).toBe(true);
        expect(allowed(servicePod, OPERATOR.servicePorts['management-tls']!)).toBe(false);
        expect(allowed(otherPod, OPERATOR.servicePorts['management-tls']!)).toBe(false);
        expect(allowed(prometheusPod, OPERATOR.servicePorts['prometheus-tls']!)).toBe(true);
        expect(allowed(servicePod, OPERATOR.servicePorts['prometheus-tls']!)).toBe(false);
        for (const port of OPERATOR.clusteringPorts) {
          expect(allowed(rabbitPod, port)).toBe(true);
          expect(allowed(servicePod, port)).toBe(false);
        }
        // Every service pod carries the label the AMQP policy admits.
        for (const deployment of byKind(objects, 'apps/v1/Deployment')) {
          expect(allowed({ namespace, labels: podLabelsOf(deployment)! }, OPERATOR.servicePorts.amqps!)).toBe(true);
        }
      });

      it('declares exactly the objects of the topology document through @pulumi/rabbitmq, nothing missing, nothing extra', () => {
        const declared = declaredBroker(run.registrations);
        const { passwords: _passwords, ...objectsOnly } = declared;
        expect(sorted(objectsOnly)).toEqual(sorted(documentBroker(doc)));
        const counted = run.registrations.filter((r) => BROKER_RESOURCE_TYPES.includes(r.type));
        const topicGroups = new Set(doc.topicPermissions.map((t) => `${t.vhost}/${t.user}`)).size;
        expect(counted).toHaveLength(
          doc.vhosts.length + doc.exchanges.length + doc.queues.length + doc.bindings.length + doc.policies.length + doc.users.length + doc.permissions.length + topicGroups,
        );
      });

      it('makes queues durable explicitly and protected, and creates each queue after its policy', () => {
        const queues = run.registrations.filter((r) => r.type === 'rabbitmq:index/queue:Queue');
        expect(queues).toHaveLength(doc.queues.length);
        const policyUrns = new Map(
          run.registrations.filter((r) => r.type === 'rabbitmq:index/policy:Policy').map((r) => [`${(r.inputs as any).vhost}/${(r.inputs as any).name}`, r.urn]),
        );
        for (const queue of queues) {
          const inputs = queue.inputs as any;
          expect(inputs.settings.durable, inputs.name).toBe(true);
          expect(queue.protect, inputs.name).toBe(true);
          expect(JSON.parse(inputs.settings.argumentsJson)).toEqual(doc.queues.find((q) => q.vhost === inputs.vhost && q.name === inputs.name)!.arguments);
          const policy = doc.policies.find((p) => p.vhost === inputs.vhost && new RegExp(p.pattern).test(inputs.name));
          if (policy) expect(queue.dependencies, inputs.name).toContain(policyUrns.get(`${policy.vhost}/${policy.name}`));
        }
      });

      it('sends every broker object through one provider, at the configured endpoint, after the cluster is ready', () => {
        const providers = run.registrations.filter((r) => r.type === 'pulumi:providers:rabbitmq');
        expect(providers).toHaveLength(1);
        expect((providers[0]!.inputs as any).endpoint).toBe(run.outputs.managementEndpoint);
        const clusterUrn = run.registrations.find((r) => r.type === 'kubernetes:rabbitmq.com/v1beta1:RabbitmqCluster')!.urn;
        for (const resource of run.registrations.filter((r) => BROKER_RESOURCE_TYPES.includes(r.type))) {
          expect(resource.provider.startsWith(`${providers[0]!.urn}::`), resource.name).toBe(true);
          expect(resource.dependencies, resource.name).toContain(clusterUrn);
        }
      });

      it('runs one Deployment and Service per service, with its image from the stack and its credentials from a Secret', () => {
        const services = doc.users.map((u) => u.service);
        const deployments = byKind(objects, 'apps/v1/Deployment') as any[];
        expect(deployments.map((d) => d.metadata.name).sort()).toEqual(services.map((s) => s.replace('/', '-')).sort());
        expect(byKind(objects, 'v1/Service')).toHaveLength(services.length);
        const template = JSON.parse(stackConfig(stack)['eventplane:serviceDefaults']!).imageTemplate as string;
        for (const deployment of deployments) {
          const user = doc.users.find((u) => u.service.replace('/', '-') === deployment.metadata.name)!;
          const [system, service] = user.service.split('/') as [string, string];
          const container = deployment.spec.template.spec.containers[0];
          expect(container.image).toBe(template.replace('{system}', system).replace('{service}', service));
          // The compiled entry on plain node, where the Dockerfile puts it.
          expect(container.command).toEqual(['node', '--enable-source-maps', `/app/dist/services/${user.service}/main.js`]);
          expect(container.readinessProbe.httpGet.path).toBe('/readyz');
          expect(container.livenessProbe.httpGet.path).toBe('/healthz');
          expect(container.resources.requests.memory).toBe(container.resources.limits.memory);
          const secretName = container.envFrom[0].secretRef.name;
          const secret = (byKind(objects, 'v1/Secret') as any[]).find((s) => s.metadata.name === secretName);
          expect(secret.stringData.AMQP_USERNAME).toBe(user.name);
          expect(secret.stringData.AMQP_URL).toMatch(new RegExp(`^amqps://${user.name}:[^@]+@[^:]+:5671/${encodeURIComponent(user.vhost)}$`));
          expect(run.generatedSecrets).toContain(secret.stringData.AMQP_PASSWORD);
          if (stack === 'prod') expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: 'eventplane-registry' }]);
        }
        const serviceMonitors = byKind(objects, 'monitoring.coreos.com/v1/ServiceMonitor');
        expect(serviceMonitors).toHaveLength(services.length + 1);
      });

      it('never puts a generated password or a secret config value in plain text into any input', () => {
        const secretValues = [...run.generatedSecrets, ...(stack === 'prod' ? [PULL_SECRET] : [])];
        expect(run.generatedSecrets).toHaveLength(doc.users.length + 1);
        const leaks: string[] = [];
        const seen = new Set<string>();
        for (const registration of run.registrations) {
          for (const leaf of stringLeaves(registration.inputs)) {
            for (const secret of secretValues) {
              if (!leaf.value.includes(secret)) continue;
              seen.add(secret);
              if (!leaf.secret) leaks.push(`${registration.type} ${registration.name}: ${leaf.path}`);
            }
          }
        }
        expect(leaks).toEqual([]);
        // Not vacuous: each secret did reach the resources that need it.
        expect([...seen].sort()).toEqual([...secretValues].sort());
      });

      it('alerts on every queue the contracts declare, and adds the RabbitMQ team core alerts', () => {
        const rule = one(objects, 'monitoring.coreos.com/v1/PrometheusRule');
        const alerts = rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => ({ ...r, group: g.name })));
        const count = (name: string) => alerts.filter((a: any) => a.alert === name).length;
        for (const core of [
          'NoMajorityOfNodesReady',
          'UnroutableMessages',
          'PersistentVolumeMissing',
          'InsufficientEstablishedErlangDistributionLinks',
          'LowDiskWatermarkPredicted',
          'HighConnectionChurn',
          'FileDescriptorsNearLimit',
          'ContainerRestarts',
          'MemoryAlarm',
          'RabbitmqDiskAlarm',
        ]) {
          expect(count(core), core).toBe(1);
        }
        expect(count('QueueDepthHigh')).toBe(doc.queues.filter((q) => q.alerts.depth !== undefined).length);
        expect(count('QueueHasNoConsumers')).toBe(doc.queues.filter((q) => q.alerts.requireConsumer).length);
        expect(count('ConsumerLagHigh')).toBe(doc.queues.filter((q) => q.alerts.requireConsumer).length);
        expect(count('DeadLetterQueueNotEmpty')).toBe(doc.queues.filter((q) => q.alerts.deadLetterWarn !== undefined).length);
        expect(count('DeadLetterQueueOverThreshold')).toBe(doc.queues.filter((q) => q.alerts.deadLetterPage !== undefined).length);
        expect(count('DeclaredQueuesMissing')).toBe(new Set(doc.queues.map((q) => q.vhost)).size);
        for (const alert of alerts) expect(['warning', 'critical'], alert.alert).toContain(alert.labels.severity);
      });

      it('ships a cluster dashboard and one per system as ConfigMaps for the Grafana sidecar', () => {
        const boards = byKind(objects, 'v1/ConfigMap') as any[];
        expect(boards).toHaveLength(doc.vhosts.length + 1);
        expect(run.outputs.dashboards.sort()).toEqual(boards.map((b) => b.metadata.name).sort());
        for (const board of boards) {
          const [file, json] = Object.entries(board.data as Record<string, string>)[0]!;
          const dashboard = JSON.parse(json);
          expect(file).toBe(`${dashboard.uid}.json`);
          expect(board.metadata.labels.grafana_dashboard).toBe('1');
        }
        const titles = boards.map((b) => JSON.parse(Object.values(b.data as Record<string, string>)[0]!).title);
        for (const vhost of doc.vhosts) expect(titles).toContain(`eventplane ${vhost.system}`);
      });
    });
  }
}

interface Pod {
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

/** NetworkPolicy semantics for ingress: with policies selecting the pod, only what one of them allows passes. */
function admits(policies: any[], to: Pod, from: Pod, port: number): boolean {
  const selecting = policies.filter((p) => p.metadata.namespace === to.namespace && matches(p.spec.podSelector.matchLabels, to.labels));
  if (selecting.length === 0) return true;
  return selecting.some((policy) =>
    (policy.spec.ingress ?? []).some((rule: any) => {
      const portOk = (rule.ports ?? []).some((p: any) => port >= p.port && port <= (p.endPort ?? p.port));
      const peerOk = (rule.from ?? []).some((peer: any) => {
        const namespaceOk = peer.namespaceSelector
          ? matches(peer.namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': from.namespace })
          : from.namespace === policy.metadata.namespace;
        const podOk = peer.podSelector ? matches(peer.podSelector.matchLabels, from.labels) : true;
        return namespaceOk && podOk;
      });
      return portOk && peerOk;
    }),
  );
}

