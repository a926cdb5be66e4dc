/**
 * `npm run images`: builds one image per service from the repository's Dockerfile with
 * whichever of docker, podman or buildah this machine has, tagged from the stack's
 * `serviceDefaults.imageTemplate` with a new tag, and writes that template back into
 * infra/Pulumi.<stack>.yaml, so the next `pulumi up` deploys exactly these images.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SERVICES } from '../../services/registry.js';
import { buildCommands, chooseBuilder, readImageTemplate, retag, writeImageTemplate, type BuilderName } from './plan.js';

const HELP = `Usage: npm run images [-- --stack dev] [-- --tag TAG] [-- --services a/b,c/d] [-- --push] [-- --dry-run]

Builds an image of every service (services/registry.ts) from ./Dockerfile with docker, podman or
buildah, named after the stack's serviceDefaults.imageTemplate with the new tag, then sets that
template in infra/Pulumi.<stack>.yaml for \`pulumi up\`.

  --stack NAME     the Pulumi stack whose config names the images (default dev)
  --tag TAG        image tag (default <package version>-<git commit>)
  --services LIST  comma-separated service ids (default: all)
  --push           push each image after building it
  --dry-run        print the commands and the config change; build nothing`;

function usable(name: BuilderName): boolean {
  // docker's client is often installed without a daemon; `info` asks the daemon.
  const probe = name === 'docker' ? ['info', '--format', '{{.ServerVersion}}'] : ['--version'];
  return spawnSync(name, probe, { stdio: 'ignore', timeout: 15_000 }).status === 0;
}

function defaultTag(): string {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  try {
    return `${version}-${execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim()}`;
  } catch {
    return version;
  }
}

function main(): number {
  const { values } = parseArgs({
    options: {
      stack: { type: 'string', default: 'dev' },
      tag: { type: 'string' },
      services: { type: 'string' },
      push: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const stackFile = `infra/Pulumi.${values.stack}.yaml`;
  if (!existsSync(stackFile)) throw new Error(`${stackFile} does not exist (pulumi stack init ${values.stack}, then set eventplane:serviceDefaults.imageTemplate)`);
  const stackYaml = readFileSync(stackFile, 'utf8');
  const current = readImageTemplate(stackYaml);
  if (!current) throw new Error(`${stackFile} sets no eventplane:serviceDefaults.imageTemplate (e.g. ghcr.io/acme/{system}-{service}:dev): where should the images go?`);
  const template = retag(current, values.tag ?? defaultTag());
  const known = SERVICES.map((s) => s.id);
  const services = values.services ? values.services.split(',') : known;
  const unknown = services.filter((id) => !known.includes(id));
  if (unknown.length > 0) throw new Error(`unknown service(s): ${unknown.join(', ')} (have: ${known.join(', ')})`);

  const chosen = chooseBuilder(usable);
  if ('error' in chosen && !values['dry-run']) {
    process.stderr.write(`${chosen.error}\n`);
    return 1;
  }
  // A dry run without a builder prints docker's commands: podman and buildah take the same arguments.
  const builder = 'builder' in chosen ? chosen.builder : 'docker';
  for (const command of buildCommands(builder, template, services, values.push ?? false)) {
    process.stdout.write(`$ ${command.argv.join(' ')}\n`);
    if (values['dry-run']) continue;
    const result = spawnSync(command.argv[0]!, command.argv.slice(1), { stdio: 'inherit' });
    if (result.status !== 0) {
      process.stderr.write(`npm run images: \`${command.argv.slice(0, 2).join(' ')}\` failed for ${command.service}; ${stackFile} left unchanged\n`);
      return 1;
    }
  }
  if (values['dry-run']) {
    process.stdout.write(`would set eventplane:serviceDefaults.imageTemplate in ${stackFile}: ${template}\n`);
    return 0;
  }
  writeFileSync(stackFile, writeImageTemplate(stackYaml, template));
  process.stdout.write(`${services.length} image(s) built; ${stackFile}: serviceDefaults.imageTemplate = ${template} (pulumi up deploys them)\n`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`npm run images: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
