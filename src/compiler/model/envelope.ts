/**
 * The envelope's headers when the contracts declare no `Envelope` trait (documents that were
 * not written for eventplane): the CloudEvents 1.0 attributes of docs/CONTRACTS.md, which the
 * runtime writes on every message either way.
 */
import type { JsonSchema } from '../model.js';

export const DEFAULT_ENVELOPE_HEADERS: JsonSchema = {
  type: 'object',
  required: ['ce-id', 'ce-type', 'ce-source', 'ce-time', 'ce-specversion', 'ce-dataversion'],
  properties: {
    'ce-id': { type: 'string', format: 'uuid', description: 'Event id (AMQP message_id): the idempotency key.' },
    'ce-type': { type: 'string', description: '{system}.{MessageName} (AMQP type).' },
    'ce-source': { type: 'string', description: 'The producing service, system/service (AMQP app_id).' },
    'ce-time': { type: 'string', format: 'date-time', description: 'When the event happened (RFC 3339, milliseconds).' },
    'ce-specversion': { type: 'string', const: '1.0' },
    'ce-dataversion': { type: 'string', description: "The message's x-version." },
    'ce-correlationid': { type: 'string', description: 'Links the events of one flow (AMQP correlation_id).' },
    'ce-causationid': { type: 'string', description: 'The id of the message that caused this one.' },
    'ce-tenantid': { type: 'string' },
    'ce-subject': { type: 'string', description: 'The aggregate id: orders the events of one aggregate.' },
    traceparent: { type: 'string', pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
    tracestate: { type: 'string' },
  },
};
