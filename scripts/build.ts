/**
 * `npm run build`: compiles what runs in production to dist/ (tsconfig.build.json: the CLI, the
 * runtime, durable, compiler and service-kit libraries, the services, generated/ and `npm start`)
 * and puts beside the JavaScript the files the code reads at run time from its own directory:
 * SQL migrations, the catalog's assets, generated/'s validators and JSON, the compiler's worker
 * scripts, and the runtime contract the compiler copies into generated/. dist/ mirrors the
 * repository, so `new URL('./migrations/', import.meta.url)` finds the same files compiled.
 *
 * Incremental (tsc's build info): a rebuild with nothing changed takes seconds. Outputs whose
 * source was deleted or moved are removed, so a service moved to another directory does not
 * leave a stale copy behind. `--out-dir DIR` builds elsewhere (the production-bundle test does).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
const DIST = resolve(values['out-dir'] ?? join(ROOT, 'dist'));
/** Trees compiled into dist/ (tsconfig.build.json includes these) whose other files are copied. */
const TREES = ['src', 'services', 'generated'];
/** TypeScript read as text at run time: the compiler emits it into generated/. */
const TEXT_SOURCES = ['src/runtime/contract.ts'];

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

/** Files the code opens next to itself: everything in TREES that tsc does not compile. */
function assets(): string[] {
  const files = TREES.flatMap((tree) => walk(join(ROOT, tree))).filter(
    (file) => !file.endsWith('.ts') && !file.endsWith('/tsconfig.json') && !file.includes('/fixtures/'),
  );
  return [...files.map((file) => relative(ROOT, file)), ...TEXT_SOURCES];
}

function compile(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', DIST, '--tsBuildInfoFile', join(DIST, '.tsbuildinfo')], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    process.stderr.write(`npm run build: tsc reported errors (above); ${relative(ROOT, DIST) || DIST} is not up to date\n`);
    process.exit(result.status ?? 1);
  }
}

function copyAssets(files: readonly string[]): void {
  for (const file of files) {
    const target = join(DIST, file);
    mkdirSync(dirname(target), { recursive: true });
    if (!existsSync(target) || statSync(target).mtimeMs < statSync(join(ROOT, file)).mtimeMs) copyFileSync(join(ROOT, file), target);
  }
}

/**
 * dist/package.json: the module type for the compiled tree and the version `eventplane check`
 * reports (it reads the package.json three levels above src/cli/commands/).
 */
function writePackageJson(): void {
  const { name, version, type } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, string>;
  writeFileSync(join(DIST, 'package.json'), `${JSON.stringify({ name, version, type, private: true, description: 'compiled by npm run build — do not edit' }, null, 2)}\n`);
}

/** Removes outputs whose source no longer exists (a deleted or moved file). */
function pruneStale(copied: ReadonlySet<string>): number {
  let removed = 0;
  for (const file of walk(DIST)) {
    const path = relative(DIST, file);
    if (!TREES.some((tree) => path.startsWith(`${tree}/`)) || copied.has(path)) continue;
    const source = path.replace(/\.js\.map$/, '.ts').replace(/\.js$/, '.ts');
    if (!existsSync(join(ROOT, source))) {
      rmSync(file);
      removed += 1;
    }
  }
  return removed;
}

const started = performance.now();
compile();
const files = assets();
copyAssets(files);
writePackageJson();
const removed = pruneStale(new Set(files));
process.stdout.write(
  `built ${relative(ROOT, DIST) || DIST} in ${((performance.now() - started) / 1000).toFixed(1)} s (${files.length} run-time files copied${removed ? `, ${removed} stale outputs removed` : ''})\n`,
);
