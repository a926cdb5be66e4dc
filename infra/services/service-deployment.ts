import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { StackConfig } from '../config.js';
import { RABBITMQ_PORTS, clusterNames, serviceObjectName } from '../names.js';
import { COMMON_LABELS } from '../rabbitmq/cluster-manifests.js';
import type { ServiceCredentials } from '../topology/broker-topology.js';
import { amqpSecretName, serviceManifests, type ServiceWorkload } from './service-manifests.js';

export interface ServiceDeploymentArgs {
  readonly config: StackConfig;
  readonly workload: ServiceWorkload;
  readonly credentials: ServiceCredentials;
  readonly namespace: pulumi.Resource;
  /** The broker user and its permissions: pods start once they can log in. */
  readonly brokerTopology: pulumi.Resource;
}

/** One service: its AMQP credentials Secret, Deployment, Service, ServiceMonitor and PDB. */
export class ServiceDeployment extends pulumi.ComponentResource {
  constructor(name: string, args: ServiceDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super('eventplane:infra:Service', name, {}, opts);
    const { config, workload, credentials } = args;
    const objectName = serviceObjectName(workload.id);
    const host = clusterNames(config).host;
    const port = RABBITMQ_PORTS.amqps;
    const url = pulumi.interpolate`amqps://${encodeURIComponent(credentials.username)}:${credentials.password.apply(encodeURIComponent)}@${host}:${port}/${encodeURIComponent(credentials.vhost)}`;

    const secret = new k8s.core.v1.Secret(
      `${objectName}-amqp`,
      {
        metadata: {
          name: amqpSecretName(workload.id),
          namespace: config.namespace,
          labels: { ...COMMON_LABELS, 'app.kubernetes.io/name': objectName },
        },
        type: 'Opaque',
        stringData: pulumi.secret(
          pulumi.all([url, credentials.password]).apply(([amqpUrl, password]) => ({
            AMQP_URL: amqpUrl,
            AMQP_USERNAME: credentials.username,
            AMQP_PASSWORD: password,
            AMQP_VHOST: credentials.vhost,
            AMQP_HOST: host,
            AMQP_PORT: String(port),
          })),
        ),
      },
      { parent: this, dependsOn: [args.namespace] },
    );

    const manifests = serviceManifests(config, workload);
    const child = { parent: this, dependsOn: [args.namespace] };
    new k8s.apps.v1.Deployment(objectName, manifests.deployment, { parent: this, dependsOn: [args.namespace, secret, args.brokerTopology] });
    new k8s.core.v1.Service(objectName, manifests.service, child);
    new k8s.apiextensions.CustomResource(`${objectName}-monitor`, manifests.serviceMonitor, child);
    if (manifests.disruptionBudget) new k8s.policy.v1.PodDisruptionBudget(`${objectName}-pdb`, manifests.disruptionBudget, child);
    this.registerOutputs({});
  }
}
