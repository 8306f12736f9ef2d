// The finder page (issue 16.3): one company profile, every measure of every notice.
//
// Questions: where the company is and the day first (a GB/T 2260 picker built at build time from
// the regions the notices cover, sitegen/regions.py), then, one at a time, the fact that decides
// the most open measures (`next_facts` of calculators.finder.find). Each answer re-runs `find` in
// the calculators' Pyodide worker (calculator.js's engine, message type "find"): nothing leaves the
// browser. The finder data (data/finder/, sitegen/finder_data.py) is loaded by region and year:
// index.json lists the bundles ("r33" = province 33 or "national"; a year or "undated"); the page
// asks for facts.json and the bundles of the company's province and the day's year, which the
// worker merges (calculators.finder.merge_bundles).
//
// A fact given by period (`by: month` in policies/facts.yaml) is asked per period: a need
// "insured_employees@2024-01" is one question, and the profile holds it under that name.
//
// The profile lives in the fragment (#finder?on=…&region=…&f.<fact>=<value>&skip=a,b): a private
// share link, as the fragment never reaches a server. It is written to localStorage only when the
// reader presses "remember", and removed by "forget".
//
// For tests: the root element gets data-state = idle | loading | ready | error, and the counts
// element data-possible / data-eligible / data-ruled-out. Marks "zc-finder-ask" (an answer given)
// and "zc-finder-result" (its results shown) time each step (benchmarks/finder.py).
(() => {
  "use strict";

  const root = document.querySelector("[data-zc-finder]");
  if (!root) return;
  const lang = root.dataset.zcLang === "en" ? "en" : "zh";
  const STORE = "zhengce-finder-profile";
  const ELSEWHERE = "000000"; // a company outside every covered region: only nationwide measures apply
  const PREFIX = "f.";
  const $ = (id) => document.getElementById(id);

  const TEXT = {
    zh: {
      counts: (c) => `可能适用 ${c.possible} 项 · 符合条件 ${c.eligible} 项 · 已排除 ${c.ruled_out} 项`,
      loading: "正在加载计算引擎……（首次约需几秒）",
      failed: "查找无法运行：",
      yes: "是", no: "否",
      skipped: "已跳过",
      location: "所在地区", on: "日期",
      elsewhere: "其他地区（仅全国性措施）",
      state: { eligible: "符合条件", ineligible: "不符合条件", depends: "取决于尚未回答的问题" },
      amount: { exact: "金额：", up_to: "最高：", at_least: "不低于：", range: "金额范围：" },
      yuan: "元",
      needs: "还需回答：",
      reasons: "理由：",
      calculator: "用计算器核算（已填入您的回答）",
      total: (min, max) => `贵单位合计（已按不重复享受、就高等规则；发给职工或个人的不计入）：${max === null ? `不低于 ${min} 元（部分金额尚无上限）` : min === max ? `${min} 元` : `${min} 至 ${max} 元`}`,
      paidToOthers: { worker: "发给职工本人，不计入贵单位合计（可告知职工申领）。", individual: "发给个人，不计入贵单位合计。" },
      noTotal: "目前尚无可计算的金额。",
      relations: "适用的规则：",
      none: "没有符合所选地区和日期的措施。",
      windows: { qualifying: "规定期间", application: "申请期限" },
      windowState: { open: "进行中", not_yet_open: "尚未开始", closed: "已结束", undated: "未规定起止日期" },
      chooseRegion: "请选择企业所在的省级地区。",
      badDay: "请输入 1900 至 2199 年间的有效日期。",
      notANumber: "请输入数字。",
      allAnswered: "问题已全部回答或跳过。",
      question: (n) => `问题 ${n}`,
      remembered: "已在本浏览器中保存。",
      forgotten: "已删除保存的回答。",
      notCounted: "未计入（当日不在有效期内）",
      dependsOwn: "取决于本措施特有的数据",
      ownInputs: (n) => `另有 ${n} 项本措施特有的数据，请在计算器中填写。`,
    },
    en: {
      counts: (c) => `Possible: ${c.possible} · Eligible: ${c.eligible} · Ruled out: ${c.ruled_out}`,
      loading: "Loading the engine… (a few seconds the first time)",
      failed: "The finder cannot run: ",
      yes: "Yes", no: "No",
      skipped: "skipped",
      location: "Location", on: "Day",
      elsewhere: "Elsewhere (nationwide measures only)",
      state: { eligible: "Eligible", ineligible: "Not eligible", depends: "Depends on questions not yet answered" },
      amount: { exact: "Amount: ", up_to: "Up to ", at_least: "At least ", range: "Between " },
      yuan: "yuan",
      needs: "Still to answer: ",
      reasons: "Why: ",
      calculator: "Check it in the calculator (your answers filled in)",
      total: (min, max) => `Your company's total (after the rules on combining measures; sums paid to employees or individuals left out): ${max === null ? `at least ${min} yuan (some amounts have no upper bound yet)` : min === max ? `${min} yuan` : `${min} to ${max} yuan`}`,
      paidToOthers: { worker: "Paid to the employees themselves, not in your company's total (tell them they can apply).", individual: "Paid to individuals, not in your company's total." },
      noTotal: "No amount can be calculated yet.",
      relations: "Rules applied: ",
      none: "No measure covers the chosen place and day.",
      windows: { qualifying: "Qualifying period", application: "Application window" },
      windowState: { open: "open", not_yet_open: "not yet open", closed: "closed", undated: "no dates stated" },
      chooseRegion: "Choose the province the company is in.",
      badDay: "Enter a valid day between 1900 and 2199.",
      notANumber: "Enter a number.",
      allAnswered: "Every question has been answered or skipped.",
      question: (n) => `Question ${n}`,
      remembered: "Saved in this browser.",
      forgotten: "The saved answers are deleted.",
      notCounted: "not counted (not in force on the day)",
      dependsOwn: "Depends on figures specific to this measure",
      ownInputs: (n) => `${n} more figure${n === 1 ? "" : "s"} specific to this measure: enter ${n === 1 ? "it" : "them"} in its calculator.`,
    },
  }[lang];

  const regions = JSON.parse(root.dataset.zcRegions || "[]");
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const dataBase = new URL(root.dataset.zcData, location.href);
  const siteRoot = new URL(root.dataset.zcRoot, location.href);
  const ui = root.querySelector("[data-zc-finder-ui]");
  const where = $("zc-finder-where");
  const question = $("zc-finder-question");
  const counts = $("zc-finder-counts");
  const answersBox = root.querySelector(".zc-finder__answers");
  const resultsBox = root.querySelector(".zc-finder__results");
  const showAll = $("zc-finder-all");

  // The profile: location and day, the facts answered, the facts skipped.
  let profile = { region: null, on: null, facts: {}, skipped: [] };
  let vocabulary = null; // data/finder/facts.json
  let index = null; // data/finder/index.json
  let last = null; // the last find result
  let asking = null; // the fact id on display
  let runId = 0;

  ui.hidden = false;
  document.querySelectorAll("[data-zc-hide-with-js]").forEach((e) => { e.hidden = true; });
  // The engine boots (a second or two) while the reader picks the place, as calculators do on a
  // first touch; the finder's index and facts come with it.
  const wake = () => {
    engine().then((eng) => eng && eng.start());
    getJson("facts.json").catch(() => {});
    getJson("index.json").catch(() => {});
  };
  for (const type of ["pointerover", "focusin", "pointerdown"]) where.addEventListener(type, wake, { once: true, passive: true });
  root.dataset.state = "idle";

  // ---- data ------------------------------------------------------------------------------------

  const cache = new Map();
  function getJson(name) {
    if (!cache.has(name)) {
      const p = fetch(new URL(name, dataBase)).then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${name}: HTTP ${r.status}`))));
      p.catch(() => cache.delete(name));
      cache.set(name, p);
    }
    return cache.get(name);
  }

  // facts.json, then the bundles for a place and a day: nationwide ones and the company's
  // province ("r" + its first two digits), of the day's year or undated.
  function bundleUrls(idx, code, on) {
    const year = on.slice(0, 4);
    const files = (idx.bundles || []).filter((b) =>
      (b.region === "national" || b.region === `r${code.slice(0, 2)}`) && (String(b.year) === year || b.year === "undated"));
    return ["facts.json", ...files.map((b) => b.file)].map((f) => new URL(f, dataBase).href);
  }

  // {fact id: declaration} from facts.json ({"facts": [declarations]})
  let factMap = null;
  function factsOf(vocab) {
    if (!factMap && vocab) factMap = Object.fromEntries((vocab.facts || []).map((f) => [f.id, f]));
    return factMap || {};
  }
  // A need is a fact id, or "<fact>@<period>" for a fact given by period.
  function factOf(need) {
    return factsOf(vocabulary)[need.split("@")[0]] || {};
  }
  function needLabel(need) {
    const [id, period] = need.split("@");
    const text = label(factOf(need).label) || id;
    if (!period) return text;
    return lang === "zh" ? `${text}（${period}）` : `${text} (${period})`;
  }
  // The profile's answers as `find` reads them: a fact by period becomes {period: value}.
  function engineFacts() {
    const facts = {};
    for (const [need, value] of Object.entries(profile.facts)) {
      const [id, period] = need.split("@");
      if (period) (facts[id] = facts[id] || {})[period] = value;
      else facts[id] = value;
    }
    return facts;
  }
  function regionFact() {
    const facts = factsOf(vocabulary);
    return Object.keys(facts).find((id) => facts[id].type === "region") || "region";
  }
  function label(text) {
    if (text === null || text === undefined) return "";
    if (typeof text === "string") return text;
    return text[lang] || text.zh || "";
  }

  // ---- engine ----------------------------------------------------------------------------------

  function engine() {
    return new Promise((resolve) => {
      const ready = () => window.zhengceCalculator && window.zhengceCalculator.engine;
      if (ready()) return resolve(ready());
      window.addEventListener("load", () => resolve(ready()), { once: true });
    });
  }

  async function run() {
    if (!profile.region || !profile.on) return;
    const mine = ++runId;
    performance.mark("zc-finder-ask");
    root.dataset.state = "loading";
    root.setAttribute("aria-busy", "true");
    const eng = await engine();
    if (!eng) return failed({ message_zh: "calculator.js 未加载", message_en: "calculator.js did not load" });
    if (eng.state !== "ready") counts.textContent = TEXT.loading;
    try {
      [vocabulary, index] = await Promise.all([getJson("facts.json"), getJson("index.json")]);
      root.dataset.regionFact = regionFact();
      const facts = { ...engineFacts(), [regionFact()]: profile.region };
      const started = performance.now();
      const result = await eng.request("find", {
        bundle_urls: bundleUrls(index, profile.region, profile.on), facts, on: profile.on, lang,
        include_all: showAll.checked,
      });
      if (mine !== runId) return; // a later answer overtook this one
      root.dataset.ms = String(Math.round(performance.now() - started));
      last = result;
      render(result);
      root.dataset.state = "ready";
      performance.mark("zc-finder-result");
    } catch (error) {
      if (mine === runId) failed(error || {});
    } finally {
      if (mine === runId) root.removeAttribute("aria-busy");
    }
  }

  function failed(error) {
    root.dataset.state = "error";
    counts.textContent = TEXT.failed + (lang === "en" ? error.message_en || error.message : error.message_zh || error.message);
  }

  // ---- the location question ------------------------------------------------------------------

  const selects = { province: $("zc-finder-province"), city: $("zc-finder-city"), district: $("zc-finder-district") };
  const onInput = $("zc-finder-on");
  const whereError = $("zc-finder-where-error");

  function fillLevel(level, parent) {
    const select = selects[level];
    const box = select.closest("[data-zc-level]");
    const children = parent && parent !== "elsewhere" ? regions.filter((r) => r.parent === parent) : [];
    box.hidden = children.length === 0;
    const whole = byCode.get(parent);
    select.replaceChildren(
      option("", whole ? TEXT_IN(whole) : ""),
      ...children.map((r) => option(r.code, r[lang])),
    );
  }
  // "(the whole province / elsewhere in it)": choosing no lower level places the company at this one
  function TEXT_IN(region) {
    return lang === "zh" ? `其他（${region.zh}内其他地区）` : `Elsewhere in ${region.en}`;
  }
  function option(value, text) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }
  selects.province.addEventListener("change", () => { fillLevel("city", selects.province.value); fillLevel("district", null); });
  selects.city.addEventListener("change", () => fillLevel("district", selects.city.value));

  function chosenRegion() {
    const p = selects.province.value;
    if (!p) return null;
    if (p === "elsewhere") return ELSEWHERE;
    return selects.district.value || selects.city.value || p;
  }
  function showRegion(code) {
    if (!code) return;
    if (code === ELSEWHERE) {
      selects.province.value = "elsewhere";
      fillLevel("city", null);
      fillLevel("district", null);
      return;
    }
    const chain = [code.slice(0, 2) + "0000", code.slice(0, 4) + "00", code].filter((c, i, a) => a.indexOf(c) === i);
    selects.province.value = byCode.has(chain[0]) ? chain[0] : "elsewhere";
    fillLevel("city", selects.province.value);
    if (chain[1] && byCode.has(chain[1]) && chain[1] !== chain[0]) selects.city.value = chain[1];
    fillLevel("district", selects.city.value || null);
    if (chain[2] && byCode.has(chain[2]) && chain[2] !== chain[1]) selects.district.value = chain[2];
  }
  function regionName(code) {
    if (code === ELSEWHERE) return TEXT.elsewhere;
    const chain = [code.slice(0, 2) + "0000", code.slice(0, 4) + "00", code].filter((c, i, a) => a.indexOf(c) === i);
    return chain.filter((c) => byCode.has(c)).map((c) => byCode.get(c)[lang]).join(lang === "zh" ? "" : ", ") || code;
  }

  where.addEventListener("submit", (event) => {
    event.preventDefault();
    const region = chosenRegion();
    const on = onInput.value;
    whereError.hidden = true;
    for (const f of [selects.province, onInput]) f.removeAttribute("aria-invalid");
    const bad = !region ? [selects.province, TEXT.chooseRegion] : !validDay(on) ? [onInput, TEXT.badDay] : null;
    if (bad) {
      bad[0].setAttribute("aria-invalid", "true");
      bad[0].setAttribute("aria-describedby", "zc-finder-where-error");
      whereError.textContent = bad[1];
      whereError.hidden = false;
      bad[0].focus();
      return;
    }
    profile.region = region;
    profile.on = on;
    where.hidden = true;
    changed({ focusQuestion: true });
  });

  function validDay(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    if (!m) return false;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    return y >= 1900 && y <= 2199 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
  }

  // Today in the reader's own time zone (the build date is only the no-script default).
  function localToday() {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  }

  // ---- one fact question ---------------------------------------------------------------------

  function nextFact(result) {
    return (result.next_facts || []).find((id) => !(id in profile.facts) && !profile.skipped.includes(id)) || null;
  }

  function choicesOf(fact) {
    const list = fact.values || fact.options || fact.choices || fact.enum;
    if (!list) return null;
    if (!Array.isArray(list)) return Object.entries(list).map(([value, text]) => ({ value, text: label(text) }));
    return list.map((v) => (typeof v === "object" ? { value: String(v.value ?? v.id ?? v.code), text: label(v.label || v.name || v.value) } : { value: String(v), text: String(v) }));
  }

  function ask(id, { focus = false } = {}) {
    asking = id;
    if (!id) {
      question.hidden = true;
      question.replaceChildren();
      return;
    }
    const fact = factOf(id);
    const type = String(fact.type || "text");
    const current = profile.facts[id];
    const field = document.createElement("fieldset");
    const legend = el("legend", {}, needLabel(id));
    field.append(legend);
    const helpId = "zc-finder-q-help";
    const help = label(fact.help);
    const choices = type === "bool" || type === "boolean" ? [{ value: "true", text: TEXT.yes }, { value: "false", text: TEXT.no }] : choicesOf(fact);
    if (choices) {
      const group = el("div", { class: "zc-finder__choices" });
      choices.forEach((c, i) => {
        const input = el("input", { type: "radio", name: "value", id: `zc-finder-q-${i}`, value: c.value });
        if (current !== undefined && String(current) === c.value) input.checked = true;
        group.append(el("div", { class: "zc-finder__choice" }, input, " ", el("label", { for: `zc-finder-q-${i}` }, c.text)));
      });
      field.append(group);
    } else {
      const input = el("input", {
        id: "zc-finder-q-value", name: "value", type: type === "date" ? "date" : "text",
        autocomplete: "off",
      });
      if (type !== "date" && type !== "text" && type !== "string") input.setAttribute("inputmode", "decimal");
      if (current !== undefined) input.value = typeof current === "object" ? JSON.stringify(current) : String(current);
      const unit = label(fact.unit);
      field.append(el("div", { class: "zc-finder__field" },
        el("label", { for: "zc-finder-q-value", class: "zc-sr-only" }, needLabel(id)), input,
        unit ? el("span", { class: "zc-finder__unit" }, " ", unit) : ""));
    }
    if (help) field.append(el("p", { class: "zc-finder__help", id: helpId }, help));
    if (help) field.setAttribute("aria-describedby", helpId);
    const error = el("p", { class: "zc-finder__error", id: "zc-finder-q-error", role: "alert" });
    error.hidden = true;
    question.replaceChildren(
      el("h2", { id: "zc-finder-q-h", tabindex: "-1" }, TEXT.question(Object.keys(profile.facts).length + profile.skipped.length + 1)),
      field, error,
      el("p", { class: "zc-finder__buttons" },
        el("button", { type: "submit", "data-zc-answer": "" }, lang === "zh" ? "确定" : "Answer"), " ",
        el("button", { type: "button", "data-zc-skip": "" }, lang === "zh" ? "跳过" : "Skip")),
    );
    question.dataset.fact = id;
    question.hidden = false;
    if (focus) question.querySelector("input").focus();
  }

  function readAnswer(id) {
    const fact = factOf(id);
    const type = String(fact.type || "text");
    const checked = question.querySelector("input[name=value]:checked");
    const input = checked || question.querySelector("input[name=value]:not([type=radio])");
    const raw = input ? input.value.trim() : "";
    if (raw === "") return { error: lang === "zh" ? "请回答，或选择“跳过”。" : "Answer, or choose “Skip”." };
    if (type === "bool" || type === "boolean") return { value: raw === "true" };
    if (type === "list" || raw.startsWith("[")) {
      try { return { value: JSON.parse(raw) }; } catch { return { error: TEXT.notANumber }; }
    }
    if (/number|money|count|percent|energy/.test(type)) {
      const cleaned = raw.replace(/[,，\s]/g, "");
      if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return { error: TEXT.notANumber };
      return { value: cleaned }; // a decimal string: the engine keeps money exact
    }
    if (type === "date" && !validDay(raw)) return { error: TEXT.badDay };
    return { value: raw };
  }

  question.addEventListener("submit", (event) => {
    event.preventDefault();
    const id = question.dataset.fact;
    const answer = readAnswer(id);
    const error = $("zc-finder-q-error");
    if (answer.error) {
      error.textContent = answer.error;
      error.hidden = false;
      const input = question.querySelector("input");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "zc-finder-q-error");
      input.focus();
      return;
    }
    profile.facts[id] = answer.value;
    profile.skipped = profile.skipped.filter((s) => s !== id);
    changed({ focusQuestion: true });
  });
  question.addEventListener("click", (event) => {
    if (!event.target.closest("[data-zc-skip]")) return;
    const id = question.dataset.fact;
    delete profile.facts[id];
    if (!profile.skipped.includes(id)) profile.skipped.push(id);
    changed({ focusQuestion: true });
  });

  // ---- answers, share link, remember/forget ----------------------------------------------------

  function shown(id, value) {
    const fact = factOf(id);
    if (value === true) return TEXT.yes;
    if (value === false) return TEXT.no;
    const choices = choicesOf(fact);
    const hit = choices && choices.find((c) => c.value === String(value));
    if (hit) return hit.text;
    const unit = label(fact.unit);
    const text = typeof value === "object" ? JSON.stringify(value) : String(value);
    return (/^-?\d+(\.\d+)?$/.test(text) ? money(text) : text) + (unit ? ` ${unit}` : "");
  }

  function renderAnswers() {
    const list = $("zc-finder-answers");
    const rows = [];
    const row = (name, value, change) => {
      rows.push(el("dt", {}, name));
      rows.push(el("dd", {}, value, " ", el("button", { type: "button", class: "zc-finder__change", ...change },
        lang === "zh" ? "修改" : "Change", el("span", { class: "zc-sr-only" }, `: ${name}`))));
    };
    row(TEXT.location, regionName(profile.region), { "data-zc-change": "where" });
    row(TEXT.on, profile.on, { "data-zc-change": "where" });
    for (const [id, value] of Object.entries(profile.facts)) row(needLabel(id), shown(id, value), { "data-zc-change": id });
    for (const id of profile.skipped) row(needLabel(id), TEXT.skipped, { "data-zc-change": id });
    list.replaceChildren(...rows);
    answersBox.hidden = false;
    $("zc-finder-share").href = fragment();
  }

  $("zc-finder-answers").addEventListener("click", (event) => {
    const button = event.target.closest("[data-zc-change]");
    if (!button) return;
    const what = button.dataset.zcChange;
    if (what === "where") {
      where.hidden = false;
      showRegion(profile.region);
      onInput.value = profile.on;
      selects.province.focus();
    } else {
      ask(what, { focus: true });
      question.scrollIntoView({ block: "nearest" });
    }
  });

  function fragment() {
    const params = new URLSearchParams();
    params.set("on", profile.on);
    params.set("region", profile.region);
    for (const [id, value] of Object.entries(profile.facts)) params.set(PREFIX + id, typeof value === "object" ? JSON.stringify(value) : String(value));
    if (profile.skipped.length) params.set("skip", profile.skipped.join(","));
    return `#finder?${params}`;
  }

  function readProfile(text) {
    const m = /^#?finder\?(.*)$/.exec(text || "");
    if (!m) return null;
    const params = new URLSearchParams(m[1]);
    const p = { region: params.get("region"), on: params.get("on"), facts: {}, skipped: [] };
    if (!p.region || !/^\d{6}$/.test(p.region) || !validDay(p.on)) return null;
    for (const [k, v] of params) {
      if (!k.startsWith(PREFIX)) continue;
      p.facts[k.slice(PREFIX.length)] = v === "true" ? true : v === "false" ? false : v.startsWith("[") || v.startsWith("{") ? safeJson(v) : v;
    }
    p.skipped = (params.get("skip") || "").split(",").filter(Boolean);
    return p;
  }
  function safeJson(v) {
    try { return JSON.parse(v); } catch { return v; }
  }

  const remember = $("zc-finder-remember");
  const forget = $("zc-finder-forget");
  function storage() {
    try { return window.localStorage; } catch { return null; }
  }
  function saved() {
    const s = storage();
    return s ? s.getItem(STORE) : null;
  }
  remember.addEventListener("click", () => {
    const s = storage();
    if (!s) return;
    s.setItem(STORE, fragment());
    forget.hidden = false;
    counts.textContent = TEXT.remembered + " " + counts.textContent.replace(TEXT.forgotten, "").replace(TEXT.remembered, "").trim();
  });
  forget.addEventListener("click", () => {
    const s = storage();
    if (s) s.removeItem(STORE);
    forget.hidden = true;
    remember.focus();
    counts.textContent = TEXT.forgotten + " " + counts.textContent.replace(TEXT.remembered, "").replace(TEXT.forgotten, "").trim();
  });

  // ---- results ---------------------------------------------------------------------------------

  function money(amount) {
    const m = /^(-?)(\d+)(\.\d+)?$/.exec(String(amount));
    if (!m) return String(amount);
    return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (m[3] || "");
  }

  function amountText(m) {
    if (m.amount !== null && m.amount !== undefined) {
      return (TEXT.amount[m.amount_kind] || TEXT.amount.exact) + money(m.amount) + " " + TEXT.yuan;
    }
    if (m.amount_min !== null && m.amount_min !== undefined && m.amount_max !== null && m.amount_max !== undefined) {
      if (m.amount_min === m.amount_max) return TEXT.amount.exact + money(m.amount_min) + " " + TEXT.yuan;
      if (Number(m.amount_min) === 0) return TEXT.amount.up_to + money(m.amount_max) + " " + TEXT.yuan;
      return lang === "zh" ? `${TEXT.amount.range}${money(m.amount_min)} 至 ${money(m.amount_max)} 元`
        : `${TEXT.amount.range}${money(m.amount_min)} and ${money(m.amount_max)} yuan`;
    }
    if (m.amount_max !== null && m.amount_max !== undefined) return TEXT.amount.up_to + money(m.amount_max) + " " + TEXT.yuan;
    if (m.amount_min !== null && m.amount_min !== undefined && m.amount_min !== "0" && m.amount_min !== "0.00") {
      return TEXT.amount.at_least + money(m.amount_min) + " " + TEXT.yuan;
    }
    return "";
  }

  // The measure's calculator, pre-filled: #calc/<measure>?<input>=<value>&…&_on=<day> (the
  // fragment calculator.js reads; a list is one parameter holding its JSON).
  function calculatorLink(m) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(m.prefill || {})) {
      if (v === null || v === undefined) continue;
      params.set(k, typeof v === "object" ? JSON.stringify(v) : String(v));
    }
    params.set("_on", profile.on);
    const page = new URL(`${lang}/n/${encodeURIComponent(m.notice)}/`, siteRoot);
    return `${page.href}#calc/${encodeURIComponent(m.measure)}?${params}`;
  }

  function render(result) {
    const c = result.counts || { possible: 0, eligible: 0, ruled_out: 0 };
    counts.textContent = TEXT.counts(c);
    counts.dataset.possible = c.possible;
    counts.dataset.eligible = c.eligible;
    counts.dataset.ruledOut = c.ruled_out;

    const total = result.total || {};
    const totalBox = $("zc-finder-total");
    const hasTotal = total.amount_min !== null && total.amount_min !== undefined;
    totalBox.replaceChildren(hasTotal ? el("strong", {}, TEXT.total(money(total.amount_min), total.amount_max === null || total.amount_max === undefined ? null : money(total.amount_max))) : TEXT.noTotal);
    totalBox.dataset.min = hasTotal ? total.amount_min : "";
    totalBox.dataset.max = hasTotal ? (total.amount_max ?? "") : "";
    if ((total.applied_relations || []).length) {
      totalBox.append(el("span", { class: "zc-finder__relations" }, " ", TEXT.relations,
        el("ul", {}, ...total.applied_relations.map((r) => el("li", {}, label(r))))));
    }

    const groups = new Map();
    for (const m of result.measures || []) {
      if (!groups.has(m.notice)) groups.set(m.notice, []);
      groups.get(m.notice).push(m);
    }
    const list = $("zc-finder-list");
    const parts = [];
    for (const [notice, measures] of groups) {
      const status = measures[0].status || {};
      const noticeUrl = new URL(`${lang}/n/${encodeURIComponent(notice)}/`, siteRoot).href;
      const titleLink = el("a", { href: noticeUrl }, measures[0].notice_title ? label(measures[0].notice_title) : notice);
      if (!measures[0].notice_title) noticeTitle(notice).then((t) => { if (t) titleLink.textContent = t; });
      parts.push(el("section", { class: "zc-finder__notice", "data-notice": notice },
        el("h3", {}, titleLink),
        status.label ? el("p", { class: `zc-badge zc-badge--${status.notice_status === "not_yet_in_force" ? "not_yet" : status.notice_status}` }, status.label) : "",
        el("ul", { class: "zc-finder__measures" }, ...measures.map(measureItem))));
    }
    list.replaceChildren(...(parts.length ? parts : [el("p", {}, TEXT.none)]));
    resultsBox.hidden = false;
  }

  // The notice's title, from its versions file (data/n/<id>/versions.json, a few kB, fetched once)
  // when the finder data does not carry it.
  const titles = new Map();
  function noticeTitle(id) {
    if (!titles.has(id)) {
      titles.set(id, fetch(new URL(`data/n/${encodeURIComponent(id)}/versions.json`, siteRoot))
        .then((r) => (r.ok ? r.json() : null)).then((j) => (j ? label(j.notice.title) : null), () => null));
    }
    return titles.get(id);
  }

  function measureItem(m) {
    const st = m.status || {};
    const item = el("li", { class: `zc-finder__measure zc-finder__measure--${m.state}`, "data-measure": m.measure, "data-state": m.state },
      el("p", { class: "zc-finder__measure-title" }, el("strong", {}, label(m.title) || m.measure), " — ",
        el("span", { class: "zc-finder__state" },
          m.state === "depends" && !(m.needs || []).length ? TEXT.dependsOwn : TEXT.state[m.state] || m.state)));
    const amount = m.state !== "ineligible" ? amountText(m) : "";
    if (amount) item.append(el("p", { class: "zc-finder__amount" }, amount));
    // calculators/finder.py leaves these out of the total (PAID_TO_OTHERS)
    if (m.currency && m.state !== "ineligible" && TEXT.paidToOthers[m.beneficiary]) item.append(el("p", { class: "zc-finder__paid-to", "data-beneficiary": m.beneficiary }, TEXT.paidToOthers[m.beneficiary]));
    if (st.claimable === false) item.append(el("p", { class: "zc-finder__frame" }, st.frame || TEXT.notCounted));
    const windows = (st.windows || []).filter((w) => w && w.kind);
    if (windows.length) {
      // each window's own sentence (calculators/status.py), else its kind and state in words
      item.append(el("p", { class: "zc-finder__windows" }, windows.map((w) =>
        w.text || `${TEXT.windows[w.kind] || w.kind}${lang === "zh" ? "：" : ": "}${TEXT.windowState[w.state] || w.state}`).join(lang === "zh" ? "；" : "; ")));
    }
    if (m.state === "depends" && (m.needs || []).length) {
      item.append(el("p", {}, TEXT.needs, m.needs.map(needLabel).join(lang === "zh" ? "、" : ", ")));
    }
    if (m.state !== "ineligible" && (m.needs_inputs || []).length) {
      item.append(el("p", { class: "zc-finder__help" }, TEXT.ownInputs(m.needs_inputs.length)));
    }
    if ((m.reasons || []).length) {
      item.append(el("p", { class: "zc-finder__reasons" }, TEXT.reasons), el("ul", {}, ...m.reasons.map((r) => el("li", {}, label(r)))));
    }
    item.append(el("p", {}, el("a", { href: calculatorLink(m), "data-zc-calc-link": "" }, TEXT.calculator)));
    return item;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  // ---- the flow --------------------------------------------------------------------------------

  // After each change: the fragment, the answers, a new `find`, then the next question.
  async function changed({ focusQuestion = false } = {}) {
    const hash = fragment();
    if (location.hash !== hash) history.replaceState(history.state, "", hash);
    if (!forget.hidden && storage()) storage().setItem(STORE, hash); // remembered: keep it current
    await run();
    renderAnswers();
    if (last && root.dataset.state === "ready") {
      const next = nextFact(last);
      ask(next, { focus: focusQuestion && !!next });
      if (!next) {
        counts.textContent += ` — ${TEXT.allAnswered}`;
        if (focusQuestion) $("zc-finder-results-h").focus(); // the question's button is gone: on to the results
      }
    }
  }

  showAll.addEventListener("change", () => run());

  function start(p) {
    profile = p;
    showRegion(p.region);
    onInput.value = p.on;
    where.hidden = true;
    changed();
  }

  onInput.value = localToday();
  if (saved()) forget.hidden = false;
  const initial = readProfile(location.hash) || readProfile(saved());
  if (initial) start(initial);
  window.addEventListener("hashchange", () => {
    const p = readProfile(location.hash);
    if (p && location.hash !== fragment()) start(p);
  });
})();
