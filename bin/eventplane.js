#!/usr/bin/env node
// Runs the compiled CLI (dist/, from `npm run build`) on plain node when it is there and not older
// than the TypeScript sources beside it; otherwise the sources through tsx, so a fresh clone works
// with `npm ci` alone (CI and the tests call `npx eventplane` before any build) and an edit to
// src/ takes effect without rebuilding. The production image has dist/ and no src/.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const compiled = new URL('dist/src/cli/main.js', root);
// tsc rewrites its build info on every build that changed anything (outputs only when they change).
const buildInfo = new URL('dist/.tsbuildinfo', root);

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function compiledIsCurrent() {
  if (!existsSync(compiled)) return false;
  const sources = fileURLToPath(new URL('src', root));
  if (!existsSync(sources)) return true;
  return existsSync(buildInfo) && statSync(buildInfo).mtimeMs >= newestMtime(sources);
}

let main;
if (compiledIsCurrent()) {
  ({ main } = await import(compiled.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(new URL('src/cli/main.ts', root).href));
}
process.exitCode = await main(process.argv.slice(2));
