/**
 * Runs before `npm test`. The integration, e2e, browser and infra suites use real servers from
 * Debian packages; this makes sure they are there so a fresh machine passes with `npm test`
 * alone. As root with apt-get it installs what is missing (as .ci/run does); otherwise it names
 * the one command to run and stops.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

interface Prerequisite {
  readonly pkg: string;
  readonly why: string;
  readonly present: () => boolean;
}

const onPath = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
const postgresInstalled = () =>
  existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));

const prerequisites: Prerequisite[] = [
  { pkg: 'rabbitmq-server', why: 'integration and e2e tests run against real RabbitMQ nodes', present: () => existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server') },
  { pkg: 'postgresql', why: 'durable-state tests run on a real PostgreSQL', present: postgresInstalled },
  { pkg: 'chromium', why: 'the catalog is tested in headless Chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'prometheus', why: 'promtool checks the alert rules', present: () => onPath('promtool') },
];

const missing = prerequisites.filter((p) => !p.present());
if (missing.length > 0) {
  const packages = missing.map((p) => p.pkg);
  const command = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && onPath('apt-get');
  for (const p of missing) process.stderr.write(`  missing ${p.pkg}: ${p.why}\n`);
  if (!canInstall) {
    process.stderr.write(`\nInstall them with:\n  sudo ${command}\nthen run npm test again.\n`);
    process.exit(1);
  }
  process.stderr.write(`installing ${packages.join(', ')} with apt-get (once)…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
}
