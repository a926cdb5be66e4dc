import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as random from '@pulumi/random';
import type { StackConfig } from '../config.js';
import { RABBITMQ_PORTS, clusterNames } from '../names.js';
import { COMMON_LABELS, rabbitmqClusterManifest, rabbitmqDisruptionBudget, rabbitmqNetworkPolicies, tlsManifests } from './cluster-manifests.js';

/** The Cluster Operator's release manifest, by pinned version: never copied into this repository. */
export function clusterOperatorManifestUrl(version: string): string {
  return `https://github.com/rabbitmq/cluster-operator/releases/download/${version}/cluster-operator.yml`;
}

export interface RabbitmqClusterArgs {
  readonly config: StackConfig;
  /** Namespaced objects wait for the namespace. */
  readonly namespace: pulumi.Resource;
}

/**
 * A 3-node RabbitMQ cluster through the Cluster Operator: the RabbitmqCluster resource, its
 * administrator Secret, TLS certificate, PodDisruptionBudget and NetworkPolicies.
 * `ready` completes only when all replicas are ready (see CLUSTER_READY_ANNOTATION).
 */
export class RabbitmqClusterComponent extends pulumi.ComponentResource {
  readonly ready: k8s.apiextensions.CustomResource;
  readonly adminUsername: string;
  /** Secret output: the administrator password, for the topology provider only. */
  readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: RabbitmqClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('eventplane:infra:RabbitmqCluster', name, {}, opts);
    const { config } = args;
    const names = clusterNames(config);
    const child = { parent: this, dependsOn: [args.namespace] };

    let operator: pulumi.Resource | undefined;
    if (config.clusterOperator.install) {
      operator = new k8s.yaml.v2.ConfigFile(
        'rabbitmq-cluster-operator',
        { file: clusterOperatorManifestUrl(config.clusterOperator.version) },
        { parent: this },
      );
    }

    const password = new random.RandomPassword('rabbitmq-admin-password', { length: 32, special: false }, { parent: this });
    // The random provider marks `result` secret in the engine; wrapping here keeps it secret
    // everywhere it flows (and under test mocks, which have no engine).
    this.adminPassword = pulumi.secret(password.result);
    this.adminUsername = config.rabbitmq.adminUsername;

    // The operator reads this Secret instead of generating `<name>-default-user`; its keys
    // follow the Service Binding spec the operator uses for its own.
    const adminSecret = new k8s.core.v1.Secret(
      'rabbitmq-admin',
      {
        metadata: { name: names.adminSecret, namespace: config.namespace, labels: { ...COMMON_LABELS } },
        type: 'Opaque',
        stringData: pulumi.secret(
          this.adminPassword.apply((pass) => ({
            'default_user.conf': `default_user = ${this.adminUsername}\ndefault_pass = ${pass}\n`,
            username: this.adminUsername,
            password: pass,
            host: names.host,
            port: String(RABBITMQ_PORTS.amqps),
            provider: 'rabbitmq',
            type: 'rabbitmq',
          })),
        ),
      },
      child,
    );

    const certificates = tlsManifests(config).map(
      (manifest) => new k8s.apiextensions.CustomResource(`tls-${manifest.metadata?.name}`, manifest, child),
    );

    this.ready = new k8s.apiextensions.CustomResource('rabbitmq-cluster', rabbitmqClusterManifest(config), {
      parent: this,
      dependsOn: [args.namespace, adminSecret, ...certificates, ...(operator ? [operator] : [])],
    });

    new k8s.policy.v1.PodDisruptionBudget('rabbitmq-pdb', rabbitmqDisruptionBudget(config), child);
    for (const [purpose, policy] of Object.entries(rabbitmqNetworkPolicies(config))) {
      new k8s.networking.v1.NetworkPolicy(`rabbitmq-netpol-${purpose}`, policy, child);
    }
    this.registerOutputs({ cluster: this.ready.metadata.name });
  }
}
