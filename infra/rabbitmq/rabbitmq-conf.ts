/**
 * The rabbitmq.conf lines the program adds to what the Cluster Operator generates
 * (`spec.rabbitmq.additionalConfig`). The operator already sets peer discovery, cluster
 * name, `cluster_partition_handling = pause_minority`, the TLS listeners, the memory limit
 * and the default user; these lines are eventplane's production choices on top.
 */
export interface RabbitmqConfSetting {
  readonly key: string;
  readonly value: string;
  /** Why, for the rendered file: a reader of the ConfigMap sees the reason next to the value. */
  readonly why: string;
  /**
   * The setting does not exist before RabbitMQ 3.13. Production runs 4.x; the local proof
   * boots Debian's 3.10, which would refuse to start on an unknown key, so it leaves these
   * out (and the test asserts that 3.10 really does not know them).
   */
  readonly since?: '3.13';
}

export const RABBITMQ_CONF: readonly RabbitmqConfSetting[] = [
  {
    key: 'default_queue_type',
    value: 'quorum',
    why: 'a queue declared without x-queue-type is replicated (the topology always sets it; this covers people with admin rights)',
    since: '3.13',
  },
  {
    key: 'disk_free_limit.relative',
    value: '1.0',
    why: 'block publishers before the disk fills: free disk must stay above the memory limit (RabbitMQ production checklist)',
  },
  {
    key: 'collect_statistics_interval',
    value: '10000',
    why: 'management statistics every 10 s instead of 5 s; Prometheus is the monitoring path',
  },
  {
    key: 'max_message_size',
    value: '16777216',
    why: 'refuse messages over 16 MiB; events are small and large payloads belong in object storage',
  },
  {
    key: 'credential_validator.validation_backend',
    value: 'rabbit_credential_validator_min_password_length',
    why: 'the broker refuses weak passwords even from an administrator',
  },
  { key: 'credential_validator.min_length', value: '20', why: 'generated passwords are 32 characters' },
  { key: 'ssl_options.versions.1', value: 'tlsv1.3', why: 'TLS 1.3 and 1.2 only' },
  { key: 'ssl_options.versions.2', value: 'tlsv1.2', why: 'TLS 1.3 and 1.2 only' },
  { key: 'ssl_options.honor_cipher_order', value: 'true', why: "the server's cipher preference wins" },
  { key: 'log.console.formatter', value: 'json', why: 'structured logs for the log pipeline' },
];

/** The additionalConfig text: one `key = value` line per setting, each after a comment with its reason. */
export function renderAdditionalConfig(settings: readonly RabbitmqConfSetting[] = RABBITMQ_CONF): string {
  const lines = ['# eventplane (infra/rabbitmq/rabbitmq-conf.ts); the operator renders the rest'];
  for (const setting of settings) {
    lines.push(`# ${setting.why}`, `${setting.key} = ${setting.value}`);
  }
  return `${lines.join('\n')}\n`;
}
