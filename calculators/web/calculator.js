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
// data-amount (decimal string), data-amount-kind (exact | up_to | at_least) once computed,
// data-stale once an input changed after the result was shown, data-notice-status and data-on
// (the result's status, issue 12.2). List inputs (rows of cells, sitegen/calculator_form.py) are
// sent as lists of row dicts; in the fragment a list is one parameter holding its JSON.
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
      // issue 12: rows, all errors at once, stale results, the status, the worksheet
      fixAll: (n) => `请更正以下 ${n} 项输入：`,
      rowAdded: (n) => `已添加第${n}行。`,
      rowRemoved: (n, total) => `已删除第${n}行，现有 ${total} 行。`,
      maxRows: (n) => `最多 ${n} 行。`,
      stale: "输入已更改，以下结果不再对应当前输入。请点击“计算”更新。",
      statusOn: (d) => `${d} 的状态：`,
      computedOn: (d) => `计算日期：${d}`,
      print: "打印 / 另存为 PDF",
      worksheet: "计算单",
      wsNotice: "通知",
      wsVersion: "版本",
      wsDocNumber: "发文字号",
      wsMeasure: "措施",
      wsInputs: "输入",
      wsClauses: "引用的条款原文",
      wsLink: "本计算的链接",
      wsRow: (n) => `第${n}行`,
      none: "（未填写）",
      notGiven: "原文未载明",
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
      badDate: (label) => `「${label}」请填写完整、有效的日期`,
      asOfNoMeasure: (d, v) => `${d} 有效的是第 ${v} 版，该版没有此项措施的计算器。`,
      asOfUsed: (d, v) => `按 ${d} 有效的第 ${v} 版计算。`,
      asOfUnknown: "无法读取本通知的版本信息。",
      asOfInvalid: (d) => `“${d}”不是 1900 至 2199 年间的有效日期。`,
    },
    en: {
      // issue 12: rows, all errors at once, stale results, the status, the worksheet
      fixAll: (n) => (n === 1 ? "Please correct this field:" : `Please correct these ${n} fields:`),
      rowAdded: (n) => `Row ${n} added.`,
      rowRemoved: (n, total) => `Row ${n} removed; ${total} ${total === 1 ? "row" : "rows"} left.`,
      maxRows: (n) => `At most ${n} rows.`,
      stale: "The inputs have changed: this result no longer matches them. Press “Calculate” to update it.",
      statusOn: (d) => `Status on ${d}: `,
      computedOn: (d) => `Calculated for ${d}`,
      print: "Print / save as PDF",
      worksheet: "Worksheet",
      wsNotice: "Notice",
      wsVersion: "Version",
      wsDocNumber: "Document number",
      wsMeasure: "Measure",
      wsInputs: "Inputs",
      wsClauses: "The clauses cited",
      wsLink: "Link to this calculation",
      wsRow: (n) => `Row ${n}`,
      none: "(not filled in)",
      notGiven: "not given in the source",
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
      badDate: (label) => `"${label}" needs a complete, valid date`,
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
        else waiter.reject(msg.errors ? { ...msg.error, errors: msg.errors } : msg.error); // errors: every field's
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

    // A result on display no longer matches once an input changes: say so (the result area is
    // a live region, so screen readers hear it too) until the next calculation.
    const markStale = () => {
      if (!["ok", "ineligible"].includes(result.dataset.state) || result.dataset.stale) return;
      result.dataset.stale = "true";
      result.prepend(el("p", { class: "zc-calc__stale" }, t.stale));
    };
    form.addEventListener("input", markStale);
    form.addEventListener("change", markStale);
    const lists = new Map(Array.from(form.querySelectorAll("[data-list]"),
      (list) => [list.dataset.list, listRows(list, t, markStale)]));
    let lastResult = null;
    result.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-field-link]");
      if (link) { // the error summary: to the field, without touching the page's fragment
        event.preventDefault();
        document.getElementById(link.dataset.fieldLink)?.focus();
      } else if (event.target.closest("[data-print]") && lastResult) {
        printWorksheet(form, lastResult, t);
      }
    });

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run();
    });

    async function run() {
      performance.mark("zc-calc-submit");
      clearFieldErrors(form);
      // Every problem at once: the browser's own (an unreadable date) and the engine's.
      const { inputs, errors: unread } = readInputs(form, t);
      const fail = (errors) => {
        shown = true;
        if (!showErrors(form, result, errors, t)) return false;
        result.dataset.error = errors[0].code || "input";
        return true;
      };
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
          // No version in force that day is not an input error: this page's version is used and
          // the result's status says so (issue 12.2).
          const message = picked.error === "day" ? t.asOfInvalid(day)
            : picked.error === "measure" ? t.asOfNoMeasure(day, picked.version)
              : picked.error && picked.error !== "none" ? t.asOfUnknown : null;
          if (message) {
            fail([...unread, { input_id: "as-of", message }]);
            result.dataset.error = "as-of";
            return;
          }
          if (!picked.error) {
            spec = specUrl(form, picked.version);
            used = t.asOfUsed(day, picked.version);
          }
        }
        // The result's status (calculators/status.py) is for this day: the one asked, else today here.
        const res = await engine.calculate({ spec, measure, inputs, lang, on: day || localToday() });
        if (unread.length && fail(unread)) return;
        shown = true;
        renderResult(result, res, t);
        lastResult = res;
        if (used) {
          result.prepend(el("p", { class: "zc-calc__as-of" }, used));
          result.dataset.version = String(res.version);
        } else {
          delete result.dataset.version;
        }
        writeFragment(measure, day ? { ...inputs, "_on": day } : inputs);
        result.append(el("p", { class: "zc-calc__actions" },
          el("button", { type: "button", class: "zc-calc__print", "data-print": "" }, t.print)));
        if (!performance.getEntriesByName("zc-calc-result").length) performance.mark("zc-calc-result");
      } catch (error) {
        shown = true;
        if (!(error && error.input_id && fail(mergeErrors(unread, error.errors || [error], lang)))) {
          forgetStatus(result);
          status(failureText(error || {}), "error", "zc-calc__status--failed");
          result.dataset.error = (error && error.code) || "internal";
        }
      } finally {
        result.removeAttribute("aria-busy");
      }
    }

    return { form, measure, run, lists };
  }

  // Values as typed; empty fields (and empty cells) are left out so the engine applies the
  // default or says "missing". A list is its rows, each a dict of its filled-in cells.
  // `errors`: the fields the browser itself cannot read (an impossible date typed by hand).
  function readInputs(form, t) {
    const inputs = {};
    const errors = [];
    const unreadable = (field) => field.validity && field.validity.badInput;
    for (const field of form.elements) {
      if (!field.name || field.disabled || !("value" in field)) continue;
      if (unreadable(field)) {
        errors.push({ input_id: field.name, message: t.badDate(labelOf(field)) });
        continue;
      }
      const value = field.value.trim();
      if (value !== "") inputs[field.name] = value;
    }
    for (const list of form.querySelectorAll("[data-list]")) {
      inputs[list.dataset.list] = rowsOf(list).map((row, index) => {
        const cells = {};
        for (const cell of row.querySelectorAll("input[data-column], select[data-column]")) {
          if (unreadable(cell)) {
            errors.push({ input_id: list.dataset.list, row: index, column: cell.dataset.column,
              message: t.badDate(labelOf(cell)) });
          } else if (cell.value.trim() !== "") {
            cells[cell.dataset.column] = cell.value.trim();
          }
        }
        return cells;
      });
    }
    return { inputs, errors };
  }

  // The accessible name of a field: its label, or for a cell "Row 3 Workers".
  function labelOf(field) {
    const ids = field.getAttribute("aria-labelledby");
    const parts = ids ? ids.split(/\s+/).map((id) => document.getElementById(id)) : Array.from(field.labels || []);
    return parts.filter(Boolean).map((n) => n.textContent.trim()).join(" ");
  }

  // The browser's errors first; the engine's for the same field (or cell) are dropped: the value
  // it saw there was empty. Engine errors arrive as {input_id, row?, column?, message_zh, message_en}.
  function mergeErrors(unread, engineErrors, lang) {
    const key = (e) => `${e.input_id}/${e.row ?? ""}/${e.column ?? ""}`;
    const seen = new Set(unread.map(key));
    const fromEngine = engineErrors.filter((e) => e && e.input_id && !seen.has(key(e)))
      .map((e) => ({ ...e, message: lang === "en" ? e.message_en : e.message_zh,
        cellMessage: lang === "en" ? e.cell_message_en : e.cell_message_zh }));
    return [...unread, ...fromEngine];
  }

  function clearFieldErrors(form) {
    for (const slot of form.querySelectorAll("[data-error-for]")) {
      slot.hidden = true;
      slot.textContent = "";
    }
    for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
    const result = form.querySelector("[data-result]");
    for (const key of ["error", "amount", "amountKind", "stale"]) delete result.dataset[key];
  }

  // Each error at its field (a cell: its row and column), then a summary in the result area
  // linking to each; focus goes to the first field. False when no error names a field here.
  function showErrors(form, result, errors, t) {
    const placed = errors.map((e) => [e, showFieldError(form, e)]).filter(([, field]) => field);
    if (!placed.length) return false;
    forgetStatus(result);
    result.replaceChildren(
      el("p", { class: "zc-calc__status" }, t.fixAll(placed.length)),
      el("ul", { class: "zc-calc__summary" }, ...placed.map(([e, field]) => el("li", {},
        el("a", { href: `#${field.id}`, "data-field-link": field.id }, e.cellMessage
          ? `${field.closest("[data-row]").querySelector("legend").textContent}: ${e.cellMessage}` : e.message)))));
    result.dataset.state = "error";
    placed[0][1].focus();
    return true;
  }

  // The message at its slot; returns the field to focus (null if the form has no such field).
  function showFieldError(form, error) {
    const slots = Array.from(form.querySelectorAll("[data-error-for]")).filter((s) => s.dataset.errorFor === error.input_id);
    const list = Array.from(form.querySelectorAll("[data-list]")).find((l) => l.dataset.list === error.input_id);
    let slot = slots.find((s) => s.dataset.row === undefined);
    let field = error.input_id === "as-of" ? form.querySelector("[data-as-of]") : form.elements.namedItem(error.input_id);
    if (list) {
      const row = Number.isInteger(error.row) ? rowsOf(list)[error.row] : null;
      const cell = row && error.column != null
        ? Array.from(row.querySelectorAll("[data-column]:is(input, select)")).find((c) => c.dataset.column === error.column)
        : null;
      if (cell) slot = cell.closest(".zc-calc__cell").querySelector("[data-error-for]");
      field = cell || (row || list).querySelector("input, select") || list.querySelector("[data-add-row]");
      if (cell) cell.setAttribute("aria-invalid", "true");
    } else if (field) {
      field.setAttribute("aria-invalid", "true");
    }
    if (!slot || !field) return null;
    // at a cell, its column's words suffice: the row and the list are around it
    const message = (slot.dataset.row !== undefined && error.cellMessage) || error.message;
    slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
    slot.hidden = false;
    return field;
  }

  // ---- list inputs: rows added and removed ---------------------------------------------------

  function rowsOf(list) {
    return Array.from(list.querySelector("[data-rows]").children);
  }

  // Wires a list's add/remove buttons; returns {set(rows)} to fill it from a shared link.
  // Rows are numbered by sitegen/calculator_form.py's scheme: ids <base>-r<n>-<column>.
  function listRows(list, t, changed) {
    const box = list.querySelector("[data-rows]");
    const template = list.querySelector("template[data-row-template]");
    const add = list.querySelector("[data-add-row]");
    const live = list.querySelector("[data-rows-live]");
    const min = Number(list.dataset.minRows || 1);
    const max = list.dataset.maxRows ? Number(list.dataset.maxRows) : Infinity;
    const firstControl = (row) => row && row.querySelector("input, select");

    const renumber = () => {
      const rows = rowsOf(list);
      rows.forEach((row, i) => numberRow(list, row, i));
      for (const button of box.querySelectorAll("[data-remove-row]")) button.hidden = rows.length <= min;
      add.setAttribute("aria-disabled", String(rows.length >= max)); // stays focusable: says why
    };
    const append = () => {
      box.append(template.content.cloneNode(true));
      renumber();
      return rowsOf(list).at(-1);
    };
    add.addEventListener("click", () => {
      const count = rowsOf(list).length;
      if (count >= max) {
        live.textContent = t.maxRows(max);
        return;
      }
      firstControl(append()).focus();
      live.textContent = t.rowAdded(count + 1);
      changed();
    });
    box.addEventListener("click", (event) => {
      const button = event.target.closest("[data-remove-row]");
      if (!button || rowsOf(list).length <= min) return;
      const row = button.closest("[data-row]");
      const index = rowsOf(list).indexOf(row);
      row.remove();
      renumber();
      const rows = rowsOf(list);
      (firstControl(rows[Math.min(index, rows.length - 1)]) || add).focus();
      live.textContent = t.rowRemoved(index + 1, rows.length);
      changed();
    });
    renumber();
    return {
      set(values) { // from a shared link: as many rows as given (within bounds), cells filled
        const wanted = Math.min(Math.max(values.length, min, 1), max);
        while (rowsOf(list).length > wanted) rowsOf(list).at(-1).remove();
        while (rowsOf(list).length < wanted) append();
        renumber();
        rowsOf(list).forEach((row, i) => {
          for (const cell of row.querySelectorAll("[data-column]:is(input, select)")) {
            const value = values[i] && values[i][cell.dataset.column];
            cell.value = value === undefined || value === null ? "" : String(value);
          }
        });
      },
    };
  }

  function numberRow(list, row, index) {
    const n = index + 1;
    const base = list.dataset.base;
    const rid = `${base}-r${n}`;
    const legend = row.querySelector(".zc-calc__row-legend");
    legend.id = rid;
    legend.textContent = list.dataset.rowLabel.replace("{n}", n);
    for (const cell of row.querySelectorAll(".zc-calc__cell")) {
      const cid = `${rid}-${cell.dataset.column}`;
      const control = cell.querySelector("input, select");
      const label = cell.querySelector("label");
      const slot = cell.querySelector("[data-error-for]");
      control.id = cid;
      label.htmlFor = cid;
      label.id = `${cid}-label`;
      slot.id = `${cid}-error`;
      slot.dataset.row = String(index);
      control.setAttribute("aria-labelledby", `${rid} ${cid}-label`);
      const help = `${base}-col-${cell.dataset.column}-help`;
      control.setAttribute("aria-describedby", (document.getElementById(help) ? `${help} ` : "") + slot.id);
    }
    row.querySelector("[data-remove-row]").textContent = list.dataset.removeLabel.replace("{n}", n);
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
    parts.push(...standing(res.status, t));
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
    if (res.status && res.status.on) parts.push(el("p", { class: "zc-calc__on" }, t.computedOn(res.status.on)));
    box.replaceChildren(...parts);
    forgetStatus(box);
    for (const list of box.querySelectorAll(".zc-calc__outcomes, .zc-calc__reasons, .zc-calc__steps")) {
      const texts = document.createTreeWalker(list, NodeFilter.SHOW_TEXT);
      for (let node = texts.nextNode(); node; node = texts.nextNode()) node.nodeValue = shownNumbers(node.nodeValue);
    }
    box.dataset.state = res.eligible ? "ok" : "ineligible";
    if (res.status) {
      box.dataset.noticeStatus = res.status.notice_status;
      box.dataset.on = res.status.on;
      box.dataset.claimable = String(res.status.claimable);
    }
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

  // The status attributes are replaced with the next result, or dropped with an error (kept
  // while it is computed: tests and embedders wait for them to change).
  function forgetStatus(box) {
    for (const key of ["noticeStatus", "on", "claimable"]) delete box.dataset[key];
  }

  // The notice's status on the calculation day, next to the amount: its frame ("expired on … —
  // this is what it granted while in force") prominent, then the label and each dated window.
  function standing(st, t) {
    if (!st) return [];
    const parts = [];
    if (st.frame) parts.push(el("p", { class: "zc-calc__frame", "data-frame": "" }, st.frame));
    parts.push(el("p", { class: "zc-calc__standing", "data-notice-status": st.notice_status },
      t.statusOn(st.on), el("strong", {}, st.label)));
    if (st.windows && st.windows.length) {
      parts.push(el("ul", { class: "zc-calc__windows" }, ...st.windows.map((w) =>
        el("li", { "data-window": w.kind, "data-window-state": w.state }, w.text))));
    }
    return parts;
  }

  // Numbers in the engine's texts as people read them (the JSON stays exact): amounts with
  // thousands separators ("3000.00" → "3,000.00", "100000" → "100,000", "3000 yuan" → "3,000
  // yuan"; other four-digit whole numbers are left alone, they are often years), percentages
  // with at most 2 decimals ("25.125%" → "≈25.13%"). Dates ("2023-01-05") and numbers already
  // grouped are not touched.
  function shownNumbers(text) {
    return String(text)
      .replace(/(?<![\d.,\-/])(\d+)\.(\d{3,})%/g, (m, whole, frac) => `≈${roundHalfUp(whole, frac, 2)}%`)
      .replace(/(?<![\d.,\-/])(\d{4,})(\.\d+)?(?![\d\-/])(\s*(?:元|万|亿|yuan|CNY))?/g,
        (m, whole, frac, unit) => (frac || unit || whole.length >= 5
          ? groupDigits(whole) + (frac || "") + (unit || "") : m));
  }

  // "25" + "125" to 2 places → "25.13", on the digits (never a float).
  function roundHalfUp(whole, frac, places) {
    let digits = (whole + frac.slice(0, places)).split("").map(Number);
    if (Number(frac[places]) >= 5) {
      let i = digits.length - 1;
      while (i >= 0 && digits[i] === 9) digits[i--] = 0;
      if (i < 0) digits.unshift(1);
      else digits[i] += 1;
    }
    digits = digits.join("");
    return `${digits.slice(0, digits.length - places)}.${digits.slice(digits.length - places)}`;
  }

  // ---- the printable worksheet -----------------------------------------------------------------

  // "Print / save as PDF": a worksheet of the result, appended to <body> and printed alone
  // (calculator.css hides the rest of the page while html[data-zc-print] is set): the notice,
  // its version and document number, the status on the day, the inputs with their labels, every
  // step, the text of each clause cited, the readings, the day and the link. The clause texts come
  // from the open data of the version calculated with (both languages: on an English page the
  // Chinese original follows the translation), else from this page.
  async function printWorksheet(form, res, t) {
    document.querySelector(".zc-worksheet")?.remove();
    const texts = await clauseTexts(res.version).catch(() => null);
    const sheet = worksheet(form, res, t, texts);
    document.body.append(sheet);
    document.documentElement.dataset.zcPrint = "worksheet";
    window.addEventListener("afterprint", () => {
      delete document.documentElement.dataset.zcPrint;
      sheet.remove();
    }, { once: true });
    window.print();
  }

  function worksheet(form, res, t, texts) {
    const text = (node) => (node ? node.textContent.replace(/\s+/g, " ").trim() : "");
    const measureTitle = document.getElementById(form.getAttribute("aria-labelledby"));
    const facts = [
      [t.wsNotice, text(document.getElementById("title"))],
      [t.wsVersion, `v${res.version}`],
      [t.wsDocNumber, form.dataset.docNumber || t.notGiven],
      [t.wsMeasure, text(measureTitle && (measureTitle.lastChild || measureTitle))],
    ].filter(([, v]) => v);
    const sections = [
      el("h1", {}, `${t.worksheet}: ${text(document.getElementById("title"))}`),
      el("dl", { class: "zc-worksheet__facts" }, ...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
      el("h2", {}, t.wsInputs), worksheetInputs(form, t),
    ];
    const shown = form.querySelector("[data-result]").cloneNode(true);
    for (const drop of shown.querySelectorAll(".zc-calc__actions, .zc-calc__stale")) drop.remove();
    for (const details of shown.querySelectorAll("details")) details.setAttribute("open", "");
    shown.removeAttribute("role");
    shown.removeAttribute("aria-live");
    shown.className = "zc-worksheet__result";
    sections.push(shown);
    const cited = [...new Set([...(res.steps || []), ...(res.outcomes || [])].map((s) => s.cite).filter((c) => c != null))];
    const lang = form.dataset.lang === "en" ? "en" : "zh";
    const paragraphs = (c) => {
      const both = texts && texts.get(String(c));
      if (both) {
        const own = String(both[lang] || both.zh || "").split("\n").filter((p) => p.trim()).map((p) => el("p", {}, p));
        const original = lang !== "zh" && both.zh
          ? [el("p", { lang: "zh-CN", class: "zc-worksheet__original" }, both.zh)] : [];
        return [...own, ...original];
      }
      const body = document.getElementById(`c-${c}`)?.closest(".zc-clause")?.querySelector(".zc-clause__text");
      return Array.from(body ? body.querySelectorAll("p") : [], (p) => el("p", {}, text(p)));
    };
    const clauses = cited.map((c) => [c, paragraphs(c)]).filter(([, ps]) => ps.length);
    if (clauses.length) {
      sections.push(el("h2", {}, t.wsClauses));
      for (const [c, ps] of clauses) {
        sections.push(el("section", { class: "zc-worksheet__clause", "data-clause": c }, el("h3", {}, t.clause(c)), ...ps));
      }
    }
    sections.push(el("p", { class: "zc-worksheet__link" }, `${t.wsLink}: `, el("span", {}, location.href)));
    return el("article", { class: "zc-worksheet", lang: document.documentElement.lang || "" }, ...sections);
  }

  // Clause id → {zh, en} text, from data/n/<id>/v<k>.json (the notice's own YAML data): the
  // clauses of its body sections and attachments.
  async function clauseTexts(version) {
    const holder = document.querySelector("[data-zc-versions]");
    if (!holder) return null;
    const url = new URL(`v${version}.json`, new URL(holder.dataset.zcVersions, location.href));
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const found = new Map();
    const walk = (sections) => {
      for (const section of sections || []) {
        for (const clause of section.clauses || []) {
          if (clause && clause.id != null && clause.text) found.set(String(clause.id), clause.text);
        }
        walk(section.sections);
      }
    };
    const data = await response.json();
    walk(data.body);
    for (const attachment of data.attachments || []) walk(attachment.body);
    return found;
  }

  // Each input as label: value (a choice by its label); a list as a table of its rows.
  function worksheetInputs(form, t) {
    const rows = [];
    const valueOf = (control) => {
      if (control.tagName === "SELECT") return control.value ? control.selectedOptions[0].textContent : t.none;
      return control.value.trim() || t.none;
    };
    for (const field of form.querySelectorAll(".zc-calc__fields > .zc-calc__field")) {
      const list = field.matches("[data-list]") ? field : null;
      if (list) {
        const columns = Array.from(list.querySelector("[data-row]")?.querySelectorAll(".zc-calc__cell label") || [], (l) => l.textContent.trim());
        const legend = list.querySelector(".zc-calc__list-legend").textContent.trim();
        rows.push(el("div", { class: "zc-worksheet__list" }, el("p", {}, legend),
          el("table", {}, el("thead", {}, el("tr", {}, el("th", {}, ""), ...columns.map((c) => el("th", {}, c)))),
            el("tbody", {}, ...rowsOf(list).map((row, i) => el("tr", {}, el("th", {}, t.wsRow(i + 1)),
              ...Array.from(row.querySelectorAll("[data-column]:is(input, select)"), (c) => el("td", {}, valueOf(c)))))))));
        continue;
      }
      const control = field.querySelector("input, select");
      const label = field.querySelector("label");
      if (!control || !label || (control.matches("[data-as-of]") && !control.value)) continue;
      rows.push(el("p", {}, `${label.textContent.trim()}: `, el("strong", {}, valueOf(control))));
    }
    return el("div", { class: "zc-worksheet__inputs" }, ...rows);
  }

  // ---- the URL fragment ------------------------------------------------------------------------

  // A list input is one parameter holding its rows as JSON: origins=[{"origin":"anhui","workers":"20"}]
  function writeFragment(measure, inputs) {
    const params = Object.entries(inputs).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
    const hash = `#calc/${encodeURIComponent(measure)}?${new URLSearchParams(params)}`;
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
      if (calc.lists.has(name)) {
        let rows;
        try {
          rows = JSON.parse(value);
        } catch {
          rows = null;
        }
        if (Array.isArray(rows)) calc.lists.get(name).set(rows.filter((r) => r && typeof r === "object"));
        continue;
      }
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
