import { describe, expect, it } from 'vitest';
import { markdownBlock, markdownInline } from '../../../src/catalog/markdown.js';
import { schemaTable } from '../../../src/catalog/pages/schema-table.js';

describe('catalog markdown', () => {
  it('renders a description’s markdown: code, emphasis, links, lists', () => {
    expect(markdownInline('carried as `ce-correlationid`, **always**').value).toBe('carried as <code>ce-correlationid</code>, <strong>always</strong>');
    expect(markdownBlock('One.\n\n- a\n- b').value).toBe('<p>One.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>');
    expect(markdownInline('[spec](https://example.com/x)').value).toBe('<a href="https://example.com/x">spec</a>');
  });

  it('turns raw HTML from a spec into text, never markup', () => {
    const out = markdownBlock('Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> <a href="https://x">x</a>').value;
    expect(out).not.toMatch(/<script|<img|<a /);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;img src=x onerror=&quot;alert(2)&quot;&gt;');
  });

  it('refuses script URLs in links and images', () => {
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'vbscript:msgbox(1)', 'data:text/html;base64,PHNjcmlwdD4=']) {
      const out = markdownInline(`[click](${url}) ![i](${url})`).value;
      expect(out, url).not.toMatch(/<a |<img /);
    }
  });

  it('is what the payload table shows in its description column', () => {
    const table = schemaTable(
      { type: 'object', properties: { id: { type: 'string', description: 'Sent as `ce-id`. <script>alert(1)</script>' } } },
      'field',
      'Payload',
    ).value;
    expect(table).toContain('Sent as <code>ce-id</code>. &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(table).not.toContain('<script>');
  });
});
