/**
 * The one reading of ajv's errors for people, used by the runtime (payloads, headers), the
 * service kit (environment configuration) and infra/ (the Pulumi stack configuration): each
 * error becomes the path of the value it is about and a sentence. ajv reports `required` and
 * `additionalProperties` on the parent object, so the property's name is appended to the path;
 * JSON-pointer escapes are undone; repeated problems are reported once.
 */

/** The part of ajv's ErrorObject read here (structural, so generated code need not import ajv). */
export interface SchemaErrorLike {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string | undefined;
}

export interface SchemaProblem {
  /** Property names and array indexes from the document's root; empty for the root itself. */
  readonly path: readonly string[];
  readonly keyword: string;
  /** `is required`, `is not allowed (unknown property)`, `must be one of "a", "b"`, ajv's own otherwise. */
  readonly message: string;
}

export function schemaProblems(errors: readonly SchemaErrorLike[] | null | undefined): SchemaProblem[] {
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const error of errors ?? []) {
    const problem = describe(error);
    const key = `${problem.path.join('\u0001')}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}

/** `/a~1b/0` → `['a/b', '0']`. */
export function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describe(error: SchemaErrorLike): SchemaProblem {
  const path = pointerSegments(error.instancePath);
  const { keyword } = error;
  switch (keyword) {
    case 'required':
      return { path: [...path, String(error.params['missingProperty'])], keyword, message: 'is required' };
    case 'additionalProperties':
      return { path: [...path, String(error.params['additionalProperty'])], keyword, message: 'is not allowed (unknown property)' };
    case 'enum': {
      const allowed = error.params['allowedValues'];
      const message = Array.isArray(allowed) ? `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` : (error.message ?? 'is not allowed');
      return { path, keyword, message };
    }
    default:
      return { path, keyword, message: error.message ?? `fails ${keyword}` };
  }
}
