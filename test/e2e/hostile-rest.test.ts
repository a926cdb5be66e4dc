/**
 * Hostile bodies against every REST endpoint of every service, running as real processes: the
 * routes and their body schemas are read from each service's own OpenAPI document, so a new
 * endpoint is covered without editing this file. Malformed JSON, the wrong JSON type, missing
 * required fields, each field with a value of the wrong type, unknown fields, prototype pollution,
 * text (parsed as a string, so refused by the schema), an unsupported content type (415) and an
 * oversize body (413) must each get a 4xx problem document — 400 naming the fields for a
 * body the schema refuses — and never a 5xx; the service stays healthy throughout.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '../../services/registry.js';
import { startE2eStack, type E2eStack } from './support/e2e.js';

interface Schema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
}

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly parameters: Array<{ name: string; in: string; schema?: Schema }>;
  readonly body: Schema;
}

let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack({ label: 'hostile-rest', services: SERVICES.map((s) => s.id), database: 'postgres' });
}, 300_000);
afterAll(async () => {
  await e2e?.dispose();
});

async function operationsOf(base: string): Promise<Operation[]> {
  const document = (await (await fetch(`${base}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(methods)) {
      const body = operation.requestBody?.content?.['application/json']?.schema;
      if (body) operations.push({ method: method.toUpperCase(), path, parameters: operation.parameters ?? [], body });
    }
  }
  return operations;
}

/** A concrete URL path: every path parameter gets a value its schema accepts. */
function concrete(operation: Operation): string {
  return operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const schema = operation.parameters.find((p) => p.name === name && p.in === 'path')?.schema;
    const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
    if (type === 'integer' || type === 'number') return '1';
    if (schema?.enum?.length) return String(schema.enum[0]);
    const fits = (candidate: string) =>
      (!schema?.pattern || new RegExp(schema.pattern).test(candidate)) && candidate.length <= (schema?.maxLength ?? Infinity) && candidate.length >= (schema?.minLength ?? 0);
    return [randomUUID(), 'SKU-1', 'A1', 'a1', '1'].find(fits) ?? randomUUID();
  });
}

const typeOf = (schema: Schema) => (Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type);

/**
 * A value the property's schema refuses even with the services' ajv type coercion on
 * (coerceTypes: 'array' turns "5" into 5 and x into [x]): objects where scalars belong, and so on.
 */
function wrongValue(schema: Schema): unknown {
  if (schema.enum) return { notOneOf: schema.enum.slice(0, 3) };
  switch (typeOf(schema)) {
    case 'string':
      return { not: 'a string' };
    case 'integer':
    case 'number':
      return 'not a number';
    case 'boolean':
      return 'maybe';
    case 'array':
      return { not: 'an array' };
    case 'object':
      return 'not an object';
    default:
      return undefined;
  }
}

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: { status?: number; errors?: Array<{ field: string; message: string }>; detail?: string } | undefined;
}

async function send(url: string, method: string, body: string | Buffer, contentType = 'application/json'): Promise<Reply> {
  const response = await fetch(url, { method, headers: { 'content-type': contentType }, body });
  const text = await response.text();
  let parsed: Reply['body'];
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: parsed };
}

describe('hostile REST bodies against every service', () => {
  it('answers each with a 4xx problem document, 400 with the fields for schema violations, never a 5xx', { timeout: 300_000 }, async () => {
    const problems: string[] = [];
    let covered = 0;
    let checks = 0;
    for (const service of SERVICES) {
      const base = e2e.url(service.id);
      for (const operation of await operationsOf(base)) {
        covered++;
        const url = `${base}${concrete(operation)}`;
        const where = `${service.id} ${operation.method} ${operation.path}`;
        const expect4xx = (what: string, reply: Reply, status: number, fields?: (errors: Array<{ field: string; message: string }>) => boolean) => {
          checks++;
          if (reply.status !== status) problems.push(`${where} ${what}: ${reply.status}, expected ${status}`);
          else if (!reply.contentType.startsWith('application/problem+json') || reply.body?.status !== status) problems.push(`${where} ${what}: not a problem document`);
          else if (fields && !fields(reply.body?.errors ?? [])) problems.push(`${where} ${what}: field errors ${JSON.stringify(reply.body?.errors)}`);
        };
        expect4xx('malformed JSON', await send(url, operation.method, '{"half": '), 400);
        expect4xx('a JSON array', await send(url, operation.method, '[]'), 400, (errors) => errors.length > 0);
        expect4xx('a JSON string', await send(url, operation.method, '"hello"'), 400, (errors) => errors.length > 0);
        const required = operation.body.required ?? [];
        if (required.length > 0) {
          expect4xx('an empty object', await send(url, operation.method, '{}'), 400, (errors) =>
            required.every((name) => errors.some((e) => e.field.includes(name) || e.message.includes(name))),
          );
        }
        for (const [name, schema] of Object.entries(operation.body.properties ?? {})) {
          const value = wrongValue(schema);
          if (value === undefined) continue;
          expect4xx(`${name} of the wrong type`, await send(url, operation.method, JSON.stringify({ [name]: value })), 400, (errors) =>
            errors.some((e) => e.field === `body/${name}` || e.field.startsWith(`body/${name}/`)),
          );
        }
        if (operation.body.additionalProperties === false) {
          expect4xx('an unknown field', await send(url, operation.method, JSON.stringify({ zzUnknownField: 1 })), 400, (errors) =>
            errors.some((e) => `${e.field} ${e.message}`.includes('zzUnknownField')),
          );
        }
        expect4xx('prototype pollution', await send(url, operation.method, '{"__proto__": {"admin": true}, "constructor": {"prototype": {"admin": true}}}'), 400);
        expect4xx('text/plain', await send(url, operation.method, '{}', 'text/plain'), 400, (errors) => errors.length > 0);
        expect4xx('application/xml', await send(url, operation.method, '<order/>', 'application/xml'), 415);
        expect4xx('an oversize body', await send(url, operation.method, Buffer.from(JSON.stringify({ padding: 'x'.repeat(300 * 1024) }))), 413);
      }
      const health = await fetch(`${base}/healthz`);
      if (health.status !== 200) problems.push(`${service.id} is not healthy after the hostile requests: ${health.status}`);
    }
    expect(problems).toEqual([]);
    expect(covered).toBeGreaterThan(0);
    process.stderr.write(`hostile REST: ${covered} endpoints, ${checks} hostile requests, all refused with problem documents\n`);
  });
});
