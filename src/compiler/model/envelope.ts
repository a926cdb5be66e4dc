/**
 * The envelope's headers when the contracts declare no `Envelope` trait (documents that were
 * not written for eventplane): the CloudEvents 1.0 attributes of docs/CONTRACTS.md that travel
 * as headers (id, type, source and correlation are AMQP properties), which the runtime writes on
 * every message either way.
 */
import type { JsonSchema } from '../model.js';

export const DEFAULT_ENVELOPE_HEADERS: JsonSchema = {
  type: 'object',
  required: ['ce-time', 'ce-dataversion'],
  properties: {
    'ce-time': { type: 'string', format: 'date-time', description: 'When the event happened (RFC 3339, milliseconds).' },
    'ce-dataversion': { type: 'string', description: "The message's x-version." },
    'ce-causationid': { type: 'string', description: 'The id of the message that caused this one.' },
    'ce-tenantid': { type: 'string' },
    'ce-subject': { type: 'string', description: 'The aggregate id: orders the events of one aggregate.' },
    traceparent: { type: 'string', pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
    tracestate: { type: 'string' },
  },
};
