import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { INFRA_DIR } from './support/program-under-mocks.js';
import { topologiesUnderTest } from './support/topologies.js';

const run = promisify(execFile);

describe('the Pulumi project', () => {
  const project = parse(readFileSync(resolve(INFRA_DIR, 'Pulumi.yaml'), 'utf8')) as {
    name: string;
    main: string;
    runtime: { name: string; options: { typescript: boolean; nodeargs: string } };
  };

  it('tells the Node.js runtime to load the ESM TypeScript entry through tsx, not ts-node', () => {
    expect(project.runtime.name).toBe('nodejs');
    expect(project.runtime.options.typescript).toBe(false);
    expect(project.runtime.options.nodeargs).toBe('--import=tsx');
    expect(existsSync(resolve(INFRA_DIR, project.main))).toBe(true);
    // The language host imports the entry with import() when the nearest package.json is an ES module.
    // `pulumi up` runs from a full checkout (`npm ci`), so the program's packages may be development
    // dependencies: the service images (`npm ci --omit=dev`) do not carry Pulumi or tsx.
    const pkg = JSON.parse(readFileSync(resolve(INFRA_DIR, '../package.json'), 'utf8')) as { type: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.type).toBe('module');
    expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })).toEqual(expect.arrayContaining(['tsx', '@pulumi/pulumi', '@pulumi/kubernetes', '@pulumi/rabbitmq', '@pulumi/random']));
  });

  it('runs under plain node with those node arguments, from the project directory', async () => {
    const topology = topologiesUnderTest()[0]!;
    const script = resolve(import.meta.dirname, 'support/run-entry.ts');
    const { stdout } = await run(process.execPath, [...project.runtime.options.nodeargs.split(' '), script, 'prod', topology.file], {
      cwd: INFRA_DIR,
      timeout: 120_000,
    });
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as { outputs: Record<string, unknown>; registrations: number; newResourceCalls: number; cwd: string };
    expect(summary.cwd).toBe(INFRA_DIR);
    expect(summary.newResourceCalls).toBeGreaterThan(100);
    expect(summary.registrations).toBe(summary.newResourceCalls);
    expect(summary.outputs).toMatchObject({ namespace: 'eventplane', rabbitmqHost: 'eventplane-rabbitmq.eventplane.svc' });
  });
});
