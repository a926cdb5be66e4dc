/**
 * What `npm run images` does, as pure functions: which container builder to use, the image of
 * each service, the commands, and the stack configuration that makes `pulumi up` deploy them.
 */
import { parseDocument } from 'yaml';

export type BuilderName = 'docker' | 'podman' | 'buildah';

/** In order of preference; docker counts only with a daemon it can reach. */
export const BUILDERS: readonly BuilderName[] = ['docker', 'podman', 'buildah'];

/** The first builder that is usable, or a message saying what to install. */
export function chooseBuilder(usable: (name: BuilderName) => boolean): { builder: BuilderName } | { error: string } {
  const builder = BUILDERS.find(usable);
  if (builder) return { builder };
  return {
    error:
      'npm run images needs a container builder: none of docker (with a running daemon), podman or buildah is usable here.\n' +
      'Install one (apt-get install podman, or buildah), or start the docker daemon, and run it again.',
  };
}

/** `ghcr.io/acme/{system}-{service}:1.0.0` for `shop/order` → `ghcr.io/acme/shop-order:1.0.0`. */
export function imageFor(template: string, serviceId: string): string {
  const [system, service] = serviceId.split('/') as [string, string];
  return template.replaceAll('{system}', system).replaceAll('{service}', service);
}

/** The template with its tag replaced (or added): the part after the last `:` of the last path segment. */
export function retag(template: string, tag: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw new Error(`not a valid image tag: ${JSON.stringify(tag)}`);
  const slash = template.lastIndexOf('/');
  const colon = template.lastIndexOf(':');
  return `${colon > slash ? template.slice(0, colon) : template}:${tag}`;
}

export interface ImageCommand {
  readonly service: string;
  readonly image: string;
  readonly argv: readonly string[];
}

/** One build per service from the one Dockerfile, the service chosen by build argument. */
export function buildCommands(builder: BuilderName, template: string, services: readonly string[], push: boolean): ImageCommand[] {
  return services.flatMap((service) => {
    const image = imageFor(template, service);
    const build: ImageCommand = {
      service,
      image,
      argv: [builder, 'build', '--file', 'Dockerfile', '--build-arg', `SERVICE=${service}`, '--tag', image, '.'],
    };
    return push ? [build, { service, image, argv: [builder, 'push', image] }] : [build];
  });
}

export const TEMPLATE_KEY = ['config', 'eventplane:serviceDefaults', 'imageTemplate'] as const;

/** The stack file's current `serviceDefaults.imageTemplate`, if any. */
export function readImageTemplate(stackYaml: string): string | undefined {
  const value = parseDocument(stackYaml).getIn(TEMPLATE_KEY);
  return typeof value === 'string' ? value : undefined;
}

/** The stack file with `serviceDefaults.imageTemplate` set; comments and other keys kept. */
export function writeImageTemplate(stackYaml: string, template: string): string {
  const document = parseDocument(stackYaml);
  document.setIn(TEMPLATE_KEY, template);
  return document.toString();
}
