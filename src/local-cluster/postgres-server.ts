/**
 * A throwaway PostgreSQL server from Debian's postgresql package: initdb into a temporary
 * directory, start on a free 127.0.0.1 port with the unix socket inside that directory, stop by
 * PID. `npm start` and `npm run bench:stack` serve every service from one (a schema each), the
 * way they start the local broker; the integration global setup, the chaos suite and the outbox
 * benchmark start one too.
 *
 * As root the server runs as the `postgres` user (PostgreSQL refuses to run as root), so the
 * directory is handed to that user; any other user runs it as themselves. The superuser gets a random password (scram-sha-256); nothing listens
 * beyond loopback.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const execFileAsync = promisify(execFile);
const POSTGRESQL_LIB = '/usr/lib/postgresql';

export interface PostgresServerOptions {
  /**
   * false (the default for tests) turns fsync and synchronous commit off: the tests kill
   * clients, never the server, so durability against power loss buys nothing but time.
   * Benchmarks pass true to measure what production would see.
   */
  readonly durable?: boolean;
}

export interface PostgresServer {
  /** Superuser URL to the `postgres` database. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  /** URL of another database on this server, same credentials. */
  databaseUrl(database: string): string;
  stop(): Promise<void>;
}

/** Whether Debian's postgresql package (initdb, pg_ctl) is installed. */
export function postgresInstalled(): boolean {
  try {
    postgresBinDir();
    return true;
  } catch {
    return false;
  }
}

/** The newest PostgreSQL major installed, e.g. `/usr/lib/postgresql/15/bin`. */
export function postgresBinDir(): string {
  const majors = existsSync(POSTGRESQL_LIB)
    ? readdirSync(POSTGRESQL_LIB)
        .filter((entry) => existsSync(join(POSTGRESQL_LIB, entry, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) {
    throw new Error('PostgreSQL is not installed: `apt-get install -y postgresql` (a local server is started from it)');
  }
  return join(POSTGRESQL_LIB, majors[0]!, 'bin');
}

type RunAs = { kind: 'runuser' } | { kind: 'self' };

function runAs(): RunAs {
  return process.getuid?.() === 0 ? { kind: 'runuser' } : { kind: 'self' };
}

async function run(as: RunAs, command: string, args: string[]): Promise<string> {
  const [file, argv] = as.kind === 'runuser' ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  try {
    const { stdout } = await execFileAsync(file, argv, { timeout: 120_000, cwd: '/' });
    return stdout;
  } catch (error) {
    const detail = error as { stderr?: string; message: string };
    throw new Error(`${command} failed: ${detail.stderr?.trim() || detail.message}`, { cause: error });
  }
}

function chownToPostgres(path: string): void {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(path, uid, gid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startPostgres(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const as = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'eventplane-pg-'));
  const dataDir = join(dir, 'data');
  const passwordFile = join(dir, 'pwfile');
  const password = randomBytes(18).toString('base64url');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (as.kind === 'runuser') {
    chownToPostgres(dir);
    chownToPostgres(passwordFile);
  }
  chmodSync(dir, 0o700);
  try {
    await run(as, join(bin, 'initdb'), [
      '-D', dataDir, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${passwordFile}`,
      '-E', 'UTF8', '--locale=C', '--no-sync',
    ]);
    rmSync(passwordFile);
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${dir}`,
      '-c max_connections=200',
      ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ].join(' ');
    await run(as, join(bin, 'pg_ctl'), ['-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', settings, 'start']);
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`PostgreSQL started but wrote no pid in ${dataDir}`);
    const databaseUrl = (database: string) =>
      `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    return {
      url: databaseUrl('postgres'),
      port,
      pid,
      dir,
      databaseUrl,
      stop: () => stopPostgres(pid, dir),
    };
  } catch (error) {
    const log = join(dir, 'server.log');
    const tail = existsSync(log) ? `\n${readFileSync(log, 'utf8').split('\n').slice(-20).join('\n')}` : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}${tail}`, { cause: error });
  }
}

/** Fast shutdown (SIGINT: abort transactions, checkpoint, exit), escalating to SIGKILL. */
async function stopPostgres(pid: number, dir: string): Promise<void> {
  if (isAlive(pid)) {
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + 30_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
}
