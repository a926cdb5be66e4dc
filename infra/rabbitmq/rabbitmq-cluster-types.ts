import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSetUpdateStrategy } from 'kubernetes-models/apps/v1/StatefulSetUpdateStrategy';
import type { IStatefulSetPersistentVolumeClaimRetentionPolicy } from 'kubernetes-models/apps/v1/StatefulSetPersistentVolumeClaimRetentionPolicy';
import type { IAffinity } from 'kubernetes-models/v1/Affinity';
import type { ILocalObjectReference } from 'kubernetes-models/v1/LocalObjectReference';
import type { IPersistentVolumeClaimSpec } from 'kubernetes-models/v1/PersistentVolumeClaimSpec';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import type { IToleration } from 'kubernetes-models/v1/Toleration';

/**
 * `rabbitmq.com/v1beta1` RabbitmqCluster, written from the Cluster Operator's API types
 * (api/v1beta1/rabbitmqcluster_types.go at the pinned release). No npm package models this
 * CRD, so these types are the schema: tsc rejects a misspelt field in the program, and the
 * infra tests walk the rendered object against them to catch what `any` would let through.
 * Embedded Kubernetes types come from kubernetes-models.
 */
export type ObjectMeta = NonNullable<IDeployment['metadata']>;

export interface RabbitmqCluster {
  apiVersion: 'rabbitmq.com/v1beta1';
  kind: 'RabbitmqCluster';
  metadata: ObjectMeta;
  spec: RabbitmqClusterSpec;
}

export interface RabbitmqClusterSpec {
  replicas?: number;
  image?: string;
  imagePullSecrets?: ILocalObjectReference[];
  service?: {
    type?: 'ClusterIP' | 'LoadBalancer' | 'NodePort';
    annotations?: Record<string, string>;
    ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
    labels?: Record<string, string>;
  };
  persistence?: {
    storageClassName?: string;
    storage?: string;
    emptyDir?: { medium?: '' | 'Memory'; sizeLimit?: string };
  };
  resources?: IResourceRequirements;
  affinity?: IAffinity;
  tolerations?: IToleration[];
  rabbitmq?: {
    additionalPlugins?: string[];
    additionalConfig?: string;
    advancedConfig?: string;
    envConfig?: string;
    erlangInetConfig?: string;
  };
  tls?: { secretName?: string; caSecretName?: string; disableNonTLSListeners?: boolean };
  override?: {
    statefulSet?: {
      metadata?: EmbeddedLabelsAnnotations;
      spec?: {
        replicas?: number;
        selector?: NonNullable<IDeployment['spec']>['selector'];
        template?: { metadata?: EmbeddedObjectMeta; spec?: IPodSpec };
        volumeClaimTemplates?: Array<{
          apiVersion?: string;
          kind?: string;
          metadata?: EmbeddedObjectMeta;
          spec?: IPersistentVolumeClaimSpec;
        }>;
        serviceName?: string;
        podManagementPolicy?: 'OrderedReady' | 'Parallel';
        updateStrategy?: IStatefulSetUpdateStrategy;
        minReadySeconds?: number;
        persistentVolumeClaimRetentionPolicy?: IStatefulSetPersistentVolumeClaimRetentionPolicy;
      };
    };
    service?: { metadata?: EmbeddedLabelsAnnotations; spec?: IServiceSpec };
  };
  skipPostDeploySteps?: boolean;
  autoEnableAllFeatureFlags?: boolean;
  terminationGracePeriodSeconds?: number;
  delayStartSeconds?: number;
  secretBackend?: {
    vault?: {
      role?: string;
      annotations?: Record<string, string>;
      defaultUserPath?: string;
      defaultUserUpdaterImage?: string;
      tls?: { pkiIssuerPath?: string; commonName?: string; altNames?: string; ipSans?: string; pkiRootPath?: string };
    };
    externalSecret?: ILocalObjectReference;
  };
}

export interface EmbeddedLabelsAnnotations {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface EmbeddedObjectMeta extends EmbeddedLabelsAnnotations {
  name?: string;
  namespace?: string;
}
