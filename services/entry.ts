/**
 * What a service contributes to services/registry.ts: where its process entry is, how to load
 * its definition in-process, and which other services' URLs it needs in its environment.
 */
import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '../src/service-kit/index.js';

export interface ServiceEntry {
  /** `system/service`, as in the contracts. */
  readonly id: string;
  /** The process entry: `main.ts` when this module runs from source (tsx), the compiled `main.js` under dist/ otherwise. */
  readonly main: string;
  /** The definition, for running it inside another process (the in-memory transport). */
  load(): Promise<ServiceDefinition<any>>;
  /** Environment variable → the service whose base URL it must hold. */
  readonly urls?: Readonly<Record<string, string>>;
  /** Port `npm start` prefers, so the demo's URLs stay the same from run to run. */
  readonly preferredPort: number;
}

/**
 * The process entry `path` (relative to `base`, a system's registry module): compiled, the
 * registry is under dist/ and the entries beside it are .js too.
 */
export const entryPath = (base: string, path: string): string =>
  fileURLToPath(new URL(base.endsWith('.ts') ? path : path.replace(/\.ts$/, '.js'), base));
