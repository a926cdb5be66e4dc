/**
 * `npm start` (and every local cluster) stops the epmd it started, and only that one. Each case
 * runs on its own ERL_EPMD_PORT, a free port, so the machine's shared epmd — which other
 * people's nodes use — is never touched; the test stops only epmds it started itself.
 */
import { execFileSync } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureEpmd, epmdListening, epmdNames, stopOwnEpmd } from '../../../src/local-cluster/epmd.js';
import { freePort } from '../../../src/local-cluster/free-port.js';
import { startLocalCluster, type LocalCluster } from '../../../src/local-cluster/local-cluster.js';

/** The pid of the process listening on 127.0.0.1:`port`, from the kernel's socket table. */
function listenerPid(port: number): number | undefined {
  const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const match = /pid=(\d+)/.exec(out);
  return match ? Number(match[1]) : undefined;
}

/** Running, as opposed to gone or exited and not yet reaped (a zombie holds no port and does nothing). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Registers a node name with an epmd the way a starting Erlang node does (ALIVE2_REQ); it stays
 * registered while the socket is open. Stands in for "someone else's node came to use it".
 */
async function registerForeignNode(port: number, name: string): Promise<Socket> {
  const nameBytes = Buffer.from(name);
  const body = Buffer.alloc(13 + nameBytes.length);
  let at = body.writeUInt8(120, 0); // ALIVE2_REQ
  at = body.writeUInt16BE(1, at); // the node's dist port (never connected to here)
  at = body.writeUInt8(77, at); // normal Erlang node
  at = body.writeUInt8(0, at); // tcp/ipv4
  at = body.writeUInt16BE(6, at);
  at = body.writeUInt16BE(5, at);
  at = body.writeUInt16BE(nameBytes.length, at);
  at += nameBytes.copy(body, at);
  body.writeUInt16BE(0, at); // no extra
  const frame = Buffer.concat([Buffer.from([body.length >> 8, body.length & 0xff]), body]);
  const socket = createConnection({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('data', (reply) => (reply[1] === 0 ? resolve() : reject(new Error(`epmd refused ${name}`))));
    socket.write(frame);
  });
  return socket;
}

const clusters: LocalCluster[] = [];
const ownEpmds: number[] = [];

async function startNode(epmdPort: number): Promise<LocalCluster> {
  // As npm start does: one node, its own directory.
  const cluster = await startLocalCluster({ nodes: 1, dir: mkdtempSync(join(tmpdir(), 'ep-epmd-')), epmdPort });
  clusters.push(cluster);
  return cluster;
}

afterEach(async () => {
  for (const cluster of clusters.splice(0)) await cluster.destroy();
  for (const port of ownEpmds.splice(0)) await stopOwnEpmd(port);
});

describe('local cluster and epmd', () => {
  it('starts an epmd when none runs on its port and stops it (its pid gone) when the cluster stops', async () => {
    const port = await freePort();
    ownEpmds.push(port);
    expect(await epmdListening(port)).toBe(false);
    const cluster = await startNode(port);
    const pid = listenerPid(port);
    expect(pid).toBeDefined();
    expect(await epmdNames(port)).toContain(cluster.state.nodes[0]!.name);

    await cluster.destroy();
    clusters.length = 0;
    expect(await epmdListening(port)).toBe(false);
    // The daemon exits right after it closes its socket; bounded wait for the process itself.
    await expect.poll(() => alive(pid!), { timeout: 10_000 }).toBe(false);
  });

  it('leaves an epmd that was running before it started', async () => {
    const port = await freePort();
    ownEpmds.push(port);
    expect(await ensureEpmd(port)).toBe(true); // the test's own, standing in for the machine's
    const pid = listenerPid(port)!;
    const cluster = await startNode(port);
    expect(listenerPid(port)).toBe(pid);

    await cluster.destroy();
    clusters.length = 0;
    expect(alive(pid)).toBe(true);
    expect(await epmdNames(port)).toEqual([]);
  });

  it('leaves its own epmd running while another node is registered with it', async () => {
    const port = await freePort();
    ownEpmds.push(port);
    const cluster = await startNode(port);
    const pid = listenerPid(port)!;
    const foreign = await registerForeignNode(port, 'someone-else');
    try {
      await cluster.destroy();
      clusters.length = 0;
      expect(alive(pid)).toBe(true);
      expect(await epmdNames(port)).toEqual(['someone-else']);
    } finally {
      foreign.destroy();
    }
  });
});
