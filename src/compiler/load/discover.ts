/**
 * Finds the documents of a spec directory: `<system>/<service>.yaml` are services; files and
 * directories whose name starts with `_` are libraries (loaded only when referenced).
 */
import { readdir } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import type { DiagnosticSink } from '../diagnostics.js';
import { errorMessage } from './source.js';
import { CONFIG_FILE_NAMES } from '../config/load-config.js';

export interface ServiceFile {
  readonly system: string;
  readonly service: string;
  readonly absPath: string;
}

const DOCUMENT_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

function isDocument(name: string): boolean {
  return DOCUMENT_EXTENSIONS.has(extname(name).toLowerCase());
}

function isLibrary(name: string): boolean {
  return name.startsWith('_');
}

function isHidden(name: string): boolean {
  return name.startsWith('.');
}

export async function discoverServices(specDirAbs: string, cwd: string, sink: DiagnosticSink): Promise<ServiceFile[] | undefined> {
  const rel = (p: string) => relative(cwd, p) || '.';
  let top;
  try {
    top = await readdir(specDirAbs, { withFileTypes: true });
  } catch (error) {
    sink.error({ file: rel(specDirAbs), line: 1, column: 1 }, `cannot read the spec directory: ${errorMessage(error)}`, 'ep-layout');
    return undefined;
  }
  const services: ServiceFile[] = [];
  const looseSystem = basename(specDirAbs);
  for (const entry of sorted(top)) {
    if (isHidden(entry.name) || isLibrary(entry.name)) continue;
    const path = join(specDirAbs, entry.name);
    if (entry.isDirectory()) {
      const system = entry.name;
      for (const child of sorted(await readdir(path, { withFileTypes: true }))) {
        if (isHidden(child.name) || isLibrary(child.name)) continue;
        const childPath = join(path, child.name);
        if (child.isFile() && isDocument(child.name)) {
          services.push({ system, service: stripExtension(child.name), absPath: childPath });
        } else if (child.isDirectory()) {
          sink.warning(
            { file: rel(childPath), line: 1, column: 1 },
            `ignored: documents live at <system>/<service>.yaml; prefix the directory with "_" to make it a library`,
            'ep-layout',
          );
        }
      }
    } else if (entry.isFile() && isDocument(entry.name) && !(CONFIG_FILE_NAMES as readonly string[]).includes(entry.name)) {
      // A flat directory of documents (one that was not written for eventplane) is one system.
      services.push({ system: looseSystem, service: stripExtension(entry.name), absPath: path });
    }
  }
  if (services.length === 0) {
    sink.error({ file: rel(specDirAbs), line: 1, column: 1 }, 'no AsyncAPI documents found (expected <system>/<service>.yaml)', 'ep-layout');
  }
  return services;
}

function stripExtension(name: string): string {
  return name.slice(0, name.length - extname(name).length);
}

function sorted<T extends { name: string }>(entries: T[]): T[] {
  return [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
