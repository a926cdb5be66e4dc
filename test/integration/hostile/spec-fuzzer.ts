/**
 * A seeded mutation fuzzer for contracts: from one valid service document
 * (test/fixtures/hostile/fuzz-base.yaml) it derives hostile variants — YAML syntax errors,
 * type swaps, deleted and renamed keys, deep nesting, huge files, unicode and invalid bytes,
 * cyclic, dangling and escaping `$ref`s. Deterministic for a seed, so a failure names a mutant
 * that can be reproduced.
 */
import { parseDocument, isMap, isSeq, isScalar, type Document, type Node, YAMLMap, Scalar } from 'yaml';

export interface Mutant {
  readonly id: number;
  /** The operator that made it, e.g. `type-swap`. */
  readonly operator: string;
  /** What was done, for the failure message. */
  readonly detail: string;
  /** Files relative to the mutant's system directory (the service document is `svc.yaml`). */
  readonly files: ReadonlyMap<string, string | Uint8Array>;
}

/** mulberry32: small, fast, good enough to pick mutations reproducibly. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));

const SYNTAX_NOISE = [':', '{', '}', '[', ']', '"', "'", '\t', '&', '*', '|', '>', '- ', '#', '%', '@', '`', ',', '? ', '!', '&&', '*x', '\\'];
const UNICODE = ['\u202e', '\u200b', '\ufeff', '💥', '東京', 'Ω≈ç√', 'e\u0301', '\u0000', '\u001b[31m', '\ud800', '\uffff', 'ﷺ', '\u2028', '𝕏'.repeat(50)];

/** Every scalar and collection in the document with the path to reach it. */
function nodes(doc: Document): Array<{ path: (string | number)[]; node: Node }> {
  const out: Array<{ path: (string | number)[]; node: Node }> = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (isMap(node)) {
      out.push({ path, node });
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      out.push({ path, node });
      node.items.forEach((item, i) => walk(item, [...path, i]));
    } else if (isScalar(node)) {
      out.push({ path, node });
    }
  };
  walk(doc.contents, []);
  return out;
}

function otherType(rng: Rng, node: Node): unknown {
  const choices: unknown[] = [42, -1, 3.14, true, false, null, 'a string', [], [1, 'two'], {}, { nested: { deeper: 1 } }, '', 1e308];
  const current = isScalar(node) ? typeof node.value : isSeq(node) ? 'array' : 'object';
  const typeOf = (v: unknown) => (v === null ? 'object' : Array.isArray(v) ? 'array' : typeof v);
  const candidates = choices.filter((v) => typeOf(v) !== current || (current === 'object' && v === null));
  return pick(rng, candidates);
}

type Operator = (rng: Rng, base: string) => { detail: string; files: Map<string, string | Uint8Array> };

const single = (text: string | Uint8Array) => new Map<string, string | Uint8Array>([['svc.yaml', text]]);

function lines(text: string): string[] {
  return text.split('\n');
}

const OPERATORS: Record<string, Operator> = {
  'yaml-noise': (rng, base) => {
    const at = int(rng, 0, base.length - 1);
    const noise = pick(rng, SYNTAX_NOISE);
    return { detail: `inserted ${JSON.stringify(noise)} at offset ${at}`, files: single(base.slice(0, at) + noise + base.slice(at)) };
  },
  'yaml-delete': (rng, base) => {
    const at = int(rng, 0, base.length - 1);
    const length = int(rng, 1, 12);
    return { detail: `deleted ${length} characters at ${at}`, files: single(base.slice(0, at) + base.slice(at + length)) };
  },
  'yaml-indent': (rng, base) => {
    const all = lines(base);
    const line = int(rng, 1, all.length - 2);
    const shift = pick(rng, [' ', '   ', '\t', '    ']);
    all[line] = rng() < 0.5 ? shift + all[line] : all[line]!.replace(/^ {1,3}/, '');
    return { detail: `re-indented line ${line + 1}`, files: single(all.join('\n')) };
  },
  'yaml-truncate': (rng, base) => {
    const at = int(rng, 1, base.length - 2);
    return { detail: `truncated at ${at}`, files: single(base.slice(0, at)) };
  },
  'yaml-duplicate-line': (rng, base) => {
    const all = lines(base);
    const line = int(rng, 1, all.length - 2);
    all.splice(line, 0, all[line]!);
    return { detail: `duplicated line ${line + 1}`, files: single(all.join('\n')) };
  },
  'type-swap': (rng, base) => {
    const doc = parseDocument(base);
    const target = pick(rng, nodes(doc).filter((n) => n.path.length > 0));
    const value = otherType(rng, target.node);
    doc.setIn(target.path, doc.createNode(value));
    return { detail: `${target.path.join('.')} := ${JSON.stringify(value)}`, files: single(doc.toString()) };
  },
  'delete-key': (rng, base) => {
    const doc = parseDocument(base);
    const target = pick(rng, nodes(doc).filter((n) => n.path.length > 0));
    doc.deleteIn(target.path);
    return { detail: `deleted ${target.path.join('.')}`, files: single(doc.toString()) };
  },
  'rename-key': (rng, base) => {
    const doc = parseDocument(base);
    const maps = nodes(doc).filter((n) => isMap(n.node) && (n.node as YAMLMap).items.length > 0);
    const target = pick(rng, maps);
    const pair = pick(rng, (target.node as YAMLMap).items);
    const newName = pick(rng, ['x', '$ref', 'type', '', ' ', '__proto__', 'constructor', 'a.b', UNICODE[int(rng, 0, UNICODE.length - 1)]!]);
    const old = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    pair.key = new Scalar(newName);
    return { detail: `renamed ${[...target.path, old].join('.')} to ${JSON.stringify(newName)}`, files: single(doc.toString()) };
  },
  'deep-nesting': (rng, base) => {
    const depth = pick(rng, [64, 512, 5_000, 50_000]);
    const doc = parseDocument(base);
    const target = pick(rng, nodes(doc).filter((n) => n.path.length > 0 && isMap(n.node)));
    const flow = rng() < 0.5;
    // Block style is built as text; flow style as brackets. Both far deeper than any real spec.
    const nested = flow ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
    doc.setIn([...target.path, 'x-deep'], '__DEEP__');
    return { detail: `${depth}-deep ${flow ? 'arrays' : 'maps'} under ${target.path.join('.')}`, files: single(doc.toString().replace(/'?__DEEP__'?/, nested)) };
  },
  'deep-schema': (rng, base) => {
    const depth = pick(rng, [50, 300, 2_000]);
    let schema = '{ type: string }';
    for (let i = 0; i < depth; i++) schema = `{ type: object, properties: { p: ${schema} } }`;
    return { detail: `payload schema ${depth} levels deep`, files: single(base.replace("payload:\n        $ref: '#/components/schemas/Item'", `payload: ${schema}`)) };
  },
  huge: (rng, base) => {
    const kind = pick(rng, ['description', 'channels', 'enum', 'line']);
    if (kind === 'description') {
      const size = pick(rng, [1_000_000, 4_000_000]);
      return { detail: `${size}-character description`, files: single(base.replace('  description: The seed', `  description: "${'Ω long '.repeat(size / 7)}"\n  x-note: The seed`)) };
    }
    if (kind === 'line') return { detail: 'one 2 MB line', files: single(`${base}x-line: ${'y'.repeat(2_000_000)}\n`) };
    if (kind === 'enum') {
      const values = Array.from({ length: 20_000 }, (_, i) => `v${i}`).join(', ');
      return { detail: '20,000-value enum', files: single(base.replace('enum: [rebuild, purge]', `enum: [${values}]`)) };
    }
    const channels = Array.from(
      { length: 1_500 },
      (_, i) => `  extra${i}:\n    address: fuzz.extra.e${i}\n    messages:\n      ItemCreated:\n        $ref: '#/components/messages/ItemCreated'\n`,
    ).join('');
    return { detail: '1,500 extra channels with no operation', files: single(base.replace('channels:\n', `channels:\n${channels}`)) };
  },
  unicode: (rng, base) => {
    const doc = parseDocument(base);
    const scalars = nodes(doc).filter((n) => n.path.length > 0 && isScalar(n.node) && typeof (n.node as Scalar).value === 'string');
    const target = pick(rng, scalars);
    const noise = pick(rng, UNICODE);
    const value = String((target.node as Scalar).value);
    doc.setIn(target.path, rng() < 0.5 ? noise : value + noise + value);
    return { detail: `${target.path.join('.')} with ${JSON.stringify(noise)}`, files: single(doc.toString()) };
  },
  'unicode-bytes': (rng, base) => {
    const bytes = Buffer.from(base, 'utf8');
    const kind = pick(rng, ['invalid-utf8', 'utf16', 'bom-crlf', 'nul', 'random']);
    if (kind === 'utf16') return { detail: 'UTF-16LE with BOM', files: single(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(base, 'utf16le')])) };
    if (kind === 'bom-crlf') return { detail: 'UTF-8 BOM and CRLF line ends, a stray CR', files: single(`\ufeff${base.replace(/\n/g, '\r\n').replace('title: svc', 'title: s\rvc')}`) };
    if (kind === 'random') return { detail: 'random bytes', files: single(Uint8Array.from({ length: int(rng, 1, 4096) }, () => int(rng, 0, 255))) };
    const at = int(rng, 0, bytes.length - 1);
    const insert = kind === 'nul' ? Buffer.from([0]) : Buffer.from(pick(rng, [[0xc3], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0xe2, 0x82]]));
    return { detail: `${kind} byte(s) at ${at}`, files: single(Buffer.concat([bytes.subarray(0, at), insert, bytes.subarray(at)])) };
  },
  'cyclic-ref': (rng, base) => {
    const kind = pick(rng, ['self', 'pair', 'file-loop', 'message-self', 'trait-self']);
    if (kind === 'self') return { detail: 'schema Money refers to itself', files: single(base.replace(/ {4}Money:\n(?: {6}.*\n)+/, "    Money:\n      $ref: '#/components/schemas/Money'\n")) };
    if (kind === 'pair') {
      return {
        detail: 'Item → Money → Item, nothing else',
        files: single(base.replace(/ {4}Money:\n(?: {6}.*\n)+/, "    Money:\n      $ref: '#/components/schemas/Item'\n").replace(/ {4}Item:\n(?: {6}.*\n)+/, "    Item:\n      $ref: '#/components/schemas/Money'\n")),
      };
    }
    if (kind === 'message-self') return { detail: 'message ItemCreated refers to itself', files: single(base.replace(/ {4}ItemCreated:\n(?: {6}.*\n| {8}.*\n| {10}.*\n)+/, "    ItemCreated:\n      $ref: '#/components/messages/ItemCreated'\n")) };
    if (kind === 'trait-self') return { detail: 'a trait list that refers to itself', files: single(base.replace("        - $ref: '../_shared/envelope.yaml#/components/messageTraits/Envelope'\n      payload:\n        $ref", "        $ref: '#/components/messages/ItemCreated/traits'\n      payload:\n        $ref")) };
    const files = new Map<string, string | Uint8Array>([
      ['svc.yaml', base.replace("price: { $ref: '#/components/schemas/Money' }", "price: { $ref: './_loop-a.yaml#/A' }")],
      ['_loop-a.yaml', "A:\n  $ref: './_loop-b.yaml#/B'\n"],
      ['_loop-b.yaml', "B:\n  $ref: './_loop-a.yaml#/A'\n"],
    ]);
    return { detail: 'a $ref loop across two library files', files };
  },
  'bad-ref': (rng, base) => {
    const target = pick(rng, [
      '#/components/schemas/Nope',
      './missing.yaml#/A',
      '../../../../../../etc/passwd',
      '#/components/schemas/Item/properties/id/../../../..',
      '#',
      '',
      '%%%',
      '#/components/schemas/~2',
      './svc.yaml#/components/schemas/Item/properties/price/$ref',
      '/dev/zero',
      '.',
    ]);
    return { detail: `$ref ${JSON.stringify(target)}`, files: single(base.replace("price: { $ref: '#/components/schemas/Money' }", `price: { $ref: ${JSON.stringify(target)} }`)) };
  },
  'anchor-alias': (rng, base) => {
    const kind = pick(rng, ['undefined', 'self', 'merge']);
    if (kind === 'undefined') return { detail: 'alias to an undefined anchor', files: single(base.replace('x-owner: fuzz-team', 'x-owner: *nowhere')) };
    if (kind === 'self') return { detail: 'an anchor that contains its own alias', files: single(`${base}x-loop: &loop { a: *loop }\n`) };
    return { detail: 'merge key from a scalar', files: single(base.replace('  x-owner: fuzz-team', '  <<: 5\n  x-owner: fuzz-team')) };
  },
};

export const OPERATOR_NAMES = Object.keys(OPERATORS);

/** `count` mutants of `base`, spread evenly over the operators, reproducible from `seed`. */
export function* mutants(base: string, count: number, seed: number): Generator<Mutant> {
  const rng = random(seed);
  for (let id = 0; id < count; id++) {
    const operator = OPERATOR_NAMES[id % OPERATOR_NAMES.length]!;
    // Huge files cost seconds each: a handful proves the point.
    const effective = operator === 'huge' && id >= OPERATOR_NAMES.length * 6 ? 'type-swap' : operator;
    const { detail, files } = OPERATORS[effective]!(rng, base);
    yield { id, operator: effective, detail, files };
  }
}
