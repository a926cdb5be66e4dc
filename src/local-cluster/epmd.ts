import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Erlang's port mapper daemon, as shipped with the erlang the rabbitmq-server package depends on. */
const EPMD = 'epmd';
export const DEFAULT_EPMD_PORT = 4369;

/** The port Erlang tools use on this machine: ERL_EPMD_PORT, as RabbitMQ documents it, else 4369. */
export function epmdPortFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const port = Number(env['ERL_EPMD_PORT']);
  return Number.isInteger(port) && port > 0 ? port : DEFAULT_EPMD_PORT;
}

/** True when something accepts connections on 127.0.0.1:`port`. */
export function epmdListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

/**
 * Makes sure an epmd listens on `port`. Returns true when this call started it — the caller then
 * owns it and stops it with {@link stopOwnEpmd}; false when one was already running (another
 * node's, another user's: never ours to stop).
 */
export async function ensureEpmd(port: number): Promise<boolean> {
  if (await epmdListening(port)) return false;
  // Loopback only, like the nodes. The daemon forks away, so it outlives this process until
  // stopped; a node started afterwards finds it and does not start another.
  await execFileAsync(EPMD, ['-daemon', '-address', '127.0.0.1', '-port', String(port)]);
  if (!(await waitFor(() => epmdListening(port), 10_000))) throw new Error(`epmd did not start on 127.0.0.1:${port}`);
  return true;
}

/** Short names of the nodes registered with the epmd on `port` (empty when none answers). */
export async function epmdNames(port: number): Promise<string[]> {
  const { stdout } = await execFileAsync(EPMD, ['-port', String(port), '-names']).catch(() => ({ stdout: '' }));
  return [...stdout.matchAll(/^name (\S+) at port/gm)].map((match) => match[1]!);
}

/**
 * Stops the epmd this process started, once the nodes it ran (`ownNodes`, short names) have
 * left it. `epmd -kill` refuses while any node is registered, so an epmd that another node
 * (another cluster, another user's) came to use in the meantime stays up: stopping it would cut
 * that node off. Returns whether it stopped.
 */
export async function stopOwnEpmd(port: number, ownNodes: readonly string[] = []): Promise<boolean> {
  if (!(await epmdListening(port))) return true;
  // A node that just exited may be listed for a moment until epmd sees its connection close.
  await waitFor(async () => !(await epmdNames(port)).some((name) => ownNodes.includes(name)), 10_000);
  const { stdout } = await execFileAsync(EPMD, ['-port', String(port), '-kill']).catch(() => ({ stdout: '' }));
  if (!/^killed/im.test(stdout)) return false;
  return waitFor(async () => !(await epmdListening(port)), 10_000);
}
