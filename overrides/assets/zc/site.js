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
  var zh = form.dataset.zcLang === "zh";
  var bundle = new URL(form.dataset.zcPagefind, location.href);
  var pagefind = null;
  var seq = 0;

  function load() {
    if (!pagefind) {
      pagefind = import(bundle.href).then(function (pf) {
        // Result URLs are relative to the site root, wherever the site is served from.
        var base = new URL("../", bundle).pathname;
        return pf.options({ excerptLength: zh ? 60 : 40, baseUrl: base }).then(function () {
          // Chinese pages are indexed as "und-Hans", already cut into words (sitegen/search.py).
          // Pagefind takes its index language from <html lang> when it starts, and would cut
          // a query for "zh-CN" (or "cmn") again with Intl.Segmenter: it starts (synchronously) under
          // lang="und-Hans", and the page's language is put back at once.
          var html = document.documentElement;
          var lang = html.getAttribute("lang");
          if (zh) { html.setAttribute("lang", "und-Hans"); }
          var started = pf.init();
          html.setAttribute("lang", lang);
          return started;
        }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  // ---- The query: Chinese cut into the index's words, synonyms added ----
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var HAN_RUNS = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)/;
  var queryData = null;
  var shards = {};

  function getQueryData() {
    if (!queryData) {
      queryData = fetch(new URL("zc-search.json", bundle)).then(function (r) {
        if (!r.ok) { throw new Error("zc-search.json: " + r.status); }
        return r.json();
      });
    }
    return queryData;
  }

  // The index's words that start with any character of `text` (shards by code point).
  function dictionary(data, text) {
    var wanted = {};
    Array.from(text).forEach(function (ch) {
      if (HAN.test(ch)) { wanted[ch.codePointAt(0) % data.shards] = true; }
    });
    return Promise.all(Object.keys(wanted).map(function (k) {
      if (!shards[k]) {
        shards[k] = fetch(new URL("zc-words/" + k + ".txt", bundle)).then(function (r) {
          return r.ok ? r.text() : "";
        });
      }
      return shards[k];
    })).then(function (texts) { return new Set(texts.join("\n").split("\n")); });
  }

  // Forward maximum matching: at each place the longest word of the index, else one character.
  function cut(run, dict, maxWord) {
    var chars = Array.from(run);
    var out = [];
    for (var i = 0; i < chars.length;) {
      var n = Math.min(maxWord, chars.length - i);
      while (n > 1 && !dict.has(chars.slice(i, i + n).join(""))) { n--; }
      out.push(chars.slice(i, i + n).join(""));
      i += n;
    }
    return out;
  }

  function tokens(query, dict, maxWord) {
    var out = [];
    query.toLowerCase().split(/\s+/).forEach(function (chunk) {
      chunk.split(HAN_RUNS).forEach(function (part) {
        if (HAN.test(part)) { out.push.apply(out, cut(part, dict, maxWord)); }
        else {
          part = part.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
          if (part) { out.push(part); }
        }
      });
    });
    return out;
  }

  // Groups, one per word or phrase of the query, each with its synonyms (phrases too:
  // sitegen/search_synonyms.yaml); any phrase of a group may match.
  function termGroups(words, synonyms) {
    var lookup = {};
    (synonyms || []).forEach(function (group) {
      group.forEach(function (phrase) { lookup[phrase.toLowerCase()] = group; });
    });
    var groups = [];
    for (var i = 0; i < words.length;) {
      var n = Math.min(3, words.length - i);
      while (n > 1 && !lookup[words.slice(i, i + n).join(" ")]) { n--; }
      var phrase = words.slice(i, i + n).join(" ");
      groups.push({ phrases: (lookup[phrase] || [phrase]).map(function (p) {
        return p.toLowerCase().split(/\s+/);
      }) });
      i += n;
    }
    return groups;
  }

  // Pagefind wants every word of a query: one query per choice of a phrase in each group
  // (at most MAX_QUERIES, the words the reader typed first).
  var MAX_QUERIES = 8;
  function queries(groups) {
    var out = [[]];
    groups.forEach(function (g) {
      var next = [];
      out.forEach(function (q) { g.phrases.forEach(function (p) { next.push(q.concat(p)); }); });
      out = next.slice(0, MAX_QUERIES);
    });
    return out.map(function (q) { return q.join(" "); });
  }

  function prepare(query) {
    if (!query.trim()) { return Promise.resolve({ texts: [null], groups: [] }); }
    return getQueryData().then(function (data) {
      return (zh ? dictionary(data, query) : Promise.resolve(new Set())).then(function (dict) {
        var groups = termGroups(tokens(query, dict, data.max_word || 1), data.synonyms[zh ? "zh" : "en"]);
        return { texts: queries(groups), groups: groups };
      });
    });
  }

  // Every query of the list; each page once, scored by its best query, with the hits of all.
  // When no page has all the words, each word alone (the ranking then prefers the clauses that
  // hold the most).
  function searchAll(pf, prepared, filters) {
    function merged(texts) {
      return Promise.all(texts.map(function (t) { return pf.search(t, { filters: filters }); }))
        .then(function (searches) {
          var pages = {};
          searches.forEach(function (s) {
            s.results.forEach(function (r) {
              var page = pages[r.id] = pages[r.id] || { id: r.id, score: r.score, results: [] };
              page.score = Math.max(page.score, r.score);
              page.results.push(r);
            });
          });
          return Object.keys(pages).map(function (k) { return pages[k]; })
            .sort(function (a, b) { return b.score - a.score; });
        });
    }
    return merged(prepared.texts).then(function (pages) {
      if (pages.length || prepared.groups.length < 2) { return pages; }
      var words = [];
      prepared.groups.forEach(function (g) { g.phrases.forEach(function (p) { words.push.apply(words, p); }); });
      return merged(words);
    });
  }

  // A page's data with the hits of every query that found it, sub-result by sub-result.
  function pageData(page) {
    var out = null;
    var subs = {};
    return page.results.reduce(function (chain, r) {
      return chain.then(function () { return r.data(); }).then(function (d) {
        if (!out) { out = { url: d.url, meta: d.meta, filters: d.filters, excerpt: d.excerpt, raw_content: d.raw_content, sub_results: [] }; }
        (d.sub_results || []).forEach(function (s) {
          var mine = subs[s.url];
          if (!mine) {
            mine = subs[s.url] = { url: s.url, title: s.title, excerpt: s.excerpt, locations: [], weighted_locations: [] };
            out.sub_results.push(mine);
          } else if (s.locations.length > mine.best) { mine.excerpt = s.excerpt; }
          mine.best = Math.max(mine.best || 0, s.locations.length);
          s.weighted_locations.forEach(function (l) {
            if (mine.locations.indexOf(l.location) < 0) { mine.locations.push(l.location); mine.weighted_locations.push(l); }
          });
        });
      });
    }, Promise.resolve()).then(function () { return out; });
  }

  // ---- Ranking: the clause (or measure) holding most of the query's words comes first ----
  function stem(word) {
    var s = word.replace(/(ies|es|s|ed|ing|y)$/, "");
    return s.length >= 3 ? s : word;
  }

  function matches(word, queryWord) {
    return queryWord.split("-").some(function (part) {
      return part && word.indexOf(zh ? part : stem(part)) === 0;
    });
  }

  // How well a clause (or measure) matches: for each group, the share of a phrase's words it
  // holds, plus one when they stand together; plus one when the query's groups stand together.
  function coverage(subResult, contentWords, groups) {
    var at = {};
    subResult.locations.forEach(function (loc) {
      at[loc] = (contentWords[loc] || "").toLowerCase().replace(/^[^\p{L}\p{N}]+/u, "");
    });
    var locs = Object.keys(at).map(Number);
    function run(seq) {  // a location where the words of `seq` follow one another
      return locs.some(function (loc) {
        return seq.every(function (q, k) { return at[loc + k] !== undefined && matches(at[loc + k], q); });
      });
    }
    var score = 0;
    groups.forEach(function (g) {
      score += Math.max.apply(null, g.phrases.map(function (p) {
        var held = p.filter(function (q) { return locs.some(function (l) { return matches(at[l], q); }); }).length;
        return held / p.length + (held === p.length && run(p) ? 1 : 0);
      }));
    });
    if (groups.length > 1 && run(groups.map(function (g) { return g.phrases[0][0]; }))) { score += 1; }
    var weight = subResult.weighted_locations.reduce(function (sum, l) { return sum + l.balanced_score; }, 0);
    return { terms: score, weight: weight };
  }

  // Among equal matches: a measure (its title names the benefit), then a clause, then a heading.
  function kind(url) {
    var hash = url.slice(url.indexOf("#") + 1);
    return hash.indexOf("m-") === 0 ? 2 : hash.indexOf("c-") === 0 ? 1 : 0;
  }

  var SHOWN = /#(c|m|h|att)-/;

  function rank(datas, groups) {
    return datas.map(function (data, order) {
      var words = String(data.raw_content || "").split(/[\r\n\s]+/g);
      var subs = (data.sub_results || []).filter(function (s) { return SHOWN.test(s.url); })
        .map(function (s) { return { sub: s, score: coverage(s, words, groups) }; });
      subs.sort(function (a, b) {
        return b.score.terms - a.score.terms || kind(b.sub.url) - kind(a.sub.url) || b.score.weight - a.score.weight;
      });
      var best = subs.length ? subs[0].score.terms : 0;
      return { data: data, subs: subs.map(function (s) { return s.sub; }), best: best, order: order };
    }).sort(function (a, b) { return b.best - a.best || a.order - b.order; });
  }

  // ---- Results ----
  // Chinese is indexed with a space between words: show it without them.
  function despace(text) {
    if (!zh) { return text; }
    return text.replace(/(\S)[ ]+(?=(<\/?mark>)*(\S))/g, function (all, before, tag, after) {
      return (isCJK(before) || isCJK(after)) ? before : all;
    });
  }

  function isCJK(ch) { return /[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’]/.test(ch); }

  function calculators(data) {
    // [[clause anchor, measure, title]…] (sitegen/search.py, index_view)
    var byClause = {};
    var list = [];
    try { list = JSON.parse((data.meta && data.meta.zc_calc) || "[]"); } catch (err) { list = []; }
    list.forEach(function (f) {
      (byClause[f[0]] = byClause[f[0]] || []).push({ id: f[1], title: f[2] });
    });
    return byClause;
  }

  function item(entry) {
    var data = entry.data;
    var li = document.createElement("li");
    var title = document.createElement("a");
    title.className = "zc-results__title";
    title.href = data.url;
    title.textContent = despace((data.meta && data.meta.title) || data.url);
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
    var calcs = calculators(data);
    var linked = {};
    entry.subs.slice(0, 3).forEach(function (s) {
      var p = document.createElement("p");
      var a = document.createElement("a");
      var hash = s.url.slice(s.url.indexOf("#") + 1);
      var measure = hash.indexOf("m-") === 0;
      a.href = s.url;
      a.className = "zc-results__clause";
      if (measure && s.excerpt) {  // a measure's text is its title: shown with the words marked
        a.appendChild(document.createTextNode(form.dataset.zcMeasure + " "));
        appendExcerpt(a, s.excerpt);
      } else {
        a.textContent = (measure ? form.dataset.zcMeasure + " " : "") + despace(s.title);
      }
      p.appendChild(a);
      if (!measure) {  // a measure's excerpt would only repeat its title
        p.appendChild(document.createTextNode(" "));
        appendExcerpt(p, s.excerpt);
      }
      // A measure that has a calculator, or a clause with one calculator: a link straight to it.
      var own = measure ? flatten(calcs).filter(function (c) { return "m-" + c.id === hash; })
        : (calcs[hash] || []).length === 1 ? calcs[hash] : [];
      own.forEach(function (c) {
        if (linked[c.id]) { return; }
        linked[c.id] = true;
        var calc = document.createElement("a");
        calc.className = "zc-results__calc";
        calc.href = s.url.slice(0, s.url.indexOf("#")) + "#m-" + c.id;
        calc.textContent = form.dataset.zcCalc.replace("{title}", function () { return c.title; });
        p.appendChild(document.createTextNode(" "));
        p.appendChild(calc);
      });
      li.appendChild(p);
    });
    if (!entry.subs.length) {
      var p = document.createElement("p");
      appendExcerpt(p, data.excerpt);
      li.appendChild(p);
    }
    return li;
  }

  function flatten(byClause) {
    return Object.keys(byClause).reduce(function (all, k) { return all.concat(byClause[k]); }, []);
  }

  // Pagefind excerpts mark hits with <mark>; rebuild them as DOM nodes, never as HTML.
  function appendExcerpt(parent, excerpt) {
    var span = document.createElement("span");
    span.className = "zc-results__excerpt";
    despace(String(excerpt || "")).split(/(<mark>|<\/mark>)/).reduce(function (inMark, part) {
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

  // Chinese typed on the English page (or English on the Chinese page) and nothing found: a
  // link to the same search in the other language's pages.
  function offerOtherLanguage(query) {
    var url = new URL(form.dataset.zcOther, location.href);
    url.searchParams.set("q", query);
    var a = document.createElement("a");
    a.href = url.href;
    a.hreflang = a.lang = form.dataset.zcOtherLang;
    a.textContent = form.dataset.zcOtherText;
    status.appendChild(document.createTextNode(" "));
    status.appendChild(a);
  }

  function count(n) {
    return n === 1 ? form.dataset.zcCountOne : form.dataset.zcCount.replace("{n}", n);
  }

  function run(query) {
    var mine = ++seq;
    var filters = chosen();
    list.textContent = "";
    if (!query.trim() && !Object.keys(filters).length) { status.textContent = ""; return; }
    status.textContent = form.dataset.zcLoading;
    var groups = [];
    Promise.all([load(), prepare(query)]).then(function (both) {
      groups = both[1].groups;
      return searchAll(both[0], both[1], filters);
    }).then(function (results) {
      if (mine !== seq) { return; }
      return Promise.all(results.slice(0, 20).map(pageData))
        .then(function (datas) {
          if (mine !== seq) { return; }
          status.textContent = results.length ? count(results.length) : form.dataset.zcNone;
          if (!results.length && query.trim() && zh !== HAN.test(query)) { offerOtherLanguage(query); }
          rank(datas, groups).forEach(function (entry) { list.appendChild(item(entry)); });
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
