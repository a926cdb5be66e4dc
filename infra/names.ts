import type { StackConfig } from './config.js';

/**
 * Names of the Kubernetes objects the program creates or that the Cluster Operator creates
 * for it. Kept in one module because other objects refer to them by name (Secrets by
 * Deployments, the StatefulSet by alerts, Services by certificates).
 */

/** Ports the Cluster Operator opens on RabbitMQ pods once TLS is on and plain listeners are off. */
export const RABBITMQ_PORTS = {
  amqps: 5671,
  managementTls: 15671,
  prometheusTls: 15691,
  epmd: 4369,
  distribution: 25672,
  /** rabbitmqctl and friends connect back on 35672–35682. */
  cliFirst: 35672,
  cliLast: 35682,
} as const;

/** Names of the ports on the operator's client Service. */
export const RABBITMQ_SERVICE_PORT_NAMES = {
  amqps: 'amqps',
  managementTls: 'management-tls',
  prometheusTls: 'prometheus-tls',
} as const;

/** Labels the operator puts on every RabbitMQ pod and Service of a cluster. */
export function rabbitmqPodLabels(clusterName: string): Record<string, string> {
  return { 'app.kubernetes.io/name': clusterName, 'app.kubernetes.io/component': 'rabbitmq' };
}

/** Labels that let a pod through the broker's AMQP NetworkPolicy. */
export const AMQP_CLIENT_LABEL = { 'eventplane.io/amqp-client': 'true' } as const;
/** Pods in the broker's namespace with this label may reach the management API. */
export const OPERATOR_POD_LABEL = { 'eventplane.io/role': 'operator' } as const;

export function clusterNames(config: StackConfig) {
  const name = config.rabbitmq.name;
  const ns = config.namespace;
  return {
    cluster: name,
    statefulSet: `${name}-server`,
    headlessService: `${name}-nodes`,
    /** The client Service: `<name>.<namespace>.svc`. */
    host: `${name}.${ns}.svc`,
    adminSecret: `${name}-admin`,
    tlsSecret: config.tls.secretName ?? `${name}-tls`,
    caSecret: `${name}-ca`,
    selfSignedIssuer: `${name}-selfsigned`,
    caIssuer: `${name}-ca`,
    /** The operator names a pod's data claim `persistence-<statefulset>-<ordinal>`. */
    persistentVolumeClaimPattern: `persistence-${name}-server-[0-9]+`,
  };
}

/** `shop/order` → `shop-order`: the broker user, and the name of the service's Kubernetes objects. */
export function serviceObjectName(serviceId: string): string {
  return serviceId.replace('/', '-');
}

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Refuses a service id whose objects Kubernetes would reject (Service names are DNS-1035 labels). */
export function checkServiceObjectName(serviceId: string): string | undefined {
  const name = serviceObjectName(serviceId);
  // `-amqp` is the longest suffix added (the Secret); Services take the bare name.
  if (!DNS_1035_LABEL.test(name) || name.length + '-amqp'.length > 63) {
    return `service ${serviceId}: "${name}" is not a valid Kubernetes Service name (lowercase letters, digits and '-', starting with a letter, at most 58 characters)`;
  }
  return undefined;
}
