// eventplane catalog search: instant, client-side, no dependencies. The index is a script
// (search-index.js) rather than JSON because fetch() is refused on file:// pages; it is loaded
// on first use so pages stay light.
(function () {
  'use strict';
  var input = document.getElementById('search-input');
  var list = document.getElementById('search-results');
  if (!input || !list) return;
  var root = document.body.getAttribute('data-root') || '';
  var KIND = { e: 'event', s: 'service', y: 'system' };
  var entries = null;
  var loading = false;
  var active = -1;
  var shown = [];

  function load(then) {
    if (entries) return then();
    if (window.EVENTPLANE_SEARCH) {
      entries = window.EVENTPLANE_SEARCH.entries;
      return then();
    }
    if (loading) return;
    loading = true;
    var s = document.createElement('script');
    s.src = root + 'search-index.js';
    s.onload = function () {
      entries = (window.EVENTPLANE_SEARCH && window.EVENTPLANE_SEARCH.entries) || [];
      then();
    };
    s.onerror = function () {
      loading = false;
      list.innerHTML = '<div class="r-empty">The search index could not be loaded.</div>';
      open(true);
    };
    document.head.appendChild(s);
  }

  // Entry layout: [kind, name, title, system, routingKey, owner, url, fields (space separated), summary]
  function score(entry, terms) {
    var total = 0;
    var why = '';
    var name = entry[1].toLowerCase();
    var rk = entry[4].toLowerCase();
    var owner = entry[5].toLowerCase();
    var system = entry[3].toLowerCase();
    var title = entry[2].toLowerCase();
    var fields = entry[7];
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      var best = 0;
      if (name === t) best = 100;
      else if (name.indexOf(t) === 0) best = 70;
      else if (name.indexOf(t) >= 0) best = 50;
      if (rk) {
        if (rk === t) best = Math.max(best, 95);
        else if (rk.indexOf(t) >= 0) best = Math.max(best, 45);
      }
      if (best < 40 && title.indexOf(t) >= 0) best = 40;
      if (best < 30 && owner.indexOf(t) >= 0) { best = 30; why = why || 'owner ' + entry[5]; }
      if (best < 20 && system === t) best = 20;
      if (best < 35 && fields) {
        var lf = fields.toLowerCase();
        var at = lf.indexOf(t);
        if (at >= 0) {
          var start = lf.lastIndexOf(' ', at) + 1;
          var end = lf.indexOf(' ', at);
          var field = fields.slice(start, end < 0 ? undefined : end);
          var leaf = field.toLowerCase().split(/[.[\]{}*<>]+/).filter(Boolean).pop();
          best = leaf === t ? 35 : 25;
          why = why || 'field ' + field;
        }
      }
      if (best === 0) return null;
      total += best;
    }
    return { score: total + (entry[0] === 'e' ? 2 : 0), why: why };
  }

  function search(q) {
    var terms = q.toLowerCase().split(/\s+/).filter(Boolean);
    if (terms.length === 0) return [];
    var hits = [];
    for (var i = 0; i < entries.length; i++) {
      var r = score(entries[i], terms);
      if (r) hits.push({ e: entries[i], s: r.score, why: r.why });
    }
    hits.sort(function (a, b) { return b.s - a.s || (a.e[1] < b.e[1] ? -1 : a.e[1] > b.e[1] ? 1 : 0); });
    return hits.slice(0, 25);
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function open(yes) {
    list.hidden = !yes;
    input.setAttribute('aria-expanded', yes ? 'true' : 'false');
  }

  function select(i) {
    var items = list.querySelectorAll('a');
    for (var k = 0; k < items.length; k++) items[k].setAttribute('aria-selected', k === i ? 'true' : 'false');
    active = i;
    if (i >= 0 && items[i]) {
      input.setAttribute('aria-activedescendant', items[i].id);
      items[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function render() {
    var q = input.value.trim();
    if (!q) { list.innerHTML = ''; open(false); return; }
    shown = search(q);
    if (shown.length === 0) {
      list.innerHTML = '<div class="r-empty" role="status">No event, service or field matches “' + esc(q) + '”.</div>';
    } else {
      list.innerHTML = shown.map(function (h, i) {
        var e = h.e;
        var meta = [KIND[e[0]], e[3]];
        if (e[4]) meta.push(e[4]);
        if (h.why) meta.push(h.why);
        else if (e[5]) meta.push(e[5]);
        return '<a role="option" id="sr-' + i + '" aria-selected="false" href="' + esc(root + e[6]) + '">' +
          '<span class="r-name">' + esc(e[1]) + '</span>' +
          '<span class="r-meta">' + esc(meta.join(' · ')) + '</span></a>';
      }).join('');
    }
    open(true);
    select(shown.length > 0 ? 0 : -1);
  }

  function update() { load(render); }

  input.addEventListener('input', update);
  input.addEventListener('focus', function () {
    load(function () { if (input.value.trim()) render(); });
  });
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowDown' && shown.length) { ev.preventDefault(); select(Math.min(active + 1, shown.length - 1)); }
    else if (ev.key === 'ArrowUp' && shown.length) { ev.preventDefault(); select(Math.max(active - 1, 0)); }
    else if (ev.key === 'Enter') {
      var target = list.querySelectorAll('a')[active >= 0 ? active : 0];
      if (target) { ev.preventDefault(); window.location.href = target.getAttribute('href'); }
    } else if (ev.key === 'Escape') { open(false); input.blur(); }
  });
  document.addEventListener('keydown', function (ev) {
    var tag = (ev.target && ev.target.tagName) || '';
    if (ev.key === '/' && tag !== 'INPUT' && tag !== 'TEXTAREA') { ev.preventDefault(); input.focus(); }
  });
  document.addEventListener('click', function (ev) {
    if (!list.contains(ev.target) && ev.target !== input) open(false);
  });
  var form = input.form;
  if (form) form.addEventListener('submit', function (ev) { ev.preventDefault(); });

  // Deep link into a search: index.html?q=order.created
  var m = /[?&]q=([^&#]*)/.exec(window.location.search);
  if (m) {
    input.value = decodeURIComponent(m[1].replace(/\+/g, ' '));
    update();
  }
})();
