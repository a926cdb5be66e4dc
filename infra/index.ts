import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { ConfigError, OBJECT_CONFIG_KEYS, SECRET_CONFIG_KEYS, parseStackConfig } from './config.js';
import { eventplane, type ProgramOutputs } from './program.js';
import { TopologyInputError, loadTopology } from './topology-input.js';

/**
 * Entry point for the Pulumi Node.js runtime (Pulumi.yaml: `main: index.ts`, run through tsx).
 * The runtime imports this module and calls its default export; the returned object becomes
 * the stack outputs. Importing it does nothing, so tests set their mocks first and call it.
 */
export default async function main(): Promise<ProgramOutputs> {
  const projectDir = dirname(fileURLToPath(import.meta.url));
  try {
    const config = parseStackConfig(readRawConfig());
    const topology = loadTopology(resolve(projectDir, config.topologyFile));
    const pullSecret = new pulumi.Config().getSecret('imagePullDockerConfigJson');
    return eventplane({ topology, config, ...(pullSecret ? { imagePullDockerConfigJson: pullSecret } : {}) });
  } catch (error) {
    // Input errors are the user's to fix: print them plainly, without a stack trace.
    if (error instanceof ConfigError || error instanceof TopologyInputError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

/** Every `eventplane:` key of the stack, objects parsed, secrets left out (read as outputs). */
function readRawConfig(): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const prefix = `${pulumi.getProject()}:`;
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (SECRET_CONFIG_KEYS.includes(key)) continue;
    if (!OBJECT_CONFIG_KEYS.includes(key)) {
      raw[key] = value;
      continue;
    }
    try {
      raw[key] = JSON.parse(value);
    } catch {
      throw new ConfigError(`${fullKey}: expected an object, got ${JSON.stringify(value)}`);
    }
  }
  return raw;
}
