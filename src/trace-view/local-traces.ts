/**
 * `npm start`'s traces: each demo flow's spans, once they stopped arriving, drawn as an SVG
 * waterfall in .eventplane/traces/, and a page listing them linked from the catalog's home page.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpanRecord } from './otlp-json.js';
import type { OtlpReceiver } from './otlp-receiver.js';
import { renderWaterfall } from './waterfall-svg.js';

export interface TracedFlow {
  readonly name: string;
  readonly outcome: string;
  readonly traceId: string;
}

export interface DrawnFlow extends TracedFlow {
  /** The SVG's file name in the traces directory. */
  readonly file: string;
  readonly spans: number;
  readonly services: readonly string[];
}

/**
 * The trace once no span arrived for `quietMs` (the services export in batches every 200 ms),
 * at most `timeoutMs`: a bounded poll, whatever has arrived by then is drawn.
 */
export async function settledTrace(receiver: OtlpReceiver, traceId: string, options: { quietMs?: number; timeoutMs?: number } = {}): Promise<SpanRecord[]> {
  const quietMs = options.quietMs ?? 1_000;
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let count = -1;
  let stableSince = Date.now();
  for (;;) {
    const now = receiver.trace(traceId).length;
    if (now !== count) {
      count = now;
      stableSince = Date.now();
    } else if (count > 0 && Date.now() - stableSince >= quietMs) break;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return receiver.trace(traceId);
}

export async function drawFlows(receiver: OtlpReceiver, flows: readonly TracedFlow[], dir: string): Promise<DrawnFlow[]> {
  mkdirSync(dir, { recursive: true });
  const drawn: DrawnFlow[] = [];
  for (const flow of flows) {
    const spans = await settledTrace(receiver, flow.traceId);
    if (spans.length === 0) continue;
    const file = `${flow.name}.svg`;
    writeFileSync(join(dir, file), renderWaterfall(`${flow.name}: ${flow.outcome}`, spans));
    drawn.push({ ...flow, file, spans: spans.length, services: [...new Set(spans.map((s) => s.service))].sort() });
  }
  writeFileSync(join(dir, 'index.html'), tracesPage(drawn));
  return drawn;
}

const html = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function tracesPage(flows: readonly DrawnFlow[]): string {
  const items = flows
    .map(
      (f) =>
        `<section><h2>${html(f.name)}</h2><p>${html(f.outcome)}</p><p class="meta">trace <code>${f.traceId}</code> · ${f.spans} spans · ${html(f.services.join(', '))}</p><a href="${html(f.file)}"><img src="${html(f.file)}" alt="waterfall of ${html(f.name)}"></a></section>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo traces</title><style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1240px}img{max-width:100%;border:1px solid #ddd}.meta{color:#555}</style></head><body><h1>Traces of the demo flows</h1><p>One trace per flow, received over OTLP from every service by <code>npm start</code>.</p>${items}</body></html>\n`;
}

/**
 * Copies the drawn flows into the catalog site (`traces/`) and adds a link to them on its home
 * page, just before the closing </main> (or </body>).
 */
export function linkFromCatalog(catalogDir: string, tracesDir: string, flows: readonly DrawnFlow[]): void {
  const home = join(catalogDir, 'index.html');
  if (!existsSync(home) || flows.length === 0) return;
  const target = join(catalogDir, 'traces');
  mkdirSync(target, { recursive: true });
  for (const file of ['index.html', ...flows.map((f) => f.file)]) writeFileSync(join(target, file), readFileSync(join(tracesDir, file)));
  const page = readFileSync(home, 'utf8');
  if (page.includes('href="traces/"')) return;
  const link = `<section class="demo-traces"><h2>Traces of the demo flows</h2><ul>${flows.map((f) => `<li><a href="traces/${html(f.file)}">${html(f.name)}</a> — ${f.spans} spans across ${f.services.length} services</li>`).join('')}</ul><p><a href="traces/">all waterfalls</a></p></section>`;
  const at = page.lastIndexOf('</main>') >= 0 ? page.lastIndexOf('</main>') : page.lastIndexOf('</body>');
  writeFileSync(home, at >= 0 ? `${page.slice(0, at)}${link}${page.slice(at)}` : `${page}${link}`);
}
