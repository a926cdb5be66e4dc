/**
 * Starts this repository's services as processes, wired together: each gets its own broker user
 * (from the applied topology), its own database (a PGlite directory, or a schema of one
 * PostgreSQL database), a port, and the URLs of the services it calls. Used by `npm start` and
 * the end-to-end tests.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { freePort } from '../src/local-cluster/free-port.js';
import { ServiceProcess } from '../src/service-kit/supervisor.js';
import { SERVICES, serviceEntry, type ServiceEntry } from './registry.js';

export interface BrokerUser {
  readonly username: string;
  readonly password: string;
  readonly vhost: string;
}

export type StackDatabase = { readonly kind: 'pglite'; readonly dir: string } | { readonly kind: 'postgres'; readonly url: string };

export interface StackOptions {
  /** Service ids to run (default: all in services/registry.ts). */
  readonly services?: readonly string[];
  /** `amqp://host:port` of the node(s), comma-separated for a cluster; the vhost is added per service. */
  readonly amqpBase: string;
  /** Broker credentials by service id, as applyTopology returns them. */
  readonly users: Readonly<Record<string, BrokerUser>>;
  readonly database: StackDatabase;
  /** `preferred`: each service's usual port when free (npm start); `free`: any free port (tests). */
  readonly ports?: 'preferred' | 'free';
  /** Extra environment for every service, and per service. */
  readonly env?: Readonly<Record<string, string>>;
  readonly serviceEnv?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly onLine?: (id: string, line: string, stream: 'stdout' | 'stderr') => void;
  /**
   * Run the compiled entries under dist/ on plain node even when this module runs from source
   * (`npm run bench:stack` compares both); by default a stack runs the entries the registry
   * gives, TypeScript under tsx or compiled JavaScript, the way this module itself runs.
   */
  readonly compiled?: boolean;
  /** How long each service may take to become ready (the supervisor's default otherwise). */
  readonly startTimeoutMs?: number;
}

export class Stack {
  readonly processes = new Map<string, ServiceProcess>();
  readonly urls: Record<string, string> = {};
  private readonly entries: ServiceEntry[];
  private readonly ports = new Map<string, number>();

  constructor(private readonly options: StackOptions) {
    this.entries = (options.services ?? SERVICES.map((s) => s.id)).map(serviceEntry);
  }

  /** Picks ports, prepares databases, starts every service and waits until all are ready. */
  async start(): Promise<void> {
    for (const [id, port] of await choosePorts(this.entries, this.options.ports ?? 'free')) {
      this.ports.set(id, port);
      this.urls[id] = `http://127.0.0.1:${port}`;
    }
    if (this.options.database.kind === 'pglite') await preparePgliteDirs(this.options.database.dir, this.entries.map((e) => e.id));
    for (const entry of this.entries) this.processes.set(entry.id, this.process(entry));
    const results = await Promise.allSettled([...this.processes.values()].map((p) => p.start()));
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (failed.length > 0) {
      await this.stop();
      throw new Error(`services failed to start:\n${failed.map((e) => e.message).join('\n')}`);
    }
  }

  service(id: string): ServiceProcess {
    const found = this.processes.get(id);
    if (!found) throw new Error(`${id} is not part of this stack`);
    return found;
  }

  /**
   * Starts `id` again (after kill() or stop()) on the same port, database and broker user;
   * `env` replaces its extra variables (e.g. to drop a fault injection).
   */
  async restart(id: string, env?: Readonly<Record<string, string>>): Promise<string> {
    const old = this.service(id);
    if (old.running) await old.stop();
    const fresh = this.process(serviceEntry(id), env);
    this.processes.set(id, fresh);
    return fresh.start();
  }

  /** Graceful stop of every service, in parallel. */
  async stop(timeoutMs = 30_000): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop(timeoutMs)));
  }

  /** The environment a service gets; exposed for tests that start one by hand. */
  environment(entry: ServiceEntry, extra?: Readonly<Record<string, string>>): Record<string, string> {
    const user = this.options.users[entry.id];
    if (!user) throw new Error(`the topology has no broker user for ${entry.id}: was it generated and applied?`);
    const schema = entry.id.replace(/[^a-z0-9]+/gi, '_').toLowerCase();
    const database: Record<string, string> =
      this.options.database.kind === 'postgres'
        ? { DATABASE_URL: this.options.database.url, DATABASE_SCHEMA: schema }
        : { PGLITE_DATA_DIR: join(this.options.database.dir, schema) };
    const urls = urlEnvironment(entry, this.urls);
    return {
      HOST: '127.0.0.1',
      PORT: String(this.ports.get(entry.id)),
      AMQP_URL: this.options.amqpBase
        .split(',')
        .map((base) => `${base.replace(/\/+$/, '')}/${encodeURIComponent(user.vhost)}`)
        .join(','),
      AMQP_USERNAME: user.username,
      AMQP_PASSWORD: user.password,
      ...database,
      ...urls,
      ...this.options.env,
      ...(extra ?? this.options.serviceEnv?.[entry.id] ?? {}),
    };
  }

  private process(entry: ServiceEntry, extra?: Readonly<Record<string, string>>): ServiceProcess {
    return new ServiceProcess({
      id: entry.id,
      main: this.options.compiled ? compiledEntry(entry.main) : entry.main,
      env: this.environment(entry, extra),
      ...(this.options.startTimeoutMs !== undefined ? { startTimeoutMs: this.options.startTimeoutMs } : {}),
      ...(this.options.onLine ? { onLine: (line: string, stream: 'stdout' | 'stderr') => this.options.onLine!(entry.id, line, stream) } : {}),
    });
  }
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `services/shop/order/main.ts` → `dist/services/shop/order/main.js` (`npm run build` writes it). */
export function compiledEntry(main: string): string {
  if (!main.endsWith('.ts')) return main;
  const compiled = join(ROOT, 'dist', relative(ROOT, main)).replace(/\.ts$/, '.js');
  if (!existsSync(compiled)) throw new Error(`${relative(ROOT, compiled)} is missing: run \`npm run build\` first`);
  return compiled;
}

/** A port per service: its preferred one when free (and `preferred` is asked for), else any free one. */
export async function choosePorts(entries: readonly ServiceEntry[], mode: 'preferred' | 'free'): Promise<Map<string, number>> {
  const ports = new Map<string, number>();
  for (const entry of entries) ports.set(entry.id, mode === 'preferred' && (await isFree(entry.preferredPort)) ? entry.preferredPort : await freePort());
  return ports;
}

/** The URL variables a service needs (PRODUCT_URL …), from the URLs of the others. */
export function urlEnvironment(entry: ServiceEntry, urls: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(entry.urls ?? {}).map(([variable, target]) => {
      const url = urls[target];
      if (!url) throw new Error(`${entry.id} needs ${target} (${variable}), which is not running`);
      return [variable, url];
    }),
  );
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * PGlite initialises a new data directory by running initdb in WebAssembly (seconds of CPU and
 * ~800 MB at peak, per service). Initialise one template and copy it for each service instead.
 */
export async function preparePgliteDirs(root: string, ids: readonly string[]): Promise<void> {
  const dirs = ids.map((id) => join(root, id.replace(/[^a-z0-9]+/gi, '_').toLowerCase()));
  const missing = dirs.filter((dir) => !existsSync(join(dir, 'PG_VERSION')));
  if (missing.length === 0) return;
  mkdirSync(root, { recursive: true });
  const template = join(root, '.template');
  if (!existsSync(join(template, 'PG_VERSION'))) {
    rmSync(template, { recursive: true, force: true });
    const db = await PGlite.create(template);
    await db.close();
  }
  for (const dir of missing) {
    rmSync(dir, { recursive: true, force: true });
    cpSync(template, dir, { recursive: true });
  }
}
