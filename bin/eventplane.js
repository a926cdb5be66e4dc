#!/usr/bin/env node
// The platform is written in TypeScript and run through tsx so that a fresh clone works
// with `npm ci` alone: no build step sits between editing the library and using the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
