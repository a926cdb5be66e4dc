/**
 * The production image's steps, proven without a container runtime (no base image can be pulled
 * here): the Dockerfile's build stage (`npm run build`) into an empty directory, then its
 * production stage there — package.json, package-lock.json, `npm ci --omit=dev` and the build
 * output, nothing else — and a service started from it on plain node, as the image's command
 * does, against the real broker and PostgreSQL of the test run. It must answer /readyz.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceProcess } from '../../src/service-kit/supervisor.js';
import { applyTestTopology } from '../support/broker.js';
import { testDatabase, type TestDatabase } from '../support/postgres.js';
import { generatedTopology } from './support/e2e.js';

const run = promisify(execFile);
const SERVICE = 'shop/order';

/** The Dockerfile's `RUN`/`COPY` lines, read so this test follows the file rather than a copy of it. */
const dockerfile = readFileSync('Dockerfile', 'utf8');

describe('the production bundle (the Dockerfile steps in an empty directory)', () => {
  let app: string;
  let database: TestDatabase;
  let service: ServiceProcess | undefined;
  const output: string[] = [];

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), 'ep-production-bundle-'));
    // Stage 1: npm run build (here from this checkout's installed dev dependencies).
    await run(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--out-dir', join(app, 'dist')], { timeout: 600_000 });
    // Stage 2: the manifests, production dependencies only, then the build output.
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(file, join(app, file));
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: app, timeout: 600_000 });
    database = await testDatabase('postgres', 'bundle');
  }, 900_000);

  afterAll(async () => {
    await service?.stop(15_000);
    await database?.dispose();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('follows the Dockerfile: build, then npm ci --omit=dev and dist/ only, on plain node', () => {
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist\/ dist\/$/m);
    expect(dockerfile).toMatch(/^USER \d+:\d+$/m);
    // infra/services/service-manifests.ts runs /app/dist/services/<id>/main.js.
    expect(dockerfile.match(/^WORKDIR (.+)$/gm)).toEqual(['WORKDIR /app', 'WORKDIR /app']);
    expect(dockerfile).toContain('exec node --enable-source-maps \\"dist/services/${EVENTPLANE_SERVICE}/main.js\\"');
    expect(readdirSync(app).sort()).toEqual(['dist', 'node_modules', 'package-lock.json', 'package.json']);
    // Development tools stay out of the image: no tsx, no Pulumi, no test runner. (TypeScript
    // itself comes in under Modelina, which the CLI's generate needs.)
    for (const tool of ['tsx', 'vitest', '@pulumi/pulumi']) expect(existsSync(join(app, 'node_modules', tool)), tool).toBe(false);
    expect(existsSync(join(app, 'dist', 'services', SERVICE, 'main.js'))).toBe(true);
    expect(existsSync(join(app, 'dist', 'services', SERVICE, 'migrations'))).toBe(true);
  });

  it(`starts ${SERVICE} from it with plain node, and it answers /readyz`, async () => {
    const applied = await applyTestTopology(generatedTopology(), 'bundle');
    const user = applied.applied.users[SERVICE]!;
    service = new ServiceProcess({
      id: SERVICE,
      main: join(app, 'dist', 'services', SERVICE, 'main.js'),
      cwd: app,
      env: {
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        AMQP_URL: `amqp://127.0.0.1:${applied.amqpPort}/${encodeURIComponent(user.vhost)}`,
        AMQP_USERNAME: user.username,
        AMQP_PASSWORD: user.password,
        ...database.env,
        // The image has no other node_modules above it; neither must this run.
        NODE_PATH: '',
      },
      onLine: (line) => output.push(line),
    });
    const url = await service.start();
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status, output.join('\n')).toBe(200);
    // The service's own migrations ran from dist/ (copied beside the compiled code).
    expect(output.join('\n')).toMatch(/migrations applied/);
  });
});
