/**
 * `node --import <this file> main.js`: hooks the instrumented libraries before the service's
 * modules load (the static `import pg` in the durable store runs before any line of main.ts).
 * The supervisor (npm start, the end-to-end tests) and the Dockerfile's CMD start every service
 * this way. With tracing off (settings.ts) it does nothing at all.
 */
import { tracingEnabled } from './settings.js';

// A dynamic import: with tracing off not one instrumentation module is loaded.
if (tracingEnabled(process.env)) await (await import('./instrument.js')).instrument();
