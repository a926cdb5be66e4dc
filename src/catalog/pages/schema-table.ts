/** A JSON Schema as a readable field table: path, type, required, rules, description. */
import type { JsonSchema } from '../../compiler/model.js';
import { html, type HtmlValue, type SafeHtml } from '../html.js';
import { formatValue, schemaRows, type SchemaRow } from '../schema-rows.js';
import { anchorId } from '../site-paths.js';
import { badge, empty, table, type TableLayout } from './parts.js';
import { markdownInline } from '../markdown.js';

function pathCell(r: SchemaRow, id: string): SafeHtml {
  const cut = r.path.lastIndexOf('.');
  const parent = cut > 0 ? r.path.slice(0, cut + 1) : '';
  const leaf = cut > 0 ? r.path.slice(cut + 1) : r.path;
  return html`<td class="path" style="padding-left:${(0.75 + r.depth * 1.1).toFixed(2)}rem"><a href="#${id}">${parent ? html`<span class="parent">${parent}</span>` : ''}<strong>${leaf}</strong></a></td>`;
}

function rules(r: SchemaRow): SafeHtml {
  const items: HtmlValue[] = [];
  if (r.format) items.push(html`<li>format ${badge(r.format)}</li>`);
  if (r.constValue) items.push(html`<li>always <code>${formatValue(r.constValue.value)}</code></li>`);
  if (r.enumValues) items.push(html`<li>one of <span class="enum">${r.enumValues.map((v) => html`<code>${formatValue(v)}</code>`)}</span></li>`);
  for (const c of r.constraints) items.push(c.startsWith('pattern ') ? html`<li>pattern <code>${c.slice(8)}</code></li>` : html`<li>${c}</li>`);
  if (r.defaultValue) items.push(html`<li>default <code>${formatValue(r.defaultValue.value)}</code></li>`);
  return items.length > 0 ? html`<ul class="constraints">${items}</ul>` : html`<span class="muted">—</span>`;
}

/**
 * Fixed column widths: sized by content, long names and patterns took the room and squeezed the
 * description to a couple of characters a line behind a sideways scroll. The description gets
 * what the others leave; everything in the table wraps inside its column.
 */
const FIELD_TABLE: TableLayout = { className: 'fields', columns: ['21%', '11%', '6.5rem', '16%', ''] };

/** Rendered tables by schema object: the envelope table is the same on every event page. */
const rendered = new WeakMap<object, Map<string, SafeHtml>>();

export function schemaTable(schema: JsonSchema | undefined, idPrefix: string, caption: string): SafeHtml {
  if (schema === undefined) return empty('No schema declared.');
  if (typeof schema !== 'object') return renderTable(schema, idPrefix, caption);
  const key = `${idPrefix}\u0000${caption}`;
  let byKey = rendered.get(schema);
  if (!byKey) rendered.set(schema, (byKey = new Map()));
  let table = byKey.get(key);
  if (!table) byKey.set(key, (table = renderTable(schema, idPrefix, caption)));
  return table;
}

function renderTable(schema: JsonSchema, idPrefix: string, caption: string): SafeHtml {
  const rows = schemaRows(schema);
  if (rows.length === 0) return empty('An empty object: no fields.');
  const seen = new Map<string, number>();
  return table(
    ['Field', 'Type', 'Required', 'Rules', 'Description'],
    rows.map((r) => {
      let id = anchorId(idPrefix, r.path);
      const n = seen.get(id) ?? 0;
      seen.set(id, n + 1);
      if (n > 0) id = `${id}-${n + 1}`;
      const isItem = r.path.endsWith('[]') || r.path.endsWith('{*}') || r.variant !== undefined;
      return html`<tr id="${id}">${pathCell(r, id)}<td><code>${r.type}</code>${r.title && !r.type.includes(r.title) ? html` <span class="muted">${r.title}</span>` : ''}</td><td>${isItem ? html`<span class="opt">—</span>` : r.required ? html`<span class="req">required</span>` : html`<span class="opt">optional</span>`}</td><td>${rules(r)}</td><td>${r.variant ? html`<span class="muted">${r.variant}.</span> ` : ''}${r.deprecated ? html`<span class="deprecated">Deprecated.</span> ` : ''}${r.description ? markdownInline(r.description) : ''}</td></tr>`;
    }),
    caption,
    FIELD_TABLE,
  );
}
