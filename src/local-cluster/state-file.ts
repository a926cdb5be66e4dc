import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { LocalClusterState } from './local-cluster.js';

/**
 * What `local-cluster up` leaves behind so `status`, `down`, `dlq` and `npm start` can find the
 * cluster again: node ports and directories, the administrator and the per-service users.
 *
 * It holds credentials of a throwaway local broker, so it lives in the git-ignored
 * `.eventplane/` directory with mode 0600 — the same standing as a kubeconfig or ~/.pgpass —
 * and nothing prints its passwords.
 */
export interface LocalClusterRecord extends LocalClusterState {
  readonly createdAt: string;
  readonly topologyFile?: string;
  /** Service id → broker credentials and vhost, as applied from the topology. */
  readonly services: Readonly<Record<string, { readonly username: string; readonly password: string; readonly vhost: string }>>;
}

export function stateFilePath(cwd = process.cwd()): string {
  return resolve(cwd, '.eventplane', 'local-cluster.json');
}

export function readClusterRecord(file = stateFilePath()): LocalClusterRecord | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LocalClusterRecord;
}

export function writeClusterRecord(record: LocalClusterRecord, file = stateFilePath()): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

export function removeClusterRecord(file = stateFilePath()): void {
  rmSync(file, { force: true });
}

/** Node data goes under the system temp dir: the rabbitmq user may not traverse the project path. */
export function defaultNodeDir(cwd = process.cwd()): string {
  const slug = resolve(cwd).replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '').slice(-60);
  return join('/tmp', `eventplane-local-${slug}`);
}
