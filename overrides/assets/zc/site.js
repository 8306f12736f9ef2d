// Site behaviour that needs no framework: keep the clause when switching language, and run the
// search page on Pagefind (loaded from this site only).
(function () {
  "use strict";

  // A language switch lands on the same clause: carry the #c-… fragment over.
  document.addEventListener("click", function (event) {
    var a = event.target.closest && event.target.closest("a[data-zc-keep-hash]");
    if (a && location.hash && !a.hash) { a.hash = location.hash; }
  });

  var form = document.querySelector("form[data-zc-search]");
  if (!form) { return; }
  document.querySelectorAll("[data-zc-hide-with-js]").forEach(function (el) { el.hidden = true; });
  var input = form.querySelector("input[name=q]");
  var facets = form.querySelector("[data-zc-filters]");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-zc-filter]"));
  var status = document.getElementById("zc-status");
  var list = document.getElementById("zc-results");
  var pagefind = null;
  var seq = 0;

  function load() {
    if (!pagefind) {
      var src = new URL(form.dataset.zcPagefind, location.href);
      pagefind = import(src.href).then(function (pf) {
        // Result URLs are relative to the site root, wherever the site is served from.
        var base = new URL("../", src).pathname;
        return pf.options({ excerptLength: 40, baseUrl: base }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  // A notice, then the clauses where the words occur (Pagefind's sub-results are the text under
  // each heading with an id: clause headings are #c-…; the part under the title is #title).
  function item(result, data) {
    var li = document.createElement("li");
    var title = document.createElement("a");
    title.className = "zc-results__title";
    title.href = data.url;
    title.textContent = (data.meta && data.meta.title) || data.url;
    li.appendChild(title);
    // Status at build time, as on the notice's banner (its label is the page-language filter value).
    var code = data.meta && data.meta.zc_status;
    var label = data.filters && data.filters.status && data.filters.status[0];
    if (code && label) {
      var badge = document.createElement("span");
      badge.className = "zc-badge zc-badge--" + code.replace(/[^a-z_]/g, "");
      badge.textContent = label;
      li.appendChild(document.createTextNode(" "));
      li.appendChild(badge);
    }
    var subs = (data.sub_results || []).filter(function (s) { return /#(c|h|att)-/.test(s.url); });
    subs.slice(0, 3).forEach(function (s) {
      var p = document.createElement("p");
      var a = document.createElement("a");
      a.href = s.url;
      a.textContent = s.title;
      a.className = "zc-results__clause";
      p.appendChild(a);
      p.appendChild(document.createTextNode(" "));
      appendExcerpt(p, s.excerpt);
      li.appendChild(p);
    });
    if (!subs.length) {
      var p = document.createElement("p");
      appendExcerpt(p, data.excerpt);
      li.appendChild(p);
    }
    return li;
  }

  // Pagefind excerpts mark hits with <mark>; rebuild them as DOM nodes, never as HTML.
  function appendExcerpt(parent, excerpt) {
    var span = document.createElement("span");
    span.className = "zc-results__excerpt";
    String(excerpt || "").split(/(<mark>|<\/mark>)/).reduce(function (inMark, part) {
      if (part === "<mark>") { return true; }
      if (part === "</mark>") { return false; }
      var text = document.createTextNode(decode(part));
      if (inMark) { var m = document.createElement("mark"); m.appendChild(text); span.appendChild(m); }
      else { span.appendChild(text); }
      return inMark;
    }, false);
    parent.appendChild(span);
  }

  function decode(s) {
    return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'").replace(/&amp;/g, "&");
  }

  // The filters chosen: {status: "In force", …}, values as the index holds them.
  function chosen() {
    var filters = {};
    selects.forEach(function (sel) { if (sel.value) { filters[sel.dataset.zcFilter] = sel.value; } });
    return filters;
  }

  // Each filter's values from the index, with how many notices have each; the URL's choice kept.
  function fillFilters(pf, params) {
    return pf.filters().then(function (all) {
      selects.forEach(function (sel) {
        var key = sel.dataset.zcFilter;
        var counts = all[key] || {};
        var values = Object.keys(counts).sort(function (a, b) {
          return key === "year" ? b.localeCompare(a) : a.localeCompare(b);
        });
        values.forEach(function (value) {
          var option = document.createElement("option");
          option.value = value;
          option.textContent = value + " (" + counts[value] + ")";
          sel.appendChild(option);
        });
        var wanted = params.get(key);
        if (wanted && values.indexOf(wanted) >= 0) { sel.value = wanted; }
      });
      facets.hidden = false;
    });
  }

  function run(query) {
    var mine = ++seq;
    var filters = chosen();
    list.textContent = "";
    if (!query.trim() && !Object.keys(filters).length) { status.textContent = ""; return; }
    status.textContent = form.dataset.zcLoading;
    load().then(function (pf) {
      return pf.search(query.trim() || null, { filters: filters });
    }).then(function (search) {
      if (mine !== seq) { return; }
      return Promise.all(search.results.slice(0, 20).map(function (r) { return r.data(); }))
        .then(function (datas) {
          if (mine !== seq) { return; }
          status.textContent = search.results.length
            ? form.dataset.zcCount.replace("{n}", search.results.length) : form.dataset.zcNone;
          datas.forEach(function (d, i) { list.appendChild(item(search.results[i], d)); });
        });
    }).catch(function (err) { status.textContent = String(err); });
  }

  // The query and the filters live in the URL (?q=…&status=…): a search can be bookmarked.
  function go() {
    var url = new URL(location.href);
    url.searchParams.set("q", input.value);
    selects.forEach(function (sel) {
      if (sel.value) { url.searchParams.set(sel.name, sel.value); } else { url.searchParams.delete(sel.name); }
    });
    history.replaceState(null, "", url);
    run(input.value);
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  form.addEventListener("submit", function (event) { event.preventDefault(); go(); });
  selects.forEach(function (sel) { sel.addEventListener("change", go); });
  load().then(function (pf) { return fillFilters(pf, params); }).then(function () {
    if (input.value || Object.keys(chosen()).length) { run(input.value); }
  }, function (err) { status.textContent = String(err); });
})();
