// A worker thread that validates AsyncAPI documents with @asyncapi/parser. Plain JavaScript so
// it loads in any runtime without a TypeScript loader. Files are read from the snapshot the
// main thread sends, never from disk or the network, so every stage sees the same bytes.
import { parentPort, workerData } from 'node:worker_threads';
import { shareSpectralAjv } from './share-spectral-ajv.js';

shareSpectralAjv();
const { Parser } = await import('@asyncapi/parser');

const files = new Map(workerData.files);
// A parser per document: one reused across documents keeps resolved files in its cache and then
// reports false "does not exist" errors for local $refs inside files several documents reach
// (a recursive schema in a library). Without the cache, references that cycle through several
// files are resolved over and over, which is far slower.
const options = {
  __unstable: {
    resolver: {
      resolvers: [
        {
          schema: 'file',
          order: 1,
          read: async (uri) => {
            const text = files.get(uri.href());
            if (text !== undefined) return text;
            throw new Error(`ENOENT: no such file or directory, open '${uri.href()}'`);
          },
        },
        // Remote documents the compiler fetched are in the snapshot; one that failed reads as empty.
        { schema: 'http', order: 1, read: async (uri) => files.get(uri.href()) ?? '{}' },
        { schema: 'https', order: 1, read: async (uri) => files.get(uri.href()) ?? '{}' },
      ],
    },
  },
};

parentPort.on('message', async ({ id, absPath }) => {
  try {
    const diagnostics = await new Parser(options).validate(files.get(absPath), { source: absPath });
    parentPort.postMessage({
      id,
      diagnostics: diagnostics.map((d) => ({
        code: d.code === undefined ? undefined : String(d.code),
        message: String(d.message),
        path: d.path.map((p) => (typeof p === 'number' ? p : String(p))),
        severity: d.severity,
        source: d.source,
        range: { start: { line: d.range.start.line, character: d.range.start.character } },
      })),
    });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
