/**
 * Every rule `eventplane check` reports, with the sentence that explains it: the SARIF rule
 * metadata, `--help`, and the docs are read from here.
 */
export interface RuleInfo {
  readonly id: string;
  readonly category: 'schema' | 'contract' | 'routing' | 'drift';
  readonly summary: string;
}

const rule = (category: RuleInfo['category'], id: string, summary: string): RuleInfo => ({ id, category, summary });

export const RULES: readonly RuleInfo[] = [
  rule('schema', 'type-widened', 'A type now admits more (integer → number, a type added): consumers on the old contract reject or misread the new values.'),
  rule('schema', 'type-narrowed', 'A type now admits less (number → integer, a type removed): producers on the old contract send values the new schema rejects.'),
  rule('schema', 'type-changed', 'A type changed to an unrelated one: breaks consumers and producers.'),
  rule('schema', 'required-added', 'A property became required (or a required one was added): producers on the old contract may leave it out.'),
  rule('schema', 'required-removed', 'A property is no longer required: consumers on the old contract expect it.'),
  rule('schema', 'property-added', 'An optional property was added: safe, unless the old schema closed the object (additionalProperties: false).'),
  rule('schema', 'property-removed', 'A property was removed: consumers that read it lose it; breaking when it was required or the object is closed.'),
  rule('schema', 'property-renamed', 'A property was removed and one of the same shape added: a rename, which breaks consumers reading the old name.'),
  rule('schema', 'enum-widened', 'Values were added to an enum (or const/enum removed): consumers on the old contract reject or misread them.'),
  rule('schema', 'enum-narrowed', 'Values were removed from an enum (or an enum/const added): producers on the old contract may still send them.'),
  rule('schema', 'enum-changed', 'Enum values were both added and removed: breaks consumers and producers.'),
  rule('schema', 'additional-properties-tightened', 'additionalProperties was tightened: the new schema rejects properties the old one let through.'),
  rule('schema', 'additional-properties-loosened', 'additionalProperties was loosened: old consumers with a closed schema may reject new properties.'),
  rule('schema', 'format-added', 'A string format was added: producers on the old contract may send strings that are not of that format.'),
  rule('schema', 'format-removed', 'A string format was removed: consumers on the old contract reject or misread other strings.'),
  rule('schema', 'format-changed', 'A string format changed: values of one format are rejected by the other.'),
  rule('schema', 'constraint-tightened', 'A length, range, size, pattern or uniqueness constraint was added or tightened: old producers may send values now out of bounds.'),
  rule('schema', 'constraint-loosened', 'A constraint was removed or loosened: old consumers reject the values now allowed.'),
  rule('schema', 'constraint-changed', 'A constraint changed in a way that is neither tighter nor looser (multipleOf 2 → 3): breaks both sides.'),
  rule('schema', 'pattern-changed', 'A regular expression changed: strings valid for one may fail the other; breaks both sides.'),
  rule('schema', 'branch-added', 'A oneOf/anyOf branch was added: consumers on the old contract reject or misread it.'),
  rule('schema', 'branch-removed', 'A oneOf/anyOf branch was removed: producers on the old contract may still send it.'),
  rule('schema', 'composition-changed', 'oneOf/anyOf was added, removed or switched: values matching several (or no) branches change fate.'),
  rule('schema', 'ref-target-changed', 'A $ref now names another component; the differences of the two targets are reported beside it.'),
  rule('schema', 'keyword-changed', 'A keyword without a dedicated rule (not, if/then/else, dependencies, tuples…) changed: review by hand.'),
  rule('contract', 'message-added', 'A message was added.'),
  rule('contract', 'message-removed', 'A message was removed: consumers deployed from the old contract stop receiving it.'),
  rule('contract', 'content-type-changed', "A message's content type changed: each side decodes the other's bodies wrongly."),
  rule('contract', 'routing-key-changed', "A message's routing key changed: queues bound to the old key stop receiving it."),
  rule('contract', 'exchange-changed', 'A message moved to another exchange: consumers stay bound to the old one.'),
  rule('contract', 'exchange-type-changed', 'An exchange changed type or durability: RabbitMQ refuses to redeclare it; it must be deleted with its bindings.'),
  rule('contract', 'exchange-removed', 'An exchange is no longer used: producers on the old contract publish into nothing.'),
  rule('contract', 'sender-changed', 'Another service now sends a message: broker permissions move with it.'),
  rule('contract', 'version-decreased', "A message's x-version went down."),
  rule('contract', 'version-unchanged', 'Compatible changes without a new x-version: bump the minor version.'),
  rule('contract', 'queue-renamed', 'A receive operation reads another queue: messages waiting in the old queue are lost.'),
  rule('contract', 'queue-removed', 'A queue is no longer declared: messages in it, its retry queues and its dead letters are lost when the topology is applied.'),
  rule('contract', 'queue-type-changed', 'A queue changed type (quorum/classic): it must be deleted and declared again, losing its messages.'),
  rule('contract', 'queue-policy-changed', 'A queue limit (max length, overflow, delivery limit, TTL) changed.'),
  rule('contract', 'retry-policy-changed', 'The retry ladder changed: fewer retries delete retry queues and the messages waiting in them.'),
  rule('contract', 'dead-letter-changed', 'The dead-letter queue or its limits changed: dead letters may be stranded or dropped.'),
  rule('contract', 'base-unavailable', 'The base ref\'s contracts could not be loaded, so changes were not compared.'),
  rule('routing', 'unroutable-send', 'A send reaches no queue: the broker drops every such message.'),
  rule('routing', 'unfed-queue', 'A consumer queue that no send in the contracts reaches.'),
  rule('routing', 'shadowed-binding', 'A binding whose key is covered by another binding of the same queue: it never adds a message.'),
  rule('routing', 'overlapping-bindings', 'Two queues of one service have overlapping topic patterns: a message matching both is handled twice.'),
  rule('routing', 'unexpected-delivery', 'A queue receives a message none of its receive operations handles: such messages are dead-lettered.'),
  rule('routing', 'duplicate-delivery', 'One send reaches several queues of the same service: each message is handled several times.'),
  rule('routing', 'unproduced-message', 'A consumer receives a message (version) that no service sends.'),
  rule('routing', 'unreached-receive', "A receive operation's queue is not reached by the sends of its message."),
  rule('drift', 'drift-missing', 'An object of the topology document is missing on the broker.'),
  rule('drift', 'drift-extra', "An object on the broker, in the topology's vhosts, that the topology document does not declare."),
  rule('drift', 'drift-different', 'An object exists on the broker with other settings than the topology document says.'),
];

export const RULES_BY_ID: ReadonlyMap<string, RuleInfo> = new Map(RULES.map((r) => [r.id, r]));
