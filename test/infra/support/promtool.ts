import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * Prometheus' own rule checker and unit-test runner (Debian's `prometheus` package ships
 * it), so alert expressions are parsed and evaluated by Prometheus itself, not by a guess.
 */
export function promtool(args: string[], cwd: string): { ok: boolean; output: string } {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) {
    throw new Error(`promtool could not run (${result.error.message}); install it with \`apt-get install -y prometheus\``);
  }
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** Writes files (objects as YAML) into a fresh directory and returns it. */
export function writeYamlFiles(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ep-promtool-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), stringify(content, { lineWidth: 0 }));
  return dir;
}

/** Renders the annotation templates the unit tests compare: `{{ $value }}` and `{{ $labels.x }}` only. */
export function renderAnnotations(annotations: Record<string, string>, value: number, labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(annotations).map(([key, template]) => {
      const rendered = template
        .replaceAll('{{ $value }}', String(value))
        .replace(/\{\{ \$labels\.([a-z_]+) \}\}/g, (_, name: string) => labels[name] ?? '');
      if (rendered.includes('{{')) throw new Error(`annotation ${key} uses a template this test cannot render: ${template}`);
      return [key, rendered];
    }),
  );
}
