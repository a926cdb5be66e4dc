/**
 * Payload and header types with @asyncapi/modelina, configured to match the wire exactly:
 * interfaces with the raw property names (`status`, `default`, `new` stay as they are),
 * string-literal unions for enums, `Record<string, T>` for maps, `unknown` for anything.
 * One file per system, plus the envelope's headers.
 */
import { ConstrainedDictionaryModel, TypeScriptGenerator, type OutputModel } from '@asyncapi/modelina';
import type { EnvelopeModel, JsonSchema, SystemModel } from '../model.js';
import { contentKey, type Memo } from '../cache/memo.js';
import { banner } from './header.js';
import { docText, pascalCase, safeTypeName } from './names.js';
import { NAME_ANNOTATION } from '../model/schema.js';
import { ModelNames, PROTO_PLACEHOLDER, modelinaInput } from './modelina-input.js';
import type { SystemTypeNames } from './type-names.js';

export const ENVELOPE_HEADERS_TYPE = 'EnvelopeHeaders';

/**
 * Objects with both properties and `additionalProperties: <schema>` get an index signature
 * (Modelina would render a member literally called `additionalProperties`).
 */
const INDEX_SIGNATURE_PRESET = {
  interface: {
    property({ property, content, model }: { property: { property: unknown; propertyName: string }; content: string; model: { properties: Record<string, { property: { type: string }; required: boolean }> } }) {
      const map = property.property;
      if (!(map instanceof ConstrainedDictionaryModel) || map.serializationType !== 'unwrap') return content;
      const members = new Set<string>([map.value.type]);
      for (const other of Object.values(model.properties)) {
        if (other.property === map) continue;
        members.add(other.property.type);
        if (!other.required) members.add('undefined');
      }
      const flat = new Set([...members].flatMap(unionMembers));
      const type = flat.has('unknown') || flat.has('any') ? 'unknown' : [...flat].join(' | ');
      return `[key: string]: ${type};`;
    },
  },
};

function jsDoc(description: unknown): string {
  const text = typeof description === 'string' ? description.trim() : '';
  return text === '' ? '' : `/**\n * ${docText(text)}\n */\n`;
}

/** Descriptions as JSDoc, escaped (Modelina's own preset would let a `*\/` in a description end the comment). */
const DOC_PRESET = {
  interface: {
    property({ property, content, model }: { property: { property: { originalInput: { description?: unknown } } }; content: string; model: { originalInput: unknown } }) {
      // Modelina hands properties named like Object.prototype members (constructor, toString, …)
      // their parent's schema as input: the parent's description is not theirs.
      const input = property.property.originalInput;
      return input === model.originalInput ? content : `${jsDoc(input?.description)}${content}`;
    },
  },
};

/** `A | B<C | D>` → ['A', 'B<C | D>']: the top-level members of a rendered union type. */
function unionMembers(type: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < type.length; i++) {
    const c = type[i];
    if (c === '<' || c === '(' || c === '[' || c === '{') depth++;
    else if (c === '>' || c === ')' || c === ']' || c === '}') depth--;
    else if (c === '|' && depth === 0) {
      out.push(type.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(type.slice(start).trim());
  return out;
}

let generator: TypeScriptGenerator | undefined;

function typescriptGenerator(): TypeScriptGenerator {
  generator ??= new TypeScriptGenerator({
    modelType: 'interface',
    enumType: 'union',
    mapType: 'record',
    rawPropertyNames: true,
    useJavascriptReservedKeywords: false,
    moduleSystem: 'ESM',
    typeMapping: { Any: () => 'unknown' },
    // Names arrive final (see modelina-input.ts); Modelina would re-case them (`SKU` → `Sku`).
    constraints: { modelName: ({ modelName }: { modelName: string }) => modelName },
    presets: [DOC_PRESET as never, INDEX_SIGNATURE_PRESET as never],
  });
  return generator;
}

interface Root {
  readonly name: string;
  readonly schema: JsonSchema;
  /**
   * Render as a type alias rather than an interface: header types must be assignable to
   * `Record<string, HeaderValue>`, and only aliases get an implicit index signature.
   */
  readonly alias?: boolean;
}

/** Modelina's models for one prepared root, as [name, code] pairs. */
async function renderRoot(root: Root, input: unknown): Promise<[string, string][]> {
  const models: OutputModel[] = await typescriptGenerator().generate(input as object);
  return models.map((model) => {
    const original = model.model.originalInput as { description?: unknown } | undefined;
    let code = model.result.trim().replaceAll(`'${PROTO_PLACEHOLDER}'`, "'__proto__'");
    if (root.alias && model.modelName === root.name && code.startsWith(`interface ${root.name} {`)) {
      code = `type ${root.name} = {${code.slice(`interface ${root.name} {`.length)};`;
    }
    return [model.modelName, `${jsDoc(original?.description)}export ${code}`];
  });
}

async function renderModels(roots: readonly Root[], memo?: Memo): Promise<string[]> {
  const names = new ModelNames(roots.map((r) => r.name));
  const rendered = new Map<string, string>();
  for (const root of roots) {
    // The prepared input carries every name Modelina will use, so it keys the rendering.
    const input = modelinaInput(root.schema, root.name, names);
    const key = contentKey('types', input, root.name, root.alias === true);
    let models = memo?.get('types', key) as [string, string][] | undefined;
    if (!Array.isArray(models)) {
      models = await renderRoot(root, input);
      memo?.set('types', key, models);
    }
    for (const [name, code] of models) if (!rendered.has(name)) rendered.set(name, code);
    if (!rendered.has(root.name)) throw new Error(`Modelina rendered no model named ${root.name}`);
  }
  return [...rendered.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, code]) => code);
}

export async function emitSystemTypes(system: SystemModel, names: SystemTypeNames, from: string, memo?: Memo): Promise<string> {
  const roots: Root[] = [];
  const shared = sharedPayloads(system, names);
  const aliases: string[] = [];
  for (const [name, schema] of new Map([...shared.values()].map((s) => [s.name, s.schema]))) roots.push({ name, schema });
  for (const message of system.messages) {
    const payload = names.payload(message.id);
    const component = shared.get(message.id);
    if (component) aliases.push(`export type ${payload} = ${component.name};`);
    else roots.push({ name: payload, schema: message.payload });
    const headers = names.headers(message.id);
    if (headers && message.headers !== undefined) roots.push({ name: headers, schema: message.headers, alias: true });
  }
  const models = await renderModels(roots, memo);
  return `${banner(from)}\n\n${[...models, ...aliases.sort()].join('\n\n')}\n`;
}

/**
 * Payloads that are one schema component referenced by several messages (`Book` for BookAdded
 * and BookUpdated): the component is one type under its own name, each message's payload type an
 * alias of it. Message id → the component's type.
 */
function sharedPayloads(system: SystemModel, names: SystemTypeNames): Map<string, { name: string; schema: JsonSchema }> {
  const taken = new Set(system.messages.flatMap((m) => [names.payload(m.id), names.headers(m.id) ?? '']));
  const byComponent = new Map<string, { schema: JsonSchema; text: string; messages: string[] }>();
  for (const message of system.messages) {
    const component = typeof message.payload === 'object' ? message.payload[NAME_ANNOTATION] : undefined;
    if (typeof component !== 'string') continue;
    const text = JSON.stringify(message.payload);
    const known = byComponent.get(component);
    if (known && known.text !== text) continue; // same name, another shape: it keeps its own type
    if (known) known.messages.push(message.id);
    else byComponent.set(component, { schema: message.payload, text, messages: [message.id] });
  }
  const out = new Map<string, { name: string; schema: JsonSchema }>();
  for (const [component, { schema, messages }] of byComponent) {
    const name = safeTypeName(pascalCase(component));
    if (messages.length < 2 || taken.has(name)) continue;
    for (const id of messages) out.set(id, { name, schema });
  }
  return out;
}

export async function emitEnvelopeTypes(envelope: EnvelopeModel, from: string): Promise<string> {
  const models = await renderModels([{ name: ENVELOPE_HEADERS_TYPE, schema: envelope.headers, alias: true }]);
  return `${banner(from)}\n\n${models.join('\n\n')}\n`;
}
