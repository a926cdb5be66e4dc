/**
 * Synthetic contract directories for benchmarks: `channels` event channels laid out the way
 * real ones are (docs/CONTRACTS.md): systems of up to 20 services, 10 events per service,
 * every service receiving half of its neighbour's events (some grouped on one x-queue),
 * payloads with nested objects, enums, arrays, maps, formats and a shared component.
 * Deterministic: the same `channels` always writes the same bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const CHANNELS_PER_SERVICE = 10;
const SERVICES_PER_SYSTEM = 20;

export interface SyntheticLayout {
  readonly systems: number;
  readonly services: number;
  readonly channels: number;
  readonly files: number;
}

const ENVELOPE = `asyncapi: 3.0.0
info:
  title: envelope
  version: 1.0.0
  description: The envelope every message carries (CloudEvents 1.0 binary mode over AMQP).
components:
  messageTraits:
    Envelope:
      headers:
        type: object
        required: [ce-time, ce-dataversion]
        properties:
          ce-time: { type: string, format: date-time }
          ce-dataversion: { type: string }
          ce-causationid: { type: string }
          ce-tenantid: { type: string }
          ce-subject: { type: string }
          traceparent: { type: string }
          tracestate: { type: string }
`;

function pascal(s: string): string {
  return s.replace(/(^|[-_.])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

function serviceName(index: number): string {
  return `svc${String(index).padStart(2, '0')}`;
}

function eventName(service: string, n: number): string {
  return `${pascal(service)}Event${n}`;
}

function channelKey(n: number): string {
  return `event${n}`;
}

function serviceDocument(system: string, service: string, neighbour: string | undefined): string {
  const lines: string[] = [
    'asyncapi: 3.0.0',
    'info:',
    `  title: ${service}`,
    '  version: 1.0.0',
    `  description: Synthetic service ${service} of ${system}.`,
    `  x-owner: team-${service}`,
    'defaultContentType: application/json',
    'channels:',
  ];
  for (let n = 0; n < CHANNELS_PER_SERVICE; n++) {
    const name = eventName(service, n);
    lines.push(
      `  ${channelKey(n)}:`,
      `    address: ${system}.${service}.event${n}`,
      `    title: ${name}`,
      '    messages:',
      `      ${name}:`,
      `        $ref: '#/components/messages/${name}'`,
      '    bindings:',
      '      amqp:',
      '        is: routingKey',
      `        exchange: { name: ${system}.events, type: topic, durable: true, autoDelete: false, vhost: ${system} }`,
      '        bindingVersion: 0.3.0',
    );
  }
  const received = neighbour ? [...Array(CHANNELS_PER_SERVICE / 2).keys()] : [];
  for (const n of received) {
    lines.push(`  ${neighbour}${pascal(channelKey(n))}:`, `    $ref: './${neighbour}.yaml#/channels/${channelKey(n)}'`);
  }
  lines.push('operations:');
  for (let n = 0; n < CHANNELS_PER_SERVICE; n++) {
    const name = eventName(service, n);
    lines.push(
      `  publish${name}:`,
      '    action: send',
      `    channel: { $ref: '#/channels/${channelKey(n)}' }`,
      `    messages: [ { $ref: '#/channels/${channelKey(n)}/messages/${name}' } ]`,
    );
  }
  for (const n of received) {
    const channel = `${neighbour}${pascal(channelKey(n))}`;
    const name = eventName(neighbour!, n);
    lines.push(
      `  on${name}:`,
      '    action: receive',
      `    channel: { $ref: '#/channels/${channel}' }`,
      `    messages: [ { $ref: '#/channels/${channel}/messages/${name}' } ]`,
    );
    // Two of the five share one queue, as services that group related events do.
    if (n < 2) lines.push(`    x-queue: { name: ${service}.${neighbour}-grouped, prefetch: 20 }`);
    if (n === 2) lines.push('    x-retry: { retries: 3, initialDelay: 500ms, maxDelay: 30s }');
  }
  lines.push('components:', '  messages:');
  for (let n = 0; n < CHANNELS_PER_SERVICE; n++) {
    const name = eventName(service, n);
    lines.push(
      `    ${name}:`,
      `      name: ${name}`,
      `      title: ${name}`,
      `      summary: Event ${n} of ${service}.`,
      '      contentType: application/json',
      '      x-version: 1.0.0',
      '      traits:',
      "        - $ref: '../_shared/envelope.yaml#/components/messageTraits/Envelope'",
      '      payload:',
      `        $ref: '#/components/schemas/${name}Payload'`,
      '      examples:',
      '        - name: typical',
      '          payload:',
      `            id: 3f0e6a52-8a8f-4c39-9d67-0c1c5b7e${String(n).padStart(4, '0')}`,
      '            status: in-progress',
      "            occurredAt: '2026-01-14T16:00:00Z'",
      '            amount: { value: 1999, currency: GBP }',
      '            lines:',
      '              - { sku: SKU-1, quantity: 2 }',
      '            attributes: { colour: red }',
      '            note: null',
    );
  }
  lines.push('  schemas:', '    Money:', '      type: object', '      required: [value, currency]', '      additionalProperties: false', '      properties:');
  lines.push('        value: { type: integer, minimum: 0 }', "        currency: { type: string, pattern: '^[A-Z]{3}$' }");
  for (let n = 0; n < CHANNELS_PER_SERVICE; n++) {
    const name = eventName(service, n);
    lines.push(
      `    ${name}Payload:`,
      '      type: object',
      '      additionalProperties: false',
      '      required: [id, status, occurredAt, amount, lines]',
      '      properties:',
      '        id: { type: string, format: uuid }',
      '        status: { type: string, enum: [pending, in-progress, done, 2nd-attempt] }',
      '        occurredAt: { type: string, format: date-time }',
      "        amount: { $ref: '#/components/schemas/Money' }",
      '        lines:',
      '          type: array',
      '          minItems: 1',
      '          items:',
      '            type: object',
      '            additionalProperties: false',
      '            required: [sku, quantity]',
      '            properties:',
      '              sku: { type: string, minLength: 1 }',
      '              quantity: { type: integer, minimum: 1 }',
      '        attributes: { type: object, additionalProperties: { type: string } }',
      '        note: { type: [string, "null"] }',
      `        field${n}: { type: number }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The systems/services/channels a given channel count becomes. */
export function syntheticLayout(channels: number): SyntheticLayout {
  const services = Math.max(1, Math.ceil(channels / CHANNELS_PER_SERVICE));
  const systems = Math.ceil(services / SERVICES_PER_SYSTEM);
  return { systems, services, channels: services * CHANNELS_PER_SERVICE, files: services + 1 };
}

/**
 * Writes a contract directory with (at least) `channels` event channels into `dir`:
 * `_shared/envelope.yaml` and `sys<NN>/svc<NN>.yaml`. Returns what was written.
 */
export async function writeSyntheticSpecs(dir: string, channels: number): Promise<SyntheticLayout> {
  const layout = syntheticLayout(channels);
  await mkdir(join(dir, '_shared'), { recursive: true });
  await writeFile(join(dir, '_shared', 'envelope.yaml'), ENVELOPE);
  for (let s = 0; s < layout.systems; s++) {
    const system = `sys${String(s).padStart(2, '0')}`;
    const count = Math.min(SERVICES_PER_SYSTEM, layout.services - s * SERVICES_PER_SYSTEM);
    await mkdir(join(dir, system), { recursive: true });
    for (let i = 0; i < count; i++) {
      const service = serviceName(i);
      const neighbour = count > 1 ? serviceName((i + 1) % count) : undefined;
      await writeFile(join(dir, system, `${service}.yaml`), serviceDocument(system, service, neighbour));
    }
  }
  return layout;
}
