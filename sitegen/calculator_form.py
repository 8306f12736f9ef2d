"""The calculator form of one measure, as plain HTML rendered at build time.

The form works as a document before any script runs (labels, units, help, bounds, choices are
all there); calculator.js attaches to `form[data-measure]` and runs the engine in a worker.
Stable hooks for tests and embedding: `form[data-measure="NOTICE/MEASURE"]`, inputs named by
their input id, `[data-result]` for the outcome, `[data-error-for=ID]` for a field's message.

A list input (a table of rows, e.g. one row per home province) is a group of row groups: every
cell is labelled by its row's legend and its column's label ("Row 3 Workers"), add/remove buttons
keep the rows between min_rows and max_rows, and a `<template>` holds a blank row for
calculator.js to clone. Cells carry `data-column` instead of a `name`; calculator.js gathers them
into the list of row dicts the engine takes. A cell's message slot is
`[data-error-for=LIST][data-row=N][data-column=COL]` (N 0-based, as the engine's InputError).

Numbers are `type="text"` with `inputmode`: the engine reads what people type ("250,000",
full-width digits, "12%") and says precisely what is wrong, which `type="number"` would hide by
emptying the value. Their bounds are stated in the help line and as data-min/data-max; dates use
`type="date"` with real min/max.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from markupsafe import Markup, escape

from sitegen.text import format_date
from sitegen.urls import measure_anchor

TEXT = {
    "calculate": {"zh": "计算", "en": "Calculate"},
    "choose": {"zh": "请选择", "en": "Choose…"},
    "yes": {"zh": "是", "en": "Yes"},
    "no": {"zh": "否", "en": "No"},
    "range": {"zh": "范围：{lo} – {hi}", "en": "Range: {lo} – {hi}"},
    "at_least": {"zh": "不小于 {lo}", "en": "At least {lo}"},
    "at_most": {"zh": "不大于 {hi}", "en": "At most {hi}"},
    "idle": {"zh": "填写后点击“计算”。计算在您的浏览器中进行，输入不会发送到任何服务器。",
             "en": "Fill in and press “Calculate”. It runs in your browser; nothing you enter is sent to any server."},
    "legend": {"zh": "计算器", "en": "Calculator"},
    "as_of": {"zh": "按哪一天有效的规定计算（可选）", "en": "Apply the rules in force on (optional)"},
    "as_of_day": {"zh": "按哪一天计算（可选）", "en": "Calculate as of (optional)"},
    "as_of_versions": {"zh": "按该日有效的版本计算。", "en": "The version in force on that day applies."},
    "as_of_today": {"zh": "留空则按今天计算。", "en": "Leave empty for today."},
    "as_of_qualifying": {"zh": "本措施规定的期间：{dates}。", "en": "This measure's qualifying period: {dates}."},
    "as_of_application": {"zh": "本措施的申请期：{dates}。", "en": "Applications for this measure: {dates}."},
    "as_of_valid": {"zh": "本通知的有效期：{dates}。", "en": "The notice is in force: {dates}."},
    "as_of_what": {"zh": "结果将说明该日通知是否有效、申请期是否开放。",
                   "en": "The result says whether the notice was in force and the application window open on that day."},
    "open_start": {"zh": "未载明", "en": "not stated"},
    "colon": {"zh": "：", "en": ": "},
    "rows": {"zh": "{lo}–{hi} 行", "en": "{lo}–{hi} rows"},
    "rows_at_least": {"zh": "至少 {lo} 行", "en": "At least {lo} rows"},
    "row": {"zh": "第{n}行", "en": "Row {n}"},
    "add_row": {"zh": "添加一行", "en": "Add a row"},
    "remove_row": {"zh": "删除第{n}行", "en": "Remove row {n}"},
    "remove_named": {"zh": "删除{label}", "en": "Remove {label}"},
}
INPUT_MODE = {"count": "numeric", "money": "decimal", "percent": "decimal", "number": "decimal",
              "energy": "decimal"}


def render_form(version, measure, lang: str, *, versions: int = 1) -> Markup:
    """`<form data-measure="NOTICE/MEASURE">` for `measure` of `version`, in `lang` (zh|en);
    `versions`: how many versions the notice has (the date field is left out when there is one
    and the measure states no dates)."""
    base = f"calc-{lang}-{measure.id}"
    h = _Html(lang)
    fields = "".join(_list_field(h, f"{base}-{inp.id}", inp) if inp.type == "list"
                     else _field(h, f"{base}-{inp.id}", inp) for inp in measure.inputs)
    fields += _as_of_field(h, f"{base}-as-of", version, measure, versions)
    title_id = f"{measure_anchor(measure.id)}-title"
    return Markup(
        f'<form class="zc-calc" id="{escape(base)}" data-measure="{escape(version.id)}/{escape(measure.id)}"'
        f' data-version="{escape(version.version)}" data-lang="{escape(lang)}"'
        + (f' data-doc-number="{escape(version.doc_number)}"' if version.doc_number else "") +
        f' aria-labelledby="{escape(title_id)}" novalidate>'
        f'<fieldset class="zc-calc__fields"><legend class="zc-calc__legend">{h.t("legend")}</legend>'
        f"{fields}</fieldset>"
        f'<p class="zc-calc__actions"><button type="submit" class="zc-calc__submit">{h.t("calculate")}</button></p>'
        f'<div class="zc-calc__result" data-result data-state="idle" role="status" aria-live="polite">'
        f'<p class="zc-calc__status">{h.t("idle")}</p></div>'
        f"</form>"
    )


class _Html:
    def __init__(self, lang: str):
        self.lang = lang

    def t(self, key: str, **fields) -> Markup:
        text = TEXT[key][self.lang]
        return escape(text.format(**{k: str(v) for k, v in fields.items()}) if fields else text)

    def join(self, notes) -> Markup:
        """Whole sentences (each ends with 。 or .): Chinese runs them together, English spaces them."""
        return Markup("" if self.lang == "zh" else " ").join(notes)

    def raw(self, text) -> str:
        return text[self.lang] if self.lang in text else text["zh"]

    def tx(self, text) -> Markup:
        if text is None:
            return Markup("")
        return escape(self.raw(text))


def _label(h: _Html, inp) -> Markup:
    label = h.tx(inp.label)
    if inp.unit:
        label += Markup(f' <span class="zc-calc__unit">({h.tx(inp.unit)})</span>')
    return label


def _help(h: _Html, inp, hid: str, *, named: bool = False) -> str:
    """The help line of an input (its help text and bounds), or "" when it has none; `named`:
    led by the input's label (a list column's help, shown once above the rows)."""
    notes = [h.tx(inp.help)] if inp.help else []
    bounds = _bounds_text(h, inp)
    if bounds:
        notes.append(bounds)
    if not notes:
        return ""
    lead = Markup(f"<strong>{h.tx(inp.label)}</strong>{h.t('colon')}") if named else ""
    return f'<p class="zc-calc__help" id="{escape(hid)}">{lead}{Markup(" ").join(notes)}</p>'


def _field(h: _Html, fid: str, inp) -> str:
    label = _label(h, inp)
    help_html = _help(h, inp, f"{fid}-help")
    described = [f"{fid}-help"] if help_html else []
    described.append(f"{fid}-error")
    attrs = {"id": fid, "name": str(inp.id), "aria-describedby": " ".join(described)}
    control = _control(h, inp, attrs)
    error = (f'<p class="zc-calc__error" id="{escape(fid)}-error" data-error-for="{escape(inp.id)}"'
             f" hidden></p>")
    return (f'<div class="zc-calc__field" data-field="{escape(inp.id)}" data-type="{escape(inp.type)}">'
            f'<label for="{escape(fid)}">{label}</label>{control}{help_html}{error}</div>')


def _list_field(h: _Html, fid: str, inp) -> str:
    """A list input: its rows (as many as min_rows, at least one), a blank row to clone, the
    add button, the list's own message slot and a live region announcing added/removed rows."""
    lo = inp.min_rows if inp.min_rows is not None else 1
    hi = inp.max_rows
    notes = [h.tx(inp.help)] if inp.help else []
    if hi is not None:
        notes.append(h.t("rows", lo=lo, hi=hi))
    elif lo > 1:
        notes.append(h.t("rows_at_least", lo=lo))
    help_html = (f'<p class="zc-calc__help" id="{escape(fid)}-help">{Markup(" ").join(notes)}</p>'
                 if notes else "")
    # Column help once for the list, not in every row; each cell points at it.
    col_help = "".join(_help(h, col, f"{fid}-col-{col.id}-help", named=True) for col in inp.columns)
    col_help = f'<div class="zc-calc__col-help">{col_help}</div>' if col_help else ""
    # "Row {n}", or the list's own name for a row ("Place of origin {n}")
    row_label = h.raw(inp.row_label) if inp.row_label else None  # escaped once, where written
    if row_label and "{n}" not in row_label:
        row_label = f"{row_label[:1].upper()}{row_label[1:]} {{n}}"
    label_pattern = row_label or TEXT["row"][h.lang]
    remove_pattern = (TEXT["remove_named"][h.lang].replace("{label}", label_pattern[:1].lower() + label_pattern[1:])
                      if row_label else TEXT["remove_row"][h.lang])
    rows = "".join(_row(h, fid, inp, i, label_pattern, remove_pattern) for i in range(max(lo, 1)))
    described = " ".join(([f"{fid}-help"] if help_html else []) + [f"{fid}-error"])
    return (f'<div class="zc-calc__field zc-calc__field--list" data-field="{escape(inp.id)}" data-type="list"'
            f' data-list="{escape(inp.id)}" data-base="{escape(fid)}" data-min-rows="{lo}"'
            + (f' data-max-rows="{hi}"' if hi is not None else "")
            + f' data-row-label="{escape(label_pattern)}" data-remove-label="{escape(remove_pattern)}">'
            f'<fieldset class="zc-calc__list" id="{escape(fid)}" aria-describedby="{escape(described)}">'
            f'<legend class="zc-calc__list-legend">{_label(h, inp)}</legend>{help_html}{col_help}'
            f'<div class="zc-calc__rows" data-rows>{rows}</div>'
            f'<template data-row-template>{_row(h, fid, inp, -1, label_pattern, remove_pattern)}</template>'
            f'<p class="zc-calc__list-actions"><button type="button" class="zc-calc__add" data-add-row>'
            f'{h.t("add_row")}</button></p>'
            f'<p class="zc-calc__error" id="{escape(fid)}-error" data-error-for="{escape(inp.id)}" hidden></p>'
            f'<p class="zc-calc__announce" data-rows-live role="status" aria-live="polite"></p>'
            f"</fieldset></div>")


def _row(h: _Html, fid: str, inp, index: int, label_pattern: str, remove_pattern: str) -> str:
    """One row: a group named "Row N"; each cell is named by that legend and its column label.
    calculator.js renumbers ids and texts after a row is added or removed (same scheme)."""
    n = index + 1
    rid = f"{fid}-r{n}"
    cells = []
    for col in inp.columns:
        cid = f"{rid}-{col.id}"
        described = ([f"{fid}-col-{col.id}-help"] if _help(h, col, "x") else []) + [f"{cid}-error"]
        attrs = {"id": cid, "data-column": str(col.id), "aria-labelledby": f"{rid} {cid}-label",
                 "aria-describedby": " ".join(described)}
        cells.append(
            f'<div class="zc-calc__cell" data-column="{escape(col.id)}" data-type="{escape(col.type)}">'
            f'<label for="{escape(cid)}" id="{escape(cid)}-label">{_label(h, col)}</label>'
            f"{_control(h, col, attrs)}"
            f'<p class="zc-calc__error" id="{escape(cid)}-error" data-error-for="{escape(inp.id)}"'
            f' data-row="{index}" data-column="{escape(col.id)}" hidden></p></div>')
    legend = escape(label_pattern.replace("{n}", str(n)))
    remove = escape(remove_pattern.replace("{n}", str(n)))
    return (f'<fieldset class="zc-calc__row" data-row><legend class="zc-calc__row-legend" id="{escape(rid)}">'
            f'{legend}</legend><div class="zc-calc__cells">{"".join(cells)}</div>'
            f'<button type="button" class="zc-calc__remove" data-remove-row>{remove}</button></fieldset>')


def _as_of_field(h: _Html, fid: str, version, measure, versions: int) -> str:
    """The day whose rules apply (point in time) and for which the result states the notice's
    status and the measure's windows. Not an engine input, so it has no `name`: calculator.js
    picks the version in force on that day from data/n/<id>/versions.json and passes the day
    as `on` (today when empty). Left out when nothing depends on the day but the notice's own
    status: one version and no dates in the measure."""
    notes = _measure_dates(h, version, measure)
    if versions <= 1 and not notes:
        return ""
    if versions > 1:
        notes.append(h.t("as_of_versions"))
    notes += [h.t("as_of_what"), h.t("as_of_today")]
    return (f'<div class="zc-calc__field zc-calc__field--as-of" data-field="as-of" data-type="date">'
            f'<label for="{fid}">{h.t("as_of" if versions > 1 else "as_of_day")}</label>'
            f'<input id="{fid}" type="date" min="1900-01-01" max="2199-12-31" data-as-of aria-describedby="{fid}-help {fid}-error">'
            f'<p class="zc-calc__help" id="{fid}-help">{h.join(notes)}</p>'
            f'<p class="zc-calc__error" id="{fid}-error" data-error-for="as-of" hidden></p></div>')


def _measure_dates(h: _Html, version, measure) -> list:
    """What the measure says about dates (its qualifying period and application window), with
    the notice's validity."""
    def span(lo, hi) -> str:
        return " – ".join(format_date(_day(d), h.lang) if d else h.t("open_start") for d in (lo, hi))
    notes = []
    for key in ("qualifying", "application"):
        window = measure.get(key)
        if window and (window.get("from") or window.get("to")):
            notes.append(h.t(f"as_of_{key}", dates=span(window.get("from"), window.get("to"))))
    if notes:
        dates = version.dates
        if dates.valid_from or dates.valid_to:
            notes.append(h.t("as_of_valid", dates=span(dates.valid_from, dates.valid_to)))
    return notes


def _day(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _control(h: _Html, inp, attrs: dict) -> str:
    default = inp.default
    if inp.type in ("choice", "bool"):
        if inp.type == "choice":
            options = [(str(c.value), h.tx(c.label)) for c in inp.choices]
        else:
            options = [("true", h.t("yes")), ("false", h.t("no"))]
        chosen = None if default is None else str(default).lower() if inp.type == "bool" else str(default)
        opts = f'<option value="">{h.t("choose")}</option>' + "".join(
            f'<option value="{escape(v)}"{" selected" if v == chosen else ""}>{text}</option>'
            for v, text in options)
        return f"<select{_attrs(attrs)}>{opts}</select>"
    if inp.type == "date":
        attrs |= {"type": "date", "min": _plain(inp.min), "max": _plain(inp.max), "value": _plain(default)}
    else:
        attrs |= {"type": "text", "inputmode": INPUT_MODE[inp.type], "autocomplete": "off",
                  "data-min": _plain(inp.min), "data-max": _plain(inp.max), "value": _plain(default)}
    return f"<input{_attrs(attrs)}>"


def _bounds_text(h: _Html, inp) -> Markup | None:
    if inp.type not in INPUT_MODE:
        return None  # dates carry real min/max; choices need none
    lo, hi = inp.min, inp.max
    if lo is not None and Decimal(str(lo)) == 0 and hi is None:
        return None  # "not negative" goes without saying
    unit = f" {h.tx(inp.unit)}" if inp.unit else ""
    lo_text = None if lo is None else _grouped(lo) + unit
    hi_text = None if hi is None else _grouped(hi) + unit
    if lo_text and hi_text:
        return h.t("range", lo=_grouped(lo), hi=hi_text)
    if lo_text:
        return h.t("at_least", lo=lo_text)
    if hi_text:
        return h.t("at_most", hi=hi_text)
    return None


def _grouped(value) -> str:
    text = format(Decimal(str(value)), "f")
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = f"{int(whole.lstrip('-')):,}"
    return sign + whole + ("." + frac if frac else "")


def _plain(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _attrs(attrs: dict) -> str:
    return "".join(f' {k}="{escape(v)}"' for k, v in attrs.items() if v is not None)
