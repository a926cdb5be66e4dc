/**
 * The platform's `x-` extensions (docs/CONTRACTS.md): where each may appear, its JSON Schema,
 * and validation that maps every problem to the key or value at fault. A typo'd extension is
 * an error, never silently ignored: a misspelt `x-retry` would otherwise ship a consumer with
 * the wrong retry policy.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { DiagnosticSink } from '../diagnostics.js';
import type { PathSegment } from '../load/pointer.js';
import { isRecord } from '../load/pointer.js';
import type { SourceFile } from '../load/source.js';
import { pointerSegments } from '../../shared/schema-errors.js';

export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$';
const duration = { type: ['integer', 'string'], minimum: 1, pattern: DURATION_PATTERN };
const count = { type: 'integer', minimum: 1 };
const queueName = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' };

/** One routing-key word: a topic binding key splits on '.', and '*' and '#' are its wildcards. */
const KEY_WORD = '^[^.*#]+$';
const keyWord = { type: 'string', minLength: 1, pattern: KEY_WORD };
const DURATION_KEYS = new Set(['messageTtl', 'initialDelay', 'maxDelay']);

/** The extensions each kind of object may carry. */
export const EXTENSIONS = {
  info: {
    'x-owner': { type: 'string', minLength: 1, pattern: '\\S' },
  },
  message: {
    'x-version': { type: 'string', pattern: '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$' },
  },
  operation: {
    'x-queue': {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: queueName,
        type: { enum: ['quorum', 'classic'] },
        maxLength: count,
        maxLengthBytes: count,
        overflow: { enum: ['reject-publish', 'reject-publish-dlx'] },
        deliveryLimit: count,
        messageTtl: duration,
        prefetch: { type: 'integer', minimum: 1, maximum: 65535 },
        concurrency: { type: 'integer', minimum: 1, maximum: 10000 },
        depthAlert: count,
      },
    },
    'x-retry': {
      type: 'object',
      additionalProperties: false,
      properties: {
        retries: { type: 'integer', minimum: 0, maximum: 50 },
        initialDelay: duration,
        maxDelay: duration,
        multiplier: { type: 'number', exclusiveMinimum: 1, maximum: 100 },
      },
    },
    'x-bind': {
      type: 'object',
      minProperties: 1,
      // One value or a list of values (pattern applies to a string, items to a list).
      additionalProperties: { type: ['string', 'array'], minLength: 1, pattern: KEY_WORD, items: keyWord, minItems: 1, uniqueItems: true },
    },
    'x-dead-letter': {
      type: 'object',
      additionalProperties: false,
      properties: {
        queue: queueName,
        maxLength: count,
        messageTtl: duration,
        warnAt: count,
        pageAt: count,
      },
    },
  },
  channel: {},
  document: {},
} as const;

export type ExtensionSite = keyof typeof EXTENSIONS;

let validators: Record<ExtensionSite, ValidateFunction> | undefined;

function compiled(): Record<ExtensionSite, ValidateFunction> {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
    const compile = (properties: object) => ajv.compile({ type: 'object', properties });
    validators = {
      info: compile(EXTENSIONS.info),
      message: compile(EXTENSIONS.message),
      operation: compile(EXTENSIONS.operation),
      channel: compile(EXTENSIONS.channel),
      document: compile(EXTENSIONS.document),
    };
  }
  return validators;
}

/**
 * Checks the `x-` keys of the object at `path` in `source`: unknown keys are reported
 * (`ep-extension-unknown`, a house rule) and ignored; values that do not fit their schema are
 * errors (`ep-extension`). Returns true when the known ones are valid.
 */
export function checkExtensions(
  site: ExtensionSite,
  source: SourceFile,
  path: readonly PathSegment[],
  value: unknown,
  sink: DiagnosticSink,
): boolean {
  if (!isRecord(value)) return true;
  const known = Object.keys(EXTENSIONS[site]);
  const extensions: Record<string, unknown> = {};
  let ok = true;
  for (const [key, child] of Object.entries(value)) {
    if (!key.startsWith('x-')) continue;
    if (!known.includes(key)) {
      const allowed = known.length > 0 ? `; ${site} objects take ${known.join(', ')}` : `; ${site} objects take no x- keys`;
      // A house rule: foreign documents carry extensions of their own (ignored, with a warning).
      sink.error(source.locate([...path, key], 'key'), `unknown extension "${key}"${didYouMean(key, allKnownKeys())}${allowed}`, 'ep-extension-unknown');
      continue;
    }
    extensions[key] = child;
  }
  const validate = compiled()[site];
  if (!validate(extensions)) {
    ok = false;
    for (const error of validate.errors ?? []) report(error, site, source, path, sink);
  }
  return ok;
}

function report(error: ErrorObject, site: ExtensionSite, source: SourceFile, base: readonly PathSegment[], sink: DiagnosticSink): void {
  const segments = pointerSegments(error.instancePath);
  const where = segments.join('.');
  const last = segments[segments.length - 1] ?? '';
  let message: string;
  let at = source.locate([...base, ...segments], 'value');
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const allowed = Object.keys(propertiesAt(site, segments));
      message = `unknown key "${key}" in ${where}${didYouMean(key, allowed)}; it takes ${allowed.join(', ')}`;
      at = source.locate([...base, ...segments, key], 'key');
      break;
    }
    case 'enum':
      message = `${where} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      if (last === 'overflow') message += ' (drop-head is refused: it silently loses messages)';
      break;
    case 'type':
    case 'pattern':
    case 'minimum':
      if (DURATION_KEYS.has(last)) {
        message = `${where} must be a duration: milliseconds (a positive integer) or a string such as 500ms, 1s, 5m, 2h, 7d`;
        break;
      }
      message = `${where} ${error.message ?? 'is invalid'}`;
      if (error.keyword === 'pattern' && where === 'x-version') message = 'x-version must be a semantic version such as 1.2.0';
      if (error.keyword === 'pattern' && where.startsWith('x-bind.')) {
        message = `${where} must be one routing-key word (no '.', '*' or '#'); leave the parameter out to bind every value`;
      }
      break;
    default:
      message = `${where} ${error.message ?? 'is invalid'}`;
  }
  sink.error(at, message, 'ep-extension');
}

function propertiesAt(site: ExtensionSite, segments: readonly string[]): Record<string, unknown> {
  let schema: unknown = { properties: EXTENSIONS[site] };
  for (const segment of segments) {
    schema = isRecord(schema) && isRecord(schema.properties) ? schema.properties[segment] : undefined;
  }
  return isRecord(schema) && isRecord(schema.properties) ? schema.properties : {};
}

function allKnownKeys(): string[] {
  return Object.values(EXTENSIONS).flatMap((site) => Object.keys(site));
}

/** `; did you mean "x-retry"?` when a known key is within two edits. */
export function didYouMean(key: string, candidates: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(key, candidate);
    if (d < bestDistance && d > 0) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ? ` (did you mean "${best}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
