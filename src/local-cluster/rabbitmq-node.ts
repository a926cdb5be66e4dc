import { spawn, execFile, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RABBITMQ_BIN, RABBITMQ_HOME, requireRabbitmq, type RunAs } from './rabbitmq-install.js';
import { ManagementClient, type ManagementCredentials } from '../broker/management-client.js';

const execFileAsync = promisify(execFile);

export interface NodePorts {
  readonly amqp: number;
  readonly management: number;
  readonly prometheus: number;
  readonly dist: number;
}

export interface RabbitNodeSpec {
  /** Short name; the Erlang node is `<name>@localhost`. */
  readonly name: string;
  /** Directory owned by this node: config, mnesia, logs, pid file. */
  readonly dir: string;
  readonly ports: NodePorts;
  /** Definitions loaded at boot (the admin user lives here, so no password sits in a config file). */
  readonly bootDefinitionsFile: string;
  /** Full node names of the cluster this node forms with (classic_config peer discovery). */
  readonly peers?: readonly string[];
  /** Extra rabbitmq.conf lines after the node's own (e.g. a configuration rendered for production). */
  readonly extraConfig?: readonly string[];
  /** The epmd the node and its CLI tools register with / look it up in. */
  readonly epmdPort: number;
}

/** One local RabbitMQ node run from the machine's rabbitmq-server, bound to 127.0.0.1. */
export class RabbitNode {
  readonly nodeName: string;
  private readonly runAs: RunAs;

  constructor(readonly spec: RabbitNodeSpec) {
    this.runAs = requireRabbitmq();
    this.nodeName = `${spec.name}@localhost`;
  }

  get pidFile(): string {
    return join(this.spec.dir, 'rabbit.pid');
  }

  get logFile(): string {
    return join(this.spec.dir, 'log', `${this.nodeName}.log`);
  }

  /** Writes the node's config; idempotent, so a stopped node can be started again on its data. */
  prepare(): void {
    const { dir, ports, peers, bootDefinitionsFile, extraConfig } = this.spec;
    mkdirSync(join(dir, 'log'), { recursive: true });
    mkdirSync(join(dir, 'mnesia'), { recursive: true });
    const conf = [
      `listeners.tcp.1 = 127.0.0.1:${ports.amqp}`,
      'management.tcp.ip = 127.0.0.1',
      `management.tcp.port = ${ports.management}`,
      'prometheus.tcp.ip = 127.0.0.1',
      `prometheus.tcp.port = ${ports.prometheus}`,
      `load_definitions = ${bootDefinitionsFile}`,
      'log.file.level = warning',
      'log.console = false',
      ...(peers && peers.length > 1
        ? [
            'cluster_formation.peer_discovery_backend = classic_config',
            ...peers.map((peer, i) => `cluster_formation.classic_config.nodes.${i + 1} = ${peer}`),
          ]
        : []),
      ...(extraConfig ?? []),
    ];
    writeFileSync(join(dir, 'rabbitmq.conf'), `${conf.join('\n')}\n`);
    writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_management,rabbitmq_prometheus].\n');
    if (this.runAs.kind === 'runuser') chownTree(dir);
  }

  private environment(): Record<string, string> {
    const { dir, ports } = this.spec;
    return {
      HOME: RABBITMQ_HOME,
      RABBITMQ_NODENAME: this.nodeName,
      RABBITMQ_USE_LONGNAME: 'false',
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(ports.amqp),
      RABBITMQ_DIST_PORT: String(ports.dist),
      RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(dir, 'log'),
      RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
      RABBITMQ_PID_FILE: this.pidFile,
      ERL_EPMD_ADDRESS: '127.0.0.1',
      ERL_EPMD_PORT: String(this.spec.epmdPort),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    };
  }

  /** Starts the server detached (it outlives this process until stopped); resolves once spawned. */
  start(): void {
    // A node killed with SIGKILL leaves its pid file behind; waitUntilRunning would read the dead
    // pid and report the new start as failed.
    if (!this.isProcessAlive()) rmSync(this.pidFile, { force: true });
    this.prepare();
    const out = openSync(join(this.spec.dir, 'server.out'), 'a');
    const env = this.environment();
    const server = `${RABBITMQ_BIN}/rabbitmq-server`;
    // runuser applies PAM's open-files default of 1024, which a node with hundreds of quorum
    // queues exhausts (it then stops accepting connections); raise the soft limit to the hard one.
    const launch = ['sh', '-c', 'ulimit -Sn "$(ulimit -Hn)" && exec "$0"', server];
    const [command, args] =
      this.runAs.kind === 'runuser'
        ? ['runuser', ['-u', 'rabbitmq', '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...launch]]
        : [launch[0]!, launch.slice(1)];
    const child = spawn(command, args as string[], {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ...env },
      cwd: this.spec.dir,
    });
    child.unref();
    closeSync(out);
  }

  /** The beam process id, once the node has written it. */
  pid(): number | undefined {
    if (!existsSync(this.pidFile)) return undefined;
    const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  isProcessAlive(): boolean {
    const pid = this.pid();
    if (pid === undefined) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** Runs rabbitmqctl (or another CLI tool) against this node. */
  async ctl(args: string[], tool = 'rabbitmqctl', timeoutMs = 60_000): Promise<string> {
    const { stdout } = await execFileAsync(`${RABBITMQ_BIN}/${tool}`, ['-n', this.nodeName, ...args], {
      env: { ...process.env, HOME: RABBITMQ_HOME, ERL_EPMD_ADDRESS: '127.0.0.1', ERL_EPMD_PORT: String(this.spec.epmdPort) },
      timeout: timeoutMs,
    });
    return stdout;
  }

  management(credentials: Omit<ManagementCredentials, 'url'>): ManagementClient {
    return new ManagementClient({ ...credentials, url: `http://127.0.0.1:${this.spec.ports.management}` });
  }

  /** Waits until the management API answers, failing early with the log tail if the node died. */
  async waitUntilRunning(credentials: Omit<ManagementCredentials, 'url'>, timeoutMs = 90_000): Promise<void> {
    const client = this.management(credentials);
    const deadline = Date.now() + timeoutMs;
    let sawPid = false;
    while (Date.now() < deadline) {
      try {
        await client.overview();
        return;
      } catch {
        // not up yet
      }
      if (this.pid() !== undefined) sawPid = true;
      if (sawPid && !this.isProcessAlive()) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`RabbitMQ node ${this.nodeName} did not start:\n${this.tail()}`);
  }

  tail(lines = 30): string {
    const files = [join(this.spec.dir, 'server.out'), this.logFile];
    return files
      .filter((file) => existsSync(file))
      .map((file) => `--- ${file}\n${readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')}`)
      .join('\n');
  }

  /** Graceful stop; falls back to SIGKILL when the node does not answer or does not exit. */
  async stop(): Promise<void> {
    const pid = this.pid();
    if (pid === undefined || !this.isProcessAlive()) return;
    try {
      await this.ctl(['stop'], 'rabbitmqctl', 30_000);
    } catch {
      // rabbitmqctl could not reach the node (overloaded machine, dist port trouble): kill below.
    }
    if (await waitForExit(pid, 30_000)) return;
    this.kill();
    await waitForExit(pid, 30_000);
  }

  /** kill -9 the node (chaos tests). */
  kill(): void {
    const pid = this.pid();
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Resolves true once the process is gone, false if it is still there after the timeout. */
async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function chownTree(dir: string): void {
  // The server runs as rabbitmq; everything it writes under its directory must be its own.
  const uid = Number(execFileSync('id', ['-u', 'rabbitmq'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'rabbitmq'], { encoding: 'utf8' }).trim());
  execFileSync('chown', ['-R', `${uid}:${gid}`, dir]);
}
