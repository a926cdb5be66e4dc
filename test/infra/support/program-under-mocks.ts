import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';
import { OBJECT_CONFIG_KEYS } from '../../../infra/config.js';
import type { ProgramOutputs } from '../../../infra/program.js';

export const INFRA_DIR = resolve(import.meta.dirname, '../../../infra');
export const PROJECT = 'eventplane';

/** One resource registration as the engine would receive it. */
export interface Registration {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent: string;
  readonly protect: boolean;
  /** URNs this resource waits for (dependsOn plus the resources its inputs come from). */
  readonly dependencies: readonly string[];
  readonly provider: string;
  /** Inputs as serialized for the engine: secrets arrive wrapped (see secrets.ts). */
  readonly inputs: Record<string, unknown>;
}

export interface ProgramRun {
  readonly registrations: readonly Registration[];
  readonly outputs: ProgramOutputs;
  /** How often the mock's newResource ran: zero means the program ran before the mocks. */
  readonly newResourceCalls: number;
  /** The values the mocked RandomPasswords produced: none may appear unwrapped in any input. */
  readonly generatedSecrets: readonly string[];
}

export interface RunOptions {
  readonly stack: 'dev' | 'prod';
  readonly topologyFile: string;
  /** Extra `eventplane:` keys (objects are JSON-encoded), over the stack file. */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly secretConfig?: Readonly<Record<string, string>>;
}

/** The `eventplane:` config of infra/Pulumi.<stack>.yaml, as the engine hands it to the program. */
export function stackConfig(stack: string): Record<string, string> {
  const file = parse(readFileSync(resolve(INFRA_DIR, `Pulumi.${stack}.yaml`), 'utf8')) as { config?: Record<string, unknown> };
  return Object.fromEntries(Object.entries(file.config ?? {}).map(([key, value]) => [key, encode(value)]));
}

/** The same keys parsed the way infra/index.ts parses the engine's config: objects decoded, prefix dropped. */
export function rawStackConfig(stack: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(stackConfig(stack))
      .filter(([key]) => key.startsWith(`${PROJECT}:`))
      .map(([key, value]) => {
        const name = key.slice(PROJECT.length + 1);
        return [name, OBJECT_CONFIG_KEYS.includes(name) ? JSON.parse(value) : value];
      }),
  );
}

function encode(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Runs infra/index.ts under Pulumi's mocks, the way the Pulumi runtime would: mocks first,
 * then the entry module imported dynamically and its default export called. Records every
 * registration, with the options the mock API itself does not show (parent, protect,
 * dependencies), by wrapping the mock monitor. Runs must not overlap: Pulumi's runtime
 * state is per process (one after another is fine; each ends by draining its engine calls).
 */
export async function runProgramUnderMocks(options: RunOptions): Promise<ProgramRun> {
  const config: Record<string, string> = {
    ...stackConfig(options.stack),
    [`${PROJECT}:topologyFile`]: options.topologyFile,
  };
  for (const [key, value] of Object.entries(options.config ?? {})) config[`${PROJECT}:${key}`] = encode(value);
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(options.secretConfig ?? {})) {
    config[`${PROJECT}:${key}`] = value;
    secretKeys.push(`${PROJECT}:${key}`);
  }
  pulumi.runtime.setAllConfig(config, secretKeys);

  let newResourceCalls = 0;
  const generatedSecrets: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        newResourceCalls += 1;
        if (args.type === 'random:index/randomPassword:RandomPassword') {
          const result = `mock${randomBytes(16).toString('hex')}`;
          generatedSecrets.push(result);
          return { id: `${args.name}-id`, state: { ...args.inputs, result } };
        }
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call() {
        return {};
      },
    },
    PROJECT,
    options.stack,
    false,
  );

  const registrations: Registration[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(request: RegisterRequest, callback: (error: unknown, response?: { getUrn(): string }) => void): Promise<void>;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) =>
    register(request, (error, response) => {
      if (!error && response) {
        registrations.push({
          urn: response.getUrn(),
          type: request.getType(),
          name: request.getName(),
          custom: request.getCustom(),
          parent: request.getParent(),
          protect: request.getProtect(),
          dependencies: request.getDependenciesList(),
          provider: request.getProvider(),
          inputs: pulumi.runtime.deserializeProperties(request.getObject() as Parameters<typeof pulumi.runtime.deserializeProperties>[0]) as Record<string, unknown>,
        });
      }
      callback(error, response);
    });

  const entry = (await import('../../../infra/index.js')) as { default: () => Promise<ProgramOutputs> };
  const outputs = await entry.default();
  // Registrations are asynchronous: wait until the queue of engine calls has drained.
  await pulumi.runtime.disconnect();
  return { registrations, outputs, newResourceCalls, generatedSecrets };
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getProtect(): boolean;
  getDependenciesList(): string[];
  getProvider(): string;
  getObject(): unknown;
}
