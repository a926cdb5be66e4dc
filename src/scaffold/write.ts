/**
 * Writes a scaffold plan under a root directory: creates the files that do not exist and leaves
 * every existing file as it is — re-running after the contract grows adds only what is new.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PlannedFile, ScaffoldPlan } from './plan.js';

export interface ScaffoldResult {
  readonly created: readonly PlannedFile[];
  /** Planned files that existed already: untouched. */
  readonly kept: readonly PlannedFile[];
}

export async function writeScaffold(plan: ScaffoldPlan, root: string): Promise<ScaffoldResult> {
  const created: PlannedFile[] = [];
  const kept: PlannedFile[] = [];
  for (const file of plan.files) {
    const target = join(root, file.path);
    if (existsSync(target)) {
      kept.push(file);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    // 'wx': fail rather than replace a file that appeared since the check.
    await writeFile(target, file.content, { flag: 'wx' });
    created.push(file);
  }
  return { created, kept };
}

/** What to tell the person who ran it: the files created, and the handler stubs left to write. */
export function describeScaffold(plan: ScaffoldPlan, result: ScaffoldResult): string {
  const lines: string[] = [];
  const fresh = result.kept.length === 0;
  if (result.created.length === 0) {
    lines.push(`${plan.service}: nothing to add — every file of the layout exists and every received message has its handler file.`);
    return lines.join('\n');
  }
  lines.push(fresh ? `${plan.service}: created` : `${plan.service}: added (existing files left as they are)`);
  for (const file of result.created) lines.push(`  + ${file.path}`);
  const stubs = result.created.filter((f) => f.stub);
  if (stubs.length > 0) {
    lines.push('', 'Handler stubs to write (tsc fails on each until it returns its handler):');
    for (const file of stubs) lines.push(`  ${file.stub!.operation} (${file.stub!.messages.join(', ')}): ${file.path}`);
    const handlersFile = plan.files.find((f) => f.path.endsWith('/handlers.ts'));
    if (!fresh && handlersFile && result.kept.includes(handlersFile)) {
      lines.push('', `Add each to ${handlersFile.path} as well (tsc names the missing members):`);
      for (const file of stubs) lines.push(`  ${file.stub!.operation}: ${file.stub!.operation}(kit, repo),`);
    }
  }
  if (fresh) {
    lines.push('', 'Next: write the stubs, add the service to services/registry.ts, then `npm run typecheck` and');
    lines.push(`  npx vitest run ${plan.files.at(-1)!.path} --project unit`);
  }
  return lines.join('\n');
}
