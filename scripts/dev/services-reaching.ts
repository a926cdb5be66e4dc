/**
 * Which services a regeneration concerns: those whose module graph — the relative imports from
 * their entry, followed through the repository's own files — reaches a file `generate` wrote.
 * That is what would change in a restarted process, so a contract edit restarts the services
 * that use the changed code and no others. Computed afresh each time: generated files may
 * import different files after an edit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** `from './x.js'`, `import './x.js'`, `import('./x.js')`: relative specifiers only (packages are not ours). */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The file a relative specifier loads: TypeScript for a `.js` written in TypeScript source, else as written. */
function resolveImport(from: string, specifier: string): string | undefined {
  const target = resolve(dirname(from), specifier);
  const candidates = target.endsWith('.js') ? [target.replace(/\.js$/, '.ts'), target] : [target, `${target}.ts`, `${target}/index.ts`];
  return candidates.find((file) => existsSync(file));
}

/** Every repository file `entry` loads, itself included. */
export function importClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // deleted meanwhile: nothing more to follow
    }
    for (const match of text.matchAll(IMPORT)) {
      const target = resolveImport(file, match[1]!);
      if (target && !seen.has(target)) pending.push(target);
    }
  }
  return seen;
}

/** The ids of `services` whose entry reaches one of `written` (absolute paths), in the order given. */
export function servicesReaching(written: readonly string[], services: readonly { readonly id: string; readonly main: string }[]): string[] {
  if (written.length === 0) return [];
  return services.filter((service) => {
    const closure = importClosure(service.main);
    return written.some((file) => closure.has(file));
  }).map((s) => s.id);
}
