/**
 * Reads a message: its name, version, payload and header schemas (made self-contained),
 * examples and the traits it applies (the envelope among them).
 */
import type { DiagnosticSink } from '../diagnostics.js';
import { isRecord, type PathSegment } from '../load/pointer.js';
import { nodeKey, type Located, type SourceSet } from '../load/sources.js';
import type { JsonSchema, MessageExample } from '../model.js';
import type { ChannelDraft, ExampleDraft, MessageDraft } from './drafts.js';
import { checkExtensions } from './extensions.js';
import { tagNames, text } from './values.js';
import { bundleSchema } from './schema.js';

/** Schema formats whose schemas are JSON Schema (draft-07 and the AsyncAPI superset). */
const JSON_SCHEMA_FORMATS = [
  /^application\/vnd\.aai\.asyncapi(\+json|\+yaml)?;version=[0-9.]+$/,
  /^application\/schema\+(json|yaml);version=draft-0[467]$/,
];

/** JSON and the structured `+json` types (application/ld+json, application/cloudevents+json, …). */
const JSON_CONTENT_TYPE = /^application\/([A-Za-z0-9.!#$&^_-]+\+)?json\s*(;.*)?$/i;

export interface MessageContext {
  readonly sources: SourceSet;
  readonly sink: DiagnosticSink;
}

/** A trait is the envelope when it is the component named `Envelope`. */
export function isEnvelopeTrait(node: Located): boolean {
  return node.path[node.path.length - 1] === 'Envelope' && node.path[node.path.length - 2] === 'messageTraits';
}

export function readMessage(node: Located, channel: ChannelDraft, fallbackName: string, ctx: MessageContext): MessageDraft {
  const { sink, sources } = ctx;
  const source = node.source;
  const message = isRecord(node.value) ? node.value : {};
  const at = (path: readonly PathSegment[], part: 'key' | 'value' = 'value') => source.locate([...node.path, ...path], part);
  checkExtensions('message', source, node.path, message, sink);

  // Traits other than the envelope contribute the fields the message leaves out (the message wins).
  const fields: Record<string, Located> = {};
  const envelopeTraits: string[] = [];
  const traits = Array.isArray(message.traits) ? message.traits : [];
  traits.forEach((raw, i) => {
    const trait = sources.deref({ source, path: [...node.path, 'traits', i], value: raw });
    if (!trait || !isRecord(trait.value)) return;
    if (isEnvelopeTrait(trait)) {
      envelopeTraits.push(nodeKey(trait));
      return;
    }
    for (const [key, value] of Object.entries(trait.value)) fields[key] = { source: trait.source, path: [...trait.path, key], value };
  });
  for (const [key, value] of Object.entries(message)) {
    if (key !== 'traits') fields[key] = { source, path: [...node.path, key], value };
  }
  const field = (key: string) => fields[key]?.value;

  const name = text(field('name')) ?? fallbackName;
  const nameAt = fields.name ? fields.name.source.locate(fields.name.path) : at([], 'key');
  const location = source.locate(node.path, 'key');
  const contentType = text(field('contentType')) ?? defaultContentType(channel) ?? 'application/json';
  if (!JSON_CONTENT_TYPE.test(contentType)) {
    sink.error(
      fields.contentType ? fields.contentType.source.locate(fields.contentType.path) : location,
      `contentType "${contentType}" is not JSON: eventplane sends payloads as JSON (application/json)`,
      'ep-content-type',
    );
  }
  const payload = fields.payload ? readPayload(fields.payload, ctx) : undefined;
  if (!fields.payload) sink.error(location, `message ${name} has no payload schema`, 'ep-message-schema');
  const headers = fields.headers ? readHeaders(fields.headers, name, ctx) : undefined;
  const examples = fields.examples ? readExamples(fields.examples, ctx) : [];
  return {
    id: `${channel.system}/${name}`,
    system: channel.system,
    name,
    node,
    ...(text(field('title')) !== undefined ? { title: text(field('title'))! } : {}),
    ...(text(field('summary')) !== undefined ? { summary: text(field('summary'))! } : {}),
    ...(text(field('description')) !== undefined ? { description: text(field('description'))! } : {}),
    version: text(field('x-version')) ?? '1.0.0',
    contentType,
    channel: channel.id,
    owner: channel.owner.id,
    ...(payload !== undefined ? { payload } : {}),
    ...(headers !== undefined ? { headers } : {}),
    examples,
    tags: tagNames(field('tags')),
    location,
    nameAt,
    versionAt: fields['x-version'] ? fields['x-version'].source.locate(fields['x-version'].path) : location,
    envelopeTraits,
  };
}

function defaultContentType(channel: ChannelDraft): string | undefined {
  const doc = channel.owner.source.value;
  return isRecord(doc) ? text(doc.defaultContentType) : undefined;
}

function readPayload(node: Located, ctx: MessageContext): JsonSchema | undefined {
  const target = ctx.sources.deref(node);
  if (!target) return undefined;
  const value = target.value;
  if (isRecord(value) && typeof value.schemaFormat === 'string' && 'schema' in value) {
    const format = value.schemaFormat;
    if (!JSON_SCHEMA_FORMATS.some((f) => f.test(format))) {
      ctx.sink.error(
        target.source.locate([...target.path, 'schemaFormat']),
        `schemaFormat "${format}" is not JSON Schema: the payload is typed unknown and not validated`,
        'ep-schema-format',
      );
      // Not read, but a reference in it that cannot be resolved (an unfetchable URL) is still reported.
      ctx.sources.deref({ source: target.source, path: [...target.path, 'schema'], value: value.schema });
      return {};
    }
    return bundleSchema(ctx.sources, { source: target.source, path: [...target.path, 'schema'], value: value.schema }, ctx.sink);
  }
  // From the reference itself, so a payload that is a named component keeps its name.
  return bundleSchema(ctx.sources, node, ctx.sink);
}

function readHeaders(node: Located, name: string, ctx: MessageContext): JsonSchema | undefined {
  const schema = readPayload(node, ctx);
  if (schema === undefined) return undefined;
  if (!isRecord(schema) || (schema.type !== undefined && schema.type !== 'object')) {
    ctx.sink.error(node.source.locate(node.path), `message ${name}: headers must be an object schema (AMQP headers are a table)`, 'ep-message-schema');
    return undefined;
  }
  return schema;
}

function readExamples(node: Located, ctx: MessageContext): ExampleDraft[] {
  if (!Array.isArray(node.value)) return [];
  const out: ExampleDraft[] = [];
  node.value.forEach((raw, i) => {
    const example = ctx.sources.deref({ source: node.source, path: [...node.path, i], value: raw });
    if (!example || !isRecord(example.value)) return;
    const value = example.value;
    const model: MessageExample = {
      ...(text(value.name) !== undefined ? { name: text(value.name)! } : {}),
      ...(text(value.summary) !== undefined ? { summary: text(value.summary)! } : {}),
      payload: value.payload,
      ...(isRecord(value.headers) ? { headers: value.headers } : {}),
    };
    out.push({ example: model, hasPayload: 'payload' in value, node: example });
  });
  return out;
}
