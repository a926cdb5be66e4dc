import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { UserError } from '../shared/user-error.js';

/** Where Debian's rabbitmq-server package puts the real scripts (the /usr/sbin ones are wrappers). */
export const RABBITMQ_BIN = '/usr/lib/rabbitmq/bin';
/** The Erlang cookie the package creates; every local node and CLI call shares it. */
export const RABBITMQ_HOME = '/var/lib/rabbitmq';

export function rabbitmqInstalled(): boolean {
  return existsSync(`${RABBITMQ_BIN}/rabbitmq-server`);
}

/** How this process may run the server: as root through runuser, or as the rabbitmq user itself. */
export type RunAs = { kind: 'runuser' } | { kind: 'self' };

export function requireRabbitmq(): RunAs {
  if (!rabbitmqInstalled()) {
    throw new UserError(
      'rabbitmq-server is not installed. Install it with `sudo apt-get install -y rabbitmq-server`, or set AMQP_URL to use an existing broker.',
    );
  }
  const uid = process.getuid?.() ?? -1;
  if (uid === 0) return { kind: 'runuser' };
  const rabbitUid = Number(execFileSync('id', ['-u', 'rabbitmq'], { encoding: 'utf8' }).trim());
  if (uid === rabbitUid) return { kind: 'self' };
  throw new UserError(
    'local RabbitMQ nodes run as the rabbitmq user: run this as root (or as rabbitmq), or set AMQP_URL to use an existing broker.',
  );
}
