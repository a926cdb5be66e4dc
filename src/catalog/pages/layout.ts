/** The page shell every catalog page shares: head, top bar with search, breadcrumbs, footer. */
import { html, raw, type HtmlValue, type SafeHtml } from '../html.js';
import { FAVICON, href, INDEX_PAGE, rootPrefix, SEARCH_SCRIPT, STYLESHEET, systemPage } from '../site-paths.js';

export interface PageShell {
  /** Site-root relative path of this page. */
  readonly path: string;
  readonly title: string;
  readonly description: string;
  readonly systems: readonly string[];
  /** System whose nav link is current. */
  readonly currentSystem?: string;
  readonly breadcrumbs: readonly { readonly label: string; readonly to?: string }[];
  /** The index page shows a large search in its body instead of the top bar. */
  readonly heroSearch?: boolean;
  readonly toc?: readonly { readonly id: string; readonly label: string }[];
  readonly specDir: string;
  /** A `<base href>` for pages served at arbitrary paths (the 404 page). */
  readonly baseHref?: string;
  readonly body: SafeHtml;
}

const LOGO = raw(
  '<svg class="logo" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><rect x="1" y="1" width="22" height="22" rx="6" fill="#2453b8"/><circle cx="7" cy="12" r="2.4" fill="#fff"/><circle cx="17" cy="7" r="2.4" fill="#fff"/><circle cx="17" cy="17" r="2.4" fill="#fff"/><path d="M9 11.2 14.8 8M9 12.8l5.8 3.2" stroke="#fff" stroke-width="1.6"/></svg>',
);
const SEARCH_ICON = raw(
  '<svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><circle cx="7" cy="7" r="5" fill="none" stroke="currentColor" stroke-width="1.8"/><path d="m11 11 3.5 3.5" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/></svg>',
);

export function searchBox(hero: boolean): SafeHtml {
  return html`<form class="search${hero ? ' search-hero' : ''}" role="search" action="#" autocomplete="off">
<label for="search-input" class="sr-only">Search events, routing keys, fields and owners</label>${SEARCH_ICON}<input id="search-input" type="search" placeholder="${hero ? 'Search events, routing keys, fields, owners…' : 'Search…  /'}" role="combobox" aria-autocomplete="list" aria-controls="search-results" aria-expanded="false" spellcheck="false">
<div id="search-results" class="results" role="listbox" aria-label="Search results" hidden></div>
</form>`;
}

export function renderPage(p: PageShell): string {
  const to = (target: string): string => href(p.path, target);
  const crumbs: HtmlValue[] = p.breadcrumbs.map((c, i) =>
    c.to && i < p.breadcrumbs.length - 1 ? html`<li><a href="${to(c.to)}">${c.label}</a></li>` : html`<li aria-current="page">${c.label}</li>`,
  );
  const nav = p.systems.map((s) => html`<a href="${to(systemPage(s))}"${p.currentSystem === s ? raw(' aria-current="page"') : ''}>${s}</a>`);
  const main = html`<main id="main">${p.body}</main>`;
  const content = p.toc && p.toc.length > 0
    ? html`<div class="with-toc">${main}<nav class="toc" aria-label="On this page"><h2>On this page</h2><ol>${p.toc.map((t) => html`<li><a href="#${t.id}">${t.label}</a></li>`)}</ol></nav></div>`
    : main;
  return `<!doctype html>
${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${p.baseHref ? html`<base href="${p.baseHref}">` : ''}
<title>${p.title} · eventplane catalog</title>
<meta name="description" content="${p.description}">
<link rel="icon" href="${to(FAVICON)}" type="image/svg+xml">
<link rel="stylesheet" href="${to(STYLESHEET)}">
</head>
<body data-root="${p.baseHref ?? rootPrefix(p.path)}">
<a class="skip" href="#main">Skip to content</a>
<header class="topbar">
<a class="brand" href="${to(INDEX_PAGE)}">${LOGO}<span>eventplane <small>catalog</small></span></a>
<nav class="topnav" aria-label="Systems">${nav}</nav>
${p.heroSearch ? '' : searchBox(false)}
</header>
<div class="page">
${p.breadcrumbs.length > 1 ? html`<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>${crumbs}</ol></nav>` : ''}
${content}
</div>
<footer class="site">Built by <code>eventplane catalog</code> from the contracts in <code>${p.specDir}</code>. Every page is derived from the specs; edit those, not this site.</footer>
<script src="${to(SEARCH_SCRIPT)}" defer></script>
</body>
</html>`}
`;
}
