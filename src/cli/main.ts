import { isUserError } from '../shared/user-error.js';
import type { Command } from './command.js';


// Lazy imports keep `eventplane dlq` from loading the compiler and `generate` from loading amqplib.
const commands: Record<string, () => Promise<{ command: Command }>> = {
  generate: () => import('./commands/generate.js'),
  validate: () => import('./commands/validate.js'),
  check: () => import('./commands/check.js'),
  catalog: () => import('./commands/catalog.js'),
  dlq: () => import('./commands/dlq.js'),
  'local-cluster': () => import('./commands/local-cluster.js'),
  scaffold: () => import('./commands/scaffold.js'),
};

async function help(): Promise<string> {
  const lines = ['Usage: eventplane <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(commands)) {
    const summary = await load().then(
      (m) => m.command.summary,
      () => '(unavailable)',
    );
    lines.push(`  ${name.padEnd(15)} ${summary}`);
  }
  lines.push('', 'Run `eventplane <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await help()}\n`);
    return name === undefined ? 1 : 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`eventplane: unknown command "${name}"\n\n${await help()}\n`);
    return 1;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.summary}\n\n${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (isUserError(error)) {
      process.stderr.write(`eventplane ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
