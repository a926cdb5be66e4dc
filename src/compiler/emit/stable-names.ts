/**
 * Renames the local variables of ajv's standalone functions after what they hold rather than
 * when they were declared. ajv numbers a function's locals in order (err0, err1, data2, …), so
 * adding one property renumbers every local after it and a one-field edit rewrites hundreds of
 * lines of the message's validator. Here each local is named by a short hash of its own
 * declaration line (earlier locals already renamed, later ones masked) and of the line after
 * it: an edit changes the names, and so the lines, of what it touches, not of what follows.
 *
 * Pure text work on ajv's output as it writes it (one statement per line with `code.lines`,
 * double-quoted string literals, functions ending `return errors === 0;` then `}`): a name is
 * renamed only where it is declared in the same function, outside string literals and not as a
 * property (`data.err0` stays), so anything this does not recognise is left as ajv wrote it.
 */
import { createHash } from 'node:crypto';

/** An identifier ending in digits, not a property access, not part of a longer name. */
const NUMBERED = /(?<![\w$.])([A-Za-z_$][A-Za-z_$]*?)(\d+)(?![\w$])/g;
/** `const err3 =`, `let data2 =`, `var valid0 =`, `for(const key0 in`, `for(let i0=0`. */
const DECLARATION = /(?<![\w$.])(?:const|let|var)\s+([A-Za-z_$][A-Za-z_$]*?\d+)(?![\w$])/g;
/** Double-quoted string literals (the only ones ajv writes in function bodies). */
const STRING = /("(?:[^"\\\n]|\\.)*")/;

export function stableLocalNames(code: string): string {
  const lines = code.split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!/^function [\w$]+\(/.test(lines[i]!)) {
      out.push(lines[i++]!);
      continue;
    }
    let end = i + 1;
    while (end < lines.length && !(lines[end] === '}' && lines[end - 1] === 'return errors === 0;')) end++;
    if (end >= lines.length) return code; // not the shape expected: leave ajv's names
    out.push(...renameLocals(lines.slice(i, end + 1)));
    i = end + 1;
  }
  return out.join('\n');
}

/** Applies `replace` to the code (not the string literals) of `line`. */
function mapCode(line: string, replace: (code: string) => string): string {
  return line
    .split(STRING)
    .map((part, index) => (index % 2 === 1 ? part : replace(part)))
    .join('');
}

function renameLocals(fn: readonly string[]): string[] {
  const declaredAt = new Map<string, number>();
  fn.forEach((line, index) =>
    mapCode(line, (code) => {
      for (const match of code.matchAll(DECLARATION)) if (!declaredAt.has(match[1]!)) declaredAt.set(match[1]!, index);
      return code;
    }),
  );
  if (declaredAt.size === 0) return [...fn];
  const renamed = new Map<string, string>();
  const taken = new Set<string>();
  // What a line says with known locals renamed and the others (this one, later ones) masked.
  const canonical = (line: string, self: string) =>
    mapCode(line, (code) =>
      code.replace(NUMBERED, (name: string, prefix: string) => {
        if (!declaredAt.has(name)) return name;
        return name === self ? `${prefix}#` : (renamed.get(name) ?? `${prefix}#`);
      }),
    );
  for (const [name, index] of [...declaredAt].sort((a, b) => a[1] - b[1])) {
    const prefix = name.replace(/\d+$/, '');
    const digest = createHash('sha256')
      .update(`${canonical(fn[index]!, name)}\n${canonical(fn[index + 1] ?? '', name)}`)
      .digest('hex');
    let next = `${prefix}_${digest.slice(0, 6)}`;
    for (let n = 2; taken.has(next); n++) next = `${prefix}_${digest.slice(0, 6)}_${n}`;
    taken.add(next);
    renamed.set(name, next);
  }
  return fn.map((line) => mapCode(line, (code) => code.replace(NUMBERED, (name: string) => renamed.get(name) ?? name)));
}
