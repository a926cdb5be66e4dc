/**
 * A TCP relay in front of an SMTP server that the test can close like a gate: while held, new
 * connections are accepted but not connected through (the client waits for the greeting), so a
 * worker can be caught with sends in flight and killed. Fault injection from the test side.
 */
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SmtpGate {
  readonly port: number;
  /** Held connections whose client is still there. */
  readonly waiting: number;
  /** Held connections whose client went away before the gate opened (a killed worker's). */
  readonly abandoned: number;
  /** Cuts the connections open through the gate (a pooled client's idle ones too) and holds new ones. */
  hold(): void;
  /** Opens the gate: connects the waiting clients through, and every new one from now on. */
  release(): void;
  close(): Promise<void>;
}

export async function startSmtpGate(target: { host: string; port: number }): Promise<SmtpGate> {
  let holding = false;
  let abandoned = 0;
  const held = new Set<Socket>();
  const sockets = new Set<Socket>();
  const relayed = new Set<Socket>();
  const through = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    relayed.add(client);
    client.on('close', () => relayed.delete(client));
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  };
  const server = createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    client.on('close', () => {
      sockets.delete(client);
      if (held.delete(client)) abandoned++;
    });
    if (holding) held.add(client);
    else through(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get waiting() {
      return held.size;
    },
    get abandoned() {
      return abandoned;
    },
    hold: () => {
      holding = true;
      for (const client of relayed) client.destroy();
    },
    release: () => {
      holding = false;
      for (const client of held) through(client);
      held.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
