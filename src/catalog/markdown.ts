/**
 * Contract descriptions are CommonMark (AsyncAPI says so): rendered with markdown-it, with raw
 * HTML turned off so a spec's `<script>` or `<img onerror>` comes out as text, and markdown-it's
 * link check refusing `javascript:`, `vbscript:`, `file:` and `data:` URLs. What it returns is
 * therefore safe to insert as markup.
 */
import MarkdownIt from 'markdown-it';
import { raw, type SafeHtml } from './html.js';

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** A description as paragraphs, lists and code blocks. */
export function markdownBlock(text: string): SafeHtml {
  return raw(md.render(text).trimEnd());
}

/** A description inside a sentence or a table cell: inline markup only, no wrapping paragraph. */
export function markdownInline(text: string): SafeHtml {
  return raw(md.renderInline(text));
}
