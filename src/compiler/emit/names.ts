/** Identifiers and literals for generated TypeScript. */

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with as implements interface ' +
    'let package private protected public static yield any boolean constructor declare get module require number set string ' +
    'symbol type from of unknown never object undefined await async'
  ).split(' '),
);

/** Global types a generated type must not shadow (generated code uses them). */
const GLOBAL_TYPES = new Set(['Array', 'Record', 'Partial', 'Readonly', 'Promise', 'Date', 'Object', 'String', 'Number', 'Boolean', 'Map', 'Set', 'Error', 'Function', 'Symbol', 'ReadonlyArray']);

/** Words of an identifier-ish string: `order-history.v2` → ['order', 'history', 'v2']. */
function words(value: string): string[] {
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
}

/** `order-history` → `OrderHistory`; `OrderCreatedV2` stays. */
export function pascalCase(value: string): string {
  const result = words(value)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return /^[0-9]/.test(result) ? `_${result}` : result || '_';
}

/** `order-history` → `orderHistory`. */
export function camelCase(value: string): string {
  const pascal = pascalCase(value);
  return pascal.startsWith('_') ? pascal : pascal[0]!.toLowerCase() + pascal.slice(1);
}

export function isIdentifier(value: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(value) && !RESERVED.has(value);
}

/** A generated type name that neither is a keyword nor shadows a global type. */
export function safeTypeName(value: string): string {
  const name = isIdentifier(value) ? value : pascalCase(value);
  return GLOBAL_TYPES.has(name) || RESERVED.has(name) ? `${name}Model` : name;
}

/** A value identifier from a name that may not be one (`onPaymentSucceeded` stays). */
export function identifier(value: string): string {
  if (isIdentifier(value)) return value;
  const camel = camelCase(value);
  return RESERVED.has(camel) ? `${camel}_` : camel;
}

/** A property key: bare when it can be, quoted otherwise. */
export function propertyKey(value: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(value) ? value : tsString(value);
}

/** A single-quoted TypeScript string literal. */
export function tsString(value: string): string {
  return `'${value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')}'`;
}

/** Text safe inside a JSDoc block comment. */
export function docText(value: string): string {
  return value.replace(/\*\//g, '*\\/').replace(/\r?\n/g, '\n * ');
}

/** Unique names in one scope: the first claim of a name keeps it, later ones get 2, 3, … */
export class NameScope {
  private readonly taken = new Set<string>();
  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name);
  }
  claim(base: string): string {
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}${i}`;
    this.taken.add(name);
    return name;
  }
}
