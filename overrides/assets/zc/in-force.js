// The in-force page: list the notices (and their measures) in force on the day the reader picks.
// Statuses are not computed here: data/versions.json gives each version's status periods, made at
// build time from sitegen.lifecycle (sitegen/pointintime.py); this only finds the period holding
// the day. Without JavaScript the page shows the list as of the build date.
(function () {
  "use strict";

  var form = document.querySelector("form[data-zc-in-force]");
  if (!form) { return; }
  var input = form.querySelector("input[name=on]");
  var list = document.getElementById("zc-in-force-list");
  var heading = document.getElementById("zc-in-force-status");
  var lang = form.dataset.zcLang;
  var root = new URL(form.dataset.zcRoot, location.href);
  var index = null;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var DAY = /^\d{4}-\d{2}-\d{2}$/;

  form.hidden = false;
  document.querySelectorAll("[data-zc-hide-with-js]").forEach(function (el) { el.hidden = true; });

  function load() {
    if (!index) {
      index = fetch(new URL(form.dataset.zcIndex, location.href)).then(function (r) {
        if (!r.ok) { throw new Error(r.status + " " + r.url); }
        return r.json();
      });
    }
    return index;
  }

  // As sitegen.text.format_date: 2024年2月15日 / 15 February 2024.
  function formatDay(iso) {
    var y = +iso.slice(0, 4), m = +iso.slice(5, 7), d = +iso.slice(8, 10);
    return lang === "zh" ? y + "年" + m + "月" + d + "日" : d + " " + MONTHS[m - 1] + " " + y;
  }

  // ISO days compare as strings; a missing bound is open.
  function statusOn(version, day) {
    for (var i = 0; i < version.periods.length; i++) {
      var p = version.periods[i];
      if ((p.from === null || p.from <= day) && (p.to === null || day <= p.to)) { return p.status; }
    }
    return null;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function item(notice, version) {
    var url = new URL(version.url[lang], root).href;
    var li = el("li", "zc-item");
    li.dataset.notice = notice.id;
    li.dataset.version = String(version.version);
    var a = el("a", "zc-item__title", version.title[lang]);
    a.href = url;
    li.appendChild(a);
    var meta = el("span", "zc-item__meta");
    meta.appendChild(el("span", "", form.dataset.zcVersionLabel.replace("{k}", version.version)));
    if (version.doc_number) { meta.appendChild(el("span", "", version.doc_number)); }
    meta.appendChild(el("span", "", version.in_force.map(function (p) {
      return (p.from ? formatDay(p.from) : "") + " – " + (p.to ? formatDay(p.to) : form.dataset.zcOpenEnd) +
        (p.measures_end ? (lang === "zh" ? "（" + form.dataset.zcMeasuresEnd + "）" : " (" + form.dataset.zcMeasuresEnd + ")") : "");
    }).join("; ")));
    li.appendChild(meta);
    if (version.measures.length) {
      var ul = el("ul", "zc-in-force__measures");
      version.measures.forEach(function (m) {
        var mli = el("li");
        var link = el("a", "", m.title[lang]);
        link.href = url + "#m-" + m.id;
        mli.appendChild(link);
        if (m.calculator) { mli.appendChild(el("span", "zc-count", " (" + form.dataset.zcCalculator + ")")); }
        ul.appendChild(mli);
      });
      li.appendChild(ul);
    }
    return li;
  }

  function show(day) {
    if (!DAY.test(day)) { return; }
    load().then(function (data) {
      var found = [];
      data.notices.forEach(function (notice) {
        notice.versions.forEach(function (version) {
          if (statusOn(version, day) === "in_force") { found.push(item(notice, version)); }
        });
      });
      list.textContent = "";
      found.forEach(function (li) { list.appendChild(li); });
      heading.textContent = form.dataset.zcCount.replace("{date}", formatDay(day)).replace("{n}", found.length);
      form.dataset.zcShown = day;    // tests wait on this
    }).catch(function (err) { heading.textContent = form.dataset.zcFailed + String(err.message || err); });
  }

  var initial = new URLSearchParams(location.search).get("on");
  if (initial && DAY.test(initial)) { input.value = initial; }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = new URL(location.href);
    url.searchParams.set("on", input.value);
    history.replaceState(null, "", url);
    show(input.value);
  });
  input.addEventListener("change", function () { show(input.value); });
  show(input.value);
})();
