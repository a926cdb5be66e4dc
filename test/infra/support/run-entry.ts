/**
 * Runs infra/index.ts the way Pulumi's Node.js language host does for an ES module program:
 * under `node <runtime.options.nodeargs>`, in the project directory, importing the entry by
 * file URL and calling its default export. Mocks stand in for the engine. Prints a summary
 * as JSON for test/infra/entry-point.test.ts.
 */
import { runProgramUnderMocks } from './program-under-mocks.js';

const [stack, topologyFile] = process.argv.slice(2) as ['dev' | 'prod', string];
const run = await runProgramUnderMocks({ stack, topologyFile });
process.stdout.write(
  `${JSON.stringify({ outputs: run.outputs, registrations: run.registrations.length, newResourceCalls: run.newResourceCalls, cwd: process.cwd() })}\n`,
);
