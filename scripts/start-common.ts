/** What both ways of `npm start` share: output, the event catalog, the closing summary. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pc from 'picocolors';
import type { Urls } from './demo.js';

export const STATE_DIR = resolve('.eventplane');
export const say = (line = '') => process.stdout.write(`${line}\n`);
export const step = (line: string) => say(`${pc.cyan('▸')} ${line}`);

/**
 * Ctrl-C (or SIGTERM) runs `stop` once and exits. One Ctrl-C can arrive more than once (npm and
 * this process share the terminal's process group); only a second press, a moment later, means
 * "stop waiting": `force`, then exit 130.
 */
export function stopOnInterrupt(stop: () => Promise<void>, force: () => void = () => {}): void {
  let interruptedAt = 0;
  const onSignal = () => {
    if (interruptedAt > 0) {
      if (Date.now() - interruptedAt < 1_000) return;
      force();
      process.exit(130);
    }
    interruptedAt = Date.now();
    void stop().then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export interface BrokerSummary {
  readonly describe: string;
  readonly management?: { readonly url: string; readonly user: string; readonly credentials?: string };
  /** A node of this machine (the local-cluster commands apply). */
  readonly local?: boolean;
}

/** Builds the event catalog into .eventplane/catalog and serves it; absent when src/catalog is not there. */
export async function serveCatalog(): Promise<{ url: string; close(): Promise<void> } | undefined> {
  // index.ts from source, index.js compiled (dist/scripts/ beside dist/src/).
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  if (!existsSync(new URL(`../src/catalog/index.${extension}`, import.meta.url))) return undefined;
  const { buildCatalog, serveCatalog: serve } = await import('../src/catalog/index.js');
  const outDir = join(STATE_DIR, 'catalog');
  step('building the event catalog…');
  const built = await buildCatalog({ specDir: 'asyncapi', outDir });
  if (!built.ok) {
    say(pc.yellow('  the catalog was not built (the contracts have errors; `npm run generate` shows them)'));
    return undefined;
  }
  return serve(outDir, 0);
}

export function printSummary(options: { broker?: BrokerSummary; urls: Urls; catalog?: string }) {
  const rows: Array<[string, string]> = [];
  if (options.broker?.management) {
    const { url, user, credentials } = options.broker.management;
    rows.push(['RabbitMQ management', `${url}  ${pc.dim(`(user ${user}${credentials ? `; password in ${credentials}` : ''})`)}`]);
  }
  if (options.catalog) rows.push(['event catalog', options.catalog]);
  for (const [id, url] of Object.entries(options.urls)) rows.push([id, `${url}  ${pc.dim('API docs /docs · /readyz · /metrics')}`]);
  if (options.urls['clinic/notifications']) rows.push(['notifications sent', join('.eventplane', 'notifications.jsonl')]);
  if (options.urls['saas/email']) rows.push(['saas mail received', `${join('.eventplane', 'mail')}/  ${pc.dim('(local SMTP sink: each mail as .eml and .json)')}`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  say(pc.bold(`eventplane is running on ${options.broker?.describe ?? 'the in-memory transport (one process)'}. Ctrl-C stops everything it started.`));
  for (const [label, value] of rows) say(`  ${label.padEnd(width)}  ${value}`);
  if (options.broker?.local) say(pc.dim('  also: npx eventplane local-cluster status · npx eventplane dlq list <queue>'));
}
