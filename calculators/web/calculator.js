// Calculators on notice pages: attaches to every `form[data-measure]` rendered at build time by
// sitegen/calculator_form.py and runs the rule engine (calculators/) in Pyodide in a Web Worker.
//
// Nothing of Pyodide is fetched until the reader touches a calculator (pointer over or focus in
// a form) or opens a link whose fragment carries inputs (#calc/<measure>?<input>=<value>&…).
// The theme loads this script `async` in <head> on calculator pages only (overrides/main.html):
// for such a link the engine starts at once, while the page is still being parsed and laid out
// (a fifth of a second on this project's 2-core test machine); the forms are attached when the
// DOM is ready.
// The inputs of the last calculation are written to that fragment: a bookmark or a shared link
// reproduces the result, and the fragment never reaches a server.
//
// Result element `[data-result]`: data-state = idle | loading | ready | ok | ineligible | error,
// data-amount (decimal string), data-amount-kind (exact | up_to | at_least) once computed.
// The page's <html> gets data-zc-engine = loading | ready | failed and, once ready,
// data-zc-boot = snapshot | normal (a normal boot means the memory snapshot failed); marks
// "zc-calc-start", "zc-calc-ready", "zc-calc-submit" (each run) and "zc-calc-result" (the first)
// time the first use (benchmarks/calculator_start.py).
(() => {
  "use strict";

  // Filled in at build time by sitegen/pyodide_bundle.py (URLs relative to this script).
  const MANIFEST = /*@MANIFEST@*/null;
  const BOOT_TIMEOUT_MS = 60000;
  const FRAGMENT = /^#calc\/([^?]+)\?(.*)$/;
  const SCRIPT_URL = document.currentScript ? document.currentScript.src : document.baseURI;

  const TEXT = {
    zh: {
      loading: "正在加载计算器……（首次约需几秒）",
      ready: "计算器已就绪。",
      waiting: "计算器仍在加载，加载完成后将立即计算。",
      failed: "计算器无法加载：",
      timeout: "加载时间过长，请检查网络后刷新页面重试。",
      unsupported: "您的浏览器不支持 Web Worker 或 WebAssembly，无法运行计算器。",
      eligible: "符合条件",
      ineligible: "不符合条件",
      amount: { exact: "补贴金额：", up_to: "最高可得：", at_least: "不低于：" },
      currency: { CNY: "元" },
      outcomes: "可获得：",
      reasons: "原因：",
      steps: "计算过程",
      readings: "本计算采用的解读",
      application: "申请：",
      clause: (c) => clauseLabel(c),
      fix: "请更正标出的输入项。",
      notNumber: "请输入有效的数字",
      asOfNone: (d) => `${d} 没有有效的版本（本通知在该日尚未施行、已失效或仅为征求意见稿）。`,
      asOfNoMeasure: (d, v) => `${d} 有效的是第 ${v} 版，该版没有此项措施的计算器。`,
      asOfUsed: (d, v) => `按 ${d} 有效的第 ${v} 版计算。`,
      asOfUnknown: "无法读取本通知的版本信息。",
      asOfInvalid: (d) => `“${d}”不是 1900 至 2199 年间的有效日期。`,
    },
    en: {
      loading: "Loading the calculator… (a few seconds the first time)",
      ready: "The calculator is ready.",
      waiting: "The calculator is still loading; it will calculate as soon as it is ready.",
      failed: "The calculator could not load: ",
      timeout: "Loading took too long; check your connection and reload the page.",
      unsupported: "This browser lacks Web Workers or WebAssembly, which the calculator needs.",
      eligible: "Eligible",
      ineligible: "Not eligible",
      amount: { exact: "Amount: ", up_to: "Up to ", at_least: "At least " },
      currency: { CNY: "yuan" },
      outcomes: "Granted:",
      reasons: "Why:",
      steps: "How it was calculated",
      readings: "Readings this calculation uses",
      application: "Applying: ",
      clause: (c) => clauseLabel(c),
      fix: "Please correct the marked field.",
      notNumber: "Please enter a valid number",
      asOfNone: (d) => `No version of this notice was in force on ${d} (not yet in force, expired, or only a draft for comment).`,
      asOfNoMeasure: (d, v) => `Version ${v} was in force on ${d}, and it has no calculator for this measure.`,
      asOfUsed: (d, v) => `Calculated with version ${v}, in force on ${d}.`,
      asOfUnknown: "The notice's version information could not be read.",
      asOfInvalid: (d) => `“${d}” is not a valid day between 1900 and 2199.`,
    },
  };

  // The finder page (finder.js) asks the same worker through `engine.request("find", …)`.
  window.zhengceCalculator = { get phases() { return engine.phases; }, get engine() { return engine; } };

  // ---- the engine client: one worker per page, requests matched to replies by id ----------

  const engine = {
    state: "idle", // idle | loading | ready | failed
    failure: null, // {message_zh, message_en}
    worker: null,
    nextId: 1,
    pending: new Map(), // id → {resolve, reject}
    listeners: new Set(),
    specs: null, // spec URLs of the page's forms, once the DOM is ready (fetched and warmed early)

    start() {
      if (this.state !== "idle") return;
      if (!MANIFEST || typeof Worker === "undefined" || typeof WebAssembly === "undefined") {
        const why = !MANIFEST ? "runtime manifest missing (site built without the calculator bundle)" : null;
        return this.fail(why ? { message_zh: why, message_en: why } : { code: "unsupported" });
      }
      performance.mark("zc-calc-start");
      this.set("loading");
      const base = new URL(".", SCRIPT_URL);
      const abs = (rel) => new URL(rel, base).href;
      const runtime = { ...MANIFEST, runtime: abs(MANIFEST.runtime) };
      // The snapshot, the largest file, is read here and handed to the worker without a copy. Its
      // request starts before the worker has started (tens of ms), and a response body is read
      // by the thread that asked for it: the worker's thread is the boot's bottleneck (it also
      // reads Pyodide's scripts, wasm and stdlib, then compiles and runs them), while this one
      // is idle once the page is laid out. The worker boots normally if this fails.
      const snapshot = MANIFEST.snapshot
        ? fetch(new URL(MANIFEST.snapshot, runtime.runtime)).then((r) =>
          r.ok ? r.arrayBuffer() : Promise.reject(new Error(`${MANIFEST.snapshot}: HTTP ${r.status}`)))
        : null;
      snapshot?.catch(() => {}); // reported to the worker below, if there is one
      try {
        this.worker = new Worker(abs(MANIFEST.worker), { type: "module", name: "zhengce-calculator" });
      } catch (err) {
        return this.fail({ message_zh: String(err), message_en: String(err) });
      }
      this.worker.addEventListener("message", (e) => this.receive(e.data || {}));
      this.worker.addEventListener("error", (e) => {
        const text = e.message || "worker error";
        this.fail({ message_zh: text, message_en: text });
      });
      this.worker.postMessage({ type: "init", runtime, snapshotFromPage: !!snapshot });
      snapshot?.then(
        (bytes) => this.worker.postMessage({ type: "snapshot", bytes }, [bytes]),
        (err) => this.worker.postMessage({ type: "snapshot", error: String(err && err.message || err) }),
      );
      this.prefetch();
      this.timer = setTimeout(() => {
        if (this.state === "loading") this.fail({ code: "timeout" });
      }, BOOT_TIMEOUT_MS);
    },

    receive(msg) {
      if (msg.type === "ready") {
        clearTimeout(this.timer);
        performance.mark("zc-calc-ready");
        document.documentElement.dataset.zcBoot = msg.snapshot ? "snapshot" : "normal";
        this.phases = msg.phases; // for benchmarks: ms since the worker started, per boot step
        this.set("ready");
      } else if (msg.type === "failed") {
        this.fail(msg.error);
      } else if (msg.type === "result" || msg.type === "error") {
        const waiter = this.pending.get(msg.id);
        if (!waiter) return;
        this.pending.delete(msg.id);
        if (msg.type === "result") waiter.resolve(msg.result);
        else waiter.reject(msg.error);
      }
    },

    // The page's specs: fetched while the engine boots, each measure run once when it is ready.
    prefetch(specs = this.specs) {
      this.specs = specs;
      if (this.worker && specs && specs.length) this.worker.postMessage({ type: "prefetch", specs });
    },

    calculate(request) {
      return this.request("calculate", request);
    },

    request(type, request) {
      this.start();
      if (this.state === "failed") return Promise.reject(this.failure);
      const id = this.nextId++;
      return new Promise((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        this.worker.postMessage({ type, id, ...request });
      });
    },

    fail(error) {
      clearTimeout(this.timer);
      this.failure = { code: "load", input_id: null, ...error };
      this.set("failed");
      for (const { reject } of this.pending.values()) reject(this.failure);
      this.pending.clear();
    },

    set(state) {
      this.state = state;
      document.documentElement.dataset.zcEngine = state;
      for (const fn of this.listeners) fn(state);
    },
  };

  function specUrl(form, version = form.dataset.version) {
    const notice = form.dataset.measure.split("/")[0];
    return new URL(`${MANIFEST ? MANIFEST.specs : "../specs/"}${notice}/v${version}.json`,
      new URL(".", SCRIPT_URL)).href;
  }

  // Point in time: the version in force on `day`, from the build's index (data/n/<id>/versions.json,
  // whose periods come from sitegen.lifecycle; the rule itself is not re-implemented here).
  let versionsIndex = null;
  function loadVersions() {
    const holder = document.querySelector("[data-zc-versions]");
    if (!holder) return Promise.reject(new Error("no versions index"));
    if (!versionsIndex) {
      versionsIndex = fetch(new URL(holder.dataset.zcVersions, location.href))
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))));
      versionsIndex.catch(() => { versionsIndex = null; });
    }
    return versionsIndex;
  }
  // Days compare as dates, not as text (as text "10000-01-01" sorts before "2024-…"); the year
  // is bounded as on the command line (sitegen/cliargs.py). Returns YYYYMMDD as a number, or null.
  function dayNumber(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || "");
    if (!m) return null;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (y < 1900 || y > 2199 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
    return y * 10000 + mo * 100 + d;
  }
  async function versionOn(day, measure) {
    const entry = (await loadVersions()).notice;
    const on = dayNumber(day);
    const inForce = entry.versions.filter((v) => (v.in_force || []).some(
      (r) => (r.from === null || dayNumber(r.from) <= on) && (r.to === null || on <= dayNumber(r.to))));
    if (!inForce.length) return { error: "none" };
    const chosen = inForce[inForce.length - 1];
    const m = (chosen.measures || []).find((x) => x.id === measure);
    if (!m || !m.calculator) return { error: "measure", version: chosen.version };
    return { version: chosen.version };
  }

  // Today in the reader's own time zone, as YYYY-MM-DD (toISOString would give the UTC day).
  function localToday() {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  }

  // ---- one calculator ------------------------------------------------------------------------

  function attach(form) {
    const lang = form.dataset.lang === "en" ? "en" : "zh";
    const t = TEXT[lang];
    const measure = form.dataset.measure.slice(form.dataset.measure.indexOf("/") + 1);
    const result = form.querySelector("[data-result]");
    const asOf = form.querySelector("[data-as-of]");
    let shown = false; // a result (or input error) is on display

    const status = (text, state, extraClass) => {
      result.replaceChildren(el("p", { class: "zc-calc__status" + (extraClass ? " " + extraClass : "") }, text));
      result.dataset.state = state;
    };
    const failureText = (error) => {
      if (error.code === "timeout") return t.timeout;
      if (error.code === "unsupported") return t.unsupported;
      if (error.code === "rule") return lang === "en" ? error.message_en : error.message_zh; // names measure and step
      return t.failed + (lang === "en" ? error.message_en : error.message_zh);
    };

    const show = (state) => {
      if (state === "loading" && !shown) status(t.loading, "loading", "zc-calc__status--busy");
      if (state === "ready" && !shown) status(t.ready, "ready");
      if (state === "failed") {
        shown = true;
        status(failureText(engine.failure), "error", "zc-calc__status--failed");
        result.dataset.error = "load";
      }
    };
    engine.listeners.add(show);
    show(engine.state); // the engine may have started before the DOM was ready
    // Start as early as intent shows: the pointer over the form (also a touch, which sends
    // pointerover before pointerdown) or the keyboard focus entering it.
    const wake = () => engine.start();
    for (const type of ["pointerover", "focusin", "pointerdown"]) form.addEventListener(type, wake, { passive: true });

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run();
    });

    async function run() {
      performance.mark("zc-calc-submit");
      clearFieldErrors(form);
      const inputs = readInputs(form);
      if (inputs === null) {
        shown = true;
        status(t.fix, "error");
        return;
      }
      if (engine.state !== "ready" && engine.state !== "failed") {
        shown = false;
        status(t.waiting, "loading", "zc-calc__status--busy");
      }
      result.setAttribute("aria-busy", "true");
      try {
        let spec = specUrl(form);
        let used = null;
        const day = asOf && asOf.value;
        if (day) {
          let picked;
          try {
            picked = dayNumber(day) === null ? { error: "day" } : await versionOn(day, measure);
          } catch {
            picked = { error: "unknown" };
          }
          const message = picked.error === "day" ? t.asOfInvalid(day)
            : picked.error === "none" ? t.asOfNone(day)
            : picked.error === "measure" ? t.asOfNoMeasure(day, picked.version)
              : picked.error ? t.asOfUnknown : null;
          if (message) {
            shown = true;
            showFieldError(form, "as-of", message);
            status(t.fix, "error");
            result.dataset.error = "as-of";
            return;
          }
          spec = specUrl(form, picked.version);
          used = t.asOfUsed(day, picked.version);
        }
        // The result's status (calculators/status.py) is for this day: the one asked, else today here.
        const res = await engine.calculate({ spec, measure, inputs, lang, on: day || localToday() });
        shown = true;
        renderResult(result, res, t);
        if (res.status) result.dataset.noticeStatus = res.status.notice_status; // for tests and embedders
        if (used) {
          result.prepend(el("p", { class: "zc-calc__as-of" }, used));
          result.dataset.version = String(res.version);
        } else {
          delete result.dataset.version;
        }
        writeFragment(measure, day ? { ...inputs, "_on": day } : inputs);
        if (!performance.getEntriesByName("zc-calc-result").length) performance.mark("zc-calc-result");
      } catch (error) {
        shown = true;
        if (error && error.input_id && showFieldError(form, error.input_id, lang === "en" ? error.message_en : error.message_zh)) {
          status(t.fix, "error");
        } else {
          status(failureText(error || {}), "error", "zc-calc__status--failed");
        }
        result.dataset.error = (error && error.code) || "internal";
      } finally {
        result.removeAttribute("aria-busy");
      }
    }

    return { form, measure, run };
  }

  // Values as typed; empty fields are left out so the engine applies the default or says "missing".
  function readInputs(form) {
    const inputs = {};
    let ok = true;
    for (const field of form.elements) {
      if (!field.name || field.disabled || !("value" in field)) continue;
      if (field.validity && field.validity.badInput) { // e.g. an impossible date typed by hand
        showFieldError(form, field.name, TEXT[form.dataset.lang === "en" ? "en" : "zh"].notNumber);
        ok = false;
        continue;
      }
      const value = field.value.trim();
      if (value !== "") inputs[field.name] = value;
    }
    return ok ? inputs : null;
  }

  function clearFieldErrors(form) {
    for (const slot of form.querySelectorAll("[data-error-for]")) {
      slot.hidden = true;
      slot.textContent = "";
    }
    for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
    const result = form.querySelector("[data-result]");
    delete result.dataset.error;
    delete result.dataset.amount;
    delete result.dataset.amountKind;
  }

  function showFieldError(form, inputId, message) {
    const slot = Array.from(form.querySelectorAll("[data-error-for]")).find((s) => s.dataset.errorFor === inputId);
    const field = inputId === "as-of" ? form.querySelector("[data-as-of]") : form.elements.namedItem(inputId);
    if (!slot || !field) return false;
    slot.textContent = message;
    slot.hidden = false;
    field.setAttribute("aria-invalid", "true");
    field.focus();
    return true;
  }

  // ---- the result ----------------------------------------------------------------------------

  function renderResult(box, res, t) {
    const parts = [];
    parts.push(el("p", { class: "zc-calc__verdict" }, res.eligible ? t.eligible : t.ineligible));
    if (res.eligible && res.amount !== null && res.amount !== undefined) {
      const kind = res.amount_kind || "exact";
      const unit = t.currency[res.currency] || res.currency || "";
      parts.push(el("p", { class: "zc-calc__amount" }, (t.amount[kind] || ""),
        el("strong", {}, groupDigits(res.amount)), ` ${unit}`));
    }
    if (res.eligible && res.outcomes && res.outcomes.length) {
      parts.push(el("p", { class: "zc-calc__label" }, t.outcomes));
      parts.push(el("ul", { class: "zc-calc__outcomes" },
        ...res.outcomes.map((o) => el("li", { "data-outcome": o.id }, o.text,
          // the quantity granted with its unit ("200 吨", "up to 20 GB per month"); exact digits
          o.value === null || o.value === undefined ? "" : el("span", { class: "zc-calc__quantity", "data-value": o.value },
            (t === TEXT.en ? ": " : "：") + ({ up_to: t === TEXT.en ? "up to " : "最高", at_least: t === TEXT.en ? "at least " : "不低于" }[o.kind] || "")
            + groupDigits(o.value) + (o.unit ? (t === TEXT.en ? " " : "") + o.unit : "")),
          " ", cite(o.cite, t)))));
    }
    if (!res.eligible && res.reasons && res.reasons.length) {
      parts.push(el("p", { class: "zc-calc__label" }, t.reasons));
      parts.push(el("ul", { class: "zc-calc__reasons" }, ...res.reasons.map((r) => el("li", {}, r))));
    }
    if (res.steps && res.steps.length) {
      parts.push(el("details", { class: "zc-calc__trace", open: "" },
        el("summary", {}, t.steps),
        el("ol", { class: "zc-calc__steps" }, ...res.steps.map((s) =>
          el("li", { "data-kind": s.kind }, s.text, " ", cite(s.cite, t))))));
    }
    if (res.readings && res.readings.length) {
      parts.push(el("p", { class: "zc-calc__label" }, t.readings));
      parts.push(el("ul", { class: "zc-calc__readings" }, ...res.readings.map((r) =>
        el("li", {}, el("q", { lang: "zh-CN" }, r.quote), " ", r.text))));
    }
    if (res.application && res.application.text) {
      parts.push(el("p", { class: "zc-calc__application" }, t.application, res.application.text));
    }
    box.replaceChildren(...parts);
    box.dataset.state = res.eligible ? "ok" : "ineligible";
    if (res.eligible && res.amount !== null && res.amount !== undefined) {
      box.dataset.amount = res.amount;
      box.dataset.amountKind = res.amount_kind || "exact";
    }
  }

  // A clause as the document numbers it ("附件1 一（二）", "Attachment 1, I(2)"): the page's own
  // heading for the clause carries that label (sitegen/labels.py, the same labels as the spec's
  // cite_labels); never the internal id.
  function clauseLabel(clauseId) {
    const heading = document.getElementById(`c-${clauseId}`);
    if (heading) return heading.textContent.trim();
    return document.documentElement.lang.startsWith("zh") ? "原文条款" : "the source clause";
  }

  function cite(clauseId, t) {
    if (clauseId === null || clauseId === undefined) return "";
    const label = `(${t.clause(clauseId)})`;
    const anchor = `c-${clauseId}`;
    return document.getElementById(anchor)
      ? el("a", { class: "zc-calc__cite", href: `#${anchor}` }, label)
      : el("span", { class: "zc-calc__cite" }, label);
  }

  // "1234567.50" → "1,234,567.50" on the string: amounts are never turned into floats.
  function groupDigits(amount) {
    const m = /^(-?)(\d+)(\.\d+)?$/.exec(String(amount));
    if (!m) return String(amount);
    return m[1] + m[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (m[3] || "");
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return node;
  }

  // ---- the URL fragment ------------------------------------------------------------------------

  function writeFragment(measure, inputs) {
    const hash = `#calc/${encodeURIComponent(measure)}?${new URLSearchParams(inputs)}`;
    if (location.hash !== hash) history.replaceState(history.state, "", hash);
  }

  function readFragment() {
    const m = FRAGMENT.exec(location.hash);
    if (!m) return null;
    let measure;
    try {
      measure = decodeURIComponent(m[1]);
    } catch {
      return null;
    }
    const calc = calculators.find((c) => c.measure === measure);
    if (!calc) return null;
    for (const [name, value] of new URLSearchParams(m[2])) {
      const field = name === "_on" ? calc.form.querySelector("[data-as-of]") : calc.form.elements.namedItem(name);
      if (field && "value" in field) field.value = value;
    }
    return calc;
  }

  function fromFragment() {
    const calc = readFragment();
    if (!calc) return;
    calc.form.scrollIntoView({ block: "start" });
    engine.start();
    calc.run();
  }

  let calculators = [];
  function attachAll() {
    const forms = Array.from(document.querySelectorAll("form[data-measure]"));
    calculators = forms.map(attach);
    engine.prefetch([...new Set(forms.map((form) => specUrl(form)))]);
    window.addEventListener("hashchange", fromFragment);
    fromFragment();
  }

  if (FRAGMENT.test(location.hash)) engine.start(); // a shared link: no need to wait for the DOM
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", attachAll);
  else attachAll();
})();
