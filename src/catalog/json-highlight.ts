/**
 * Pretty-printed JSON as escaped HTML with token classes, done at build time so example
 * blocks are highlighted without shipping a highlighter to the browser.
 */
import { escapeHtml, raw, type SafeHtml } from './html.js';

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;

export function highlightJson(value: unknown): SafeHtml {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  let out = '';
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    out += escapeHtml(text.slice(last, m.index));
    const [whole, str, colon, num, lit] = m;
    if (str !== undefined) {
      out += colon !== undefined ? `<span class="j-key">${escapeHtml(str)}</span>${colon}` : `<span class="j-str">${escapeHtml(str)}</span>`;
    } else if (num !== undefined) {
      out += `<span class="j-num">${num}</span>`;
    } else if (lit !== undefined) {
      out += `<span class="j-lit">${lit}</span>`;
    }
    last = m.index + whole.length;
  }
  out += escapeHtml(text.slice(last));
  return raw(out);
}
