// Checks that run inside a catalog page (installed with page.addInitScript): accessibility
// smoke checks and computed text contrast. Plain browser JavaScript, so the project's
// TypeScript config (no DOM library) stays node-only.
(function () {
  'use strict';
  function describe(el) {
    var cls = typeof el.className === 'string' && el.className ? '.' + el.className.split(' ')[0] : '';
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls;
  }
  function labelled(el) {
    var label = el.getAttribute('aria-label');
    if (label && label.trim()) return true;
    var by = el.getAttribute('aria-labelledby');
    if (by && by.split(/\s+/).every(function (id) { var t = document.getElementById(id); return t && t.textContent.trim(); })) return true;
    if (el.id) {
      var l = document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
      if (l && l.textContent.trim()) return true;
    }
    return el.closest('label') !== null;
  }

  function a11yReport() {
    var controls = Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea, button, [role=combobox], [role=listbox]'));
    var svgs = Array.from(document.querySelectorAll('svg')).filter(function (s) { return !s.closest('[aria-hidden="true"]'); });
    return {
      h1: document.querySelectorAll('h1').length,
      unlabelledControls: controls.filter(function (c) { return !labelled(c); }).map(describe),
      imagesWithoutAlt: Array.from(document.querySelectorAll('img')).filter(function (i) { return !i.hasAttribute('alt'); }).map(describe),
      unlabelledSvgs: svgs.filter(function (s) {
        var t = s.querySelector(':scope > title');
        return !labelled(s) && !(t && t.textContent.trim());
      }).map(describe),
      emptyLinks: Array.from(document.querySelectorAll('a[href]')).filter(function (a) { return !a.textContent.trim() && !labelled(a); }).map(function (a) { return a.getAttribute('href'); }),
      lang: document.documentElement.lang,
      title: document.title,
    };
  }

  function parse(c) {
    var m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return [0, 0, 0, 0];
    var p = m[1].split(/[,\s/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function over(top, bottom) {
    var a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    function mix(i) { return (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a; }
    return [mix(0), mix(1), mix(2), a];
  }
  // The colour behind an element: its own and its ancestors' backgrounds composited on white.
  function background(el) {
    var layers = [];
    for (var e = el; e; e = e.parentElement) {
      var bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) layers.push(bg);
      if (bg[3] >= 1) break;
    }
    var result = [255, 255, 255, 1];
    for (var i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
    return result;
  }
  function luminance(c) {
    function f(v) { var s = v / 255; return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4); }
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  }

  function contrastFailures(min) {
    var failures = [];
    var seen = new Set();
    var checked = 0;
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {
      var el = n.parentElement;
      if (!el || seen.has(el) || !n.textContent.trim() || el.closest('svg')) continue;
      seen.add(el);
      var style = getComputedStyle(el);
      var rect = el.getBoundingClientRect();
      if (style.visibility === 'hidden' || style.display === 'none' || rect.width <= 1 || rect.height <= 1) continue;
      if (el.closest('[hidden], .sr-only') || (el.closest('details:not([open])') && !el.closest('summary'))) continue;
      var bg = background(el);
      var fg = over(parse(style.color), bg);
      var l1 = luminance(fg);
      var l2 = luminance(bg);
      var ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      checked++;
      if (ratio < min) {
        failures.push({ text: n.textContent.trim().slice(0, 40), element: describe(el), color: style.color, background: 'rgb(' + bg.slice(0, 3).map(Math.round).join(', ') + ')', ratio: Math.round(ratio * 100) / 100 });
      }
    }
    return { checked: checked, failures: failures };
  }

  // Every id on the page and every link target, resolved (SVG links included).
  function links() {
    var hrefs = Array.from(document.querySelectorAll('a[href], link[href], script[src], img[src]')).map(function (el) {
      return new URL(el.getAttribute('href') || el.getAttribute('src'), document.baseURI).href;
    });
    return { ids: Array.from(document.querySelectorAll('[id]')).map(function (e) { return e.id; }), hrefs: hrefs };
  }

  // Column geometry of every field table (payload, headers) as laid out at this viewport.
  function fieldTables() {
    var canvas = document.createElement('canvas').getContext('2d');
    var alphabet = 'abcdefghijklmnopqrstuvwxyz ';
    return Array.from(document.querySelectorAll('table.fields')).map(function (table) {
      var wrap = table.closest('.table-wrap');
      var box = wrap.getBoundingClientRect();
      var heads = Array.from(table.querySelectorAll('thead th'));
      var last = heads[heads.length - 1];
      var description = last.getBoundingClientRect();
      var style = getComputedStyle(table.querySelector('tbody td:last-child'));
      canvas.font = style.font;
      var charWidth = canvas.measureText(alphabet).width / alphabet.length;
      var textWidth = description.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      var cells = Array.from(table.querySelectorAll('td'));
      return {
        heading: last.textContent,
        sidewaysScroll: wrap.scrollWidth - wrap.clientWidth,
        descriptionRightOfView: Math.max(0, Math.round(description.right - box.right)),
        descriptionChars: Math.floor(textWidth / charWidth),
        overflowing: cells.filter(function (td) { return td.scrollWidth > td.clientWidth + 1; }).map(function (td) { return td.textContent; }),
        backticks: cells.filter(function (td) { return td.textContent.indexOf('`') >= 0; }).length,
        codeInDescriptions: table.querySelectorAll('tbody td:last-child code').length,
      };
    });
  }

  window.__catalogChecks = { a11yReport: a11yReport, contrastFailures: contrastFailures, links: links, fieldTables: fieldTables };
})();
