import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCommands, chooseBuilder, imageFor, readImageTemplate, retag, writeImageTemplate } from '../../../scripts/images/plan.js';

describe('npm run images: the plan', () => {
  it('takes the first usable builder in the order docker, podman, buildah, and says what to install when there is none', () => {
    expect(chooseBuilder(() => true)).toEqual({ builder: 'docker' });
    expect(chooseBuilder((name) => name !== 'docker')).toEqual({ builder: 'podman' });
    expect(chooseBuilder((name) => name === 'buildah')).toEqual({ builder: 'buildah' });
    const none = chooseBuilder(() => false);
    expect('error' in none && none.error).toMatch(/none of docker \(with a running daemon\), podman or buildah/);
  });

  it('names each service image from the template and replaces only the tag', () => {
    expect(imageFor('ghcr.io/acme/{system}-{service}:1.0.0', 'shop/order')).toBe('ghcr.io/acme/shop-order:1.0.0');
    expect(retag('ghcr.io/acme/{system}-{service}:dev', '0.2.0-abc')).toBe('ghcr.io/acme/{system}-{service}:0.2.0-abc');
    // A registry port is not a tag.
    expect(retag('registry.local:5000/{system}/{service}', 'v1')).toBe('registry.local:5000/{system}/{service}:v1');
    expect(() => retag('x/{service}:dev', 'no spaces')).toThrow(/not a valid image tag/);
  });

  it('builds every service from the one Dockerfile, the service chosen by build argument, and pushes on request', () => {
    const commands = buildCommands('podman', 'r/{system}-{service}:t', ['shop/order', 'clinic/notifications'], true);
    expect(commands.map((c) => c.argv.join(' '))).toEqual([
      'podman build --file Dockerfile --build-arg SERVICE=shop/order --tag r/shop-order:t .',
      'podman push r/shop-order:t',
      'podman build --file Dockerfile --build-arg SERVICE=clinic/notifications --tag r/clinic-notifications:t .',
      'podman push r/clinic-notifications:t',
    ]);
  });

  it('writes the new template into the stack file for pulumi up, keeping its comments and other settings', () => {
    const before = readFileSync('infra/Pulumi.dev.yaml', 'utf8');
    const template = readImageTemplate(before)!;
    expect(template).toContain('{service}');
    const after = writeImageTemplate(before, retag(template, '9.9.9'));
    expect(readImageTemplate(after)).toBe(retag(template, '9.9.9'));
    expect(after.replace(/:9\.9\.9$/m, template.slice(template.lastIndexOf(':')))).toBe(before);
  });
});
