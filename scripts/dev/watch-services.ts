/**
 * `npm run dev`'s loop: `generate --watch` (the same run and report as the CLI's) and, after a
 * run that wrote files, a restart of each running service whose code reaches one of them (see
 * services-reaching.ts). Restarts run one after another and never overlap the next batch; one
 * that fails is reported and the watch goes on. A changed topology is only reported: applying
 * it to a running broker is `npm start`'s job.
 */
import { resolve } from 'node:path';
import { reportWatchRun } from '../../src/cli/watch-report.js';
import { errorMessage } from '../../src/compiler/load/source.js';
import { watchContracts, type Watcher } from '../../src/compiler/watch.js';
import { servicesReaching } from './services-reaching.js';

export interface WatchServicesOptions {
  readonly services: readonly { readonly id: string; readonly main: string }[];
  readonly restart: (id: string) => Promise<unknown>;
  readonly say: (line: string) => void;
  readonly specDir?: string;
  readonly outDir?: string;
  readonly cwd?: string;
  readonly cacheDir?: string | false;
  /** After a batch of restarts (for whoever waits on them). */
  readonly onRestarted?: (ids: readonly string[]) => void;
}

export function watchServices(options: WatchServicesOptions): Watcher {
  const { say, specDir = 'asyncapi', outDir = 'generated', cwd = process.cwd() } = options;
  let restarts = Promise.resolve();
  const watcher = watchContracts({
    specDir,
    outDir,
    cwd,
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    onRun(outcome, changed) {
      reportWatchRun(outcome, changed, outDir, say, say);
      const written = outcome.result?.written;
      if (!written) return;
      const files = [...written.written, ...written.deleted];
      if (files.includes('topology.json')) say('the topology changed: restart `npm run dev` to apply it to the broker');
      const ids = servicesReaching(
        files.map((file) => resolve(cwd, outDir, file)),
        options.services,
      );
      if (ids.length === 0) return;
      restarts = restarts.then(async () => {
        say(`restarting ${ids.join(', ')}: their generated code changed`);
        for (const id of ids) {
          try {
            await options.restart(id);
          } catch (error) {
            say(`${id} did not restart: ${errorMessage(error)}`);
          }
        }
        options.onRestarted?.(ids);
      });
    },
  });
  return {
    ready: watcher.ready,
    async close() {
      await watcher.close();
      await restarts;
    },
  };
}
