"""The calculator form of one measure, as plain HTML rendered at build time.

The form works as a document before any script runs (labels, units, help, bounds, choices are
all there); calculator.js attaches to `form[data-measure]` and runs the engine in a worker.
Stable hooks for tests and embedding: `form[data-measure="NOTICE/MEASURE"]`, inputs named by
their input id, `[data-result]` for the outcome, `[data-error-for=ID]` for a field's message.

Numbers are `type="text"` with `inputmode`: the engine reads what people type ("250,000",
full-width digits, "12%") and says precisely what is wrong, which `type="number"` would hide by
emptying the value. Their bounds are stated in the help line and as data-min/data-max; dates use
`type="date"` with real min/max.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from markupsafe import Markup, escape

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
    "as_of_help": {"zh": "例如包车或招用的日期。留空则按本页所示版本计算。",
                   "en": "For example the date of the trip or of the hiring. Leave empty to use the version shown on this page."},
}
INPUT_MODE = {"count": "numeric", "money": "decimal", "percent": "decimal", "number": "decimal",
              "energy": "decimal"}


def render_form(version, measure, lang: str) -> Markup:
    """`<form data-measure="NOTICE/MEASURE">` for `measure` of `version`, in `lang` (zh|en)."""
    base = f"calc-{lang}-{measure.id}"
    h = _Html(lang)
    fields = "".join(_field(h, f"{base}-{inp.id}", inp) for inp in measure.inputs)
    fields += _as_of_field(h, f"{base}-as-of")
    title_id = f"{measure_anchor(measure.id)}-title"
    return Markup(
        f'<form class="zc-calc" id="{escape(base)}" data-measure="{escape(version.id)}/{escape(measure.id)}"'
        f' data-version="{escape(version.version)}" data-lang="{escape(lang)}"'
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

    def tx(self, text) -> Markup:
        if text is None:
            return Markup("")
        return escape(text[self.lang] if self.lang in text else text["zh"])


def _field(h: _Html, fid: str, inp) -> str:
    label = h.tx(inp.label)
    if inp.unit:
        label += Markup(f' <span class="zc-calc__unit">({h.tx(inp.unit)})</span>')
    notes = [h.tx(inp.help)] if inp.help else []
    bounds = _bounds_text(h, inp)
    if bounds:
        notes.append(bounds)
    described = []
    help_html = ""
    if notes:
        described.append(f"{fid}-help")
        help_html = f'<p class="zc-calc__help" id="{escape(fid)}-help">{Markup(" ").join(notes)}</p>'
    described.append(f"{fid}-error")
    attrs = {"id": fid, "name": str(inp.id), "aria-describedby": " ".join(described)}
    control = _control(h, inp, attrs)
    error = (f'<p class="zc-calc__error" id="{escape(fid)}-error" data-error-for="{escape(inp.id)}"'
             f" hidden></p>")
    return (f'<div class="zc-calc__field" data-field="{escape(inp.id)}" data-type="{escape(inp.type)}">'
            f'<label for="{escape(fid)}">{label}</label>{control}{help_html}{error}</div>')


def _as_of_field(h: _Html, fid: str) -> str:
    """The day whose rules apply (point in time). Not an engine input, so it has no `name`:
    calculator.js picks the version in force on that day from data/n/<id>/versions.json."""
    return (f'<div class="zc-calc__field zc-calc__field--as-of" data-field="as-of" data-type="date">'
            f'<label for="{fid}">{h.t("as_of")}</label>'
            f'<input id="{fid}" type="date" min="1900-01-01" max="2199-12-31" data-as-of aria-describedby="{fid}-help {fid}-error">'
            f'<p class="zc-calc__help" id="{fid}-help">{h.t("as_of_help")}</p>'
            f'<p class="zc-calc__error" id="{fid}-error" data-error-for="as-of" hidden></p></div>')


def _control(h: _Html, inp, attrs: dict) -> str:
    if inp.type == "list":  # stopgap until the row editor (results-browser): the rows as JSON text
        return f"<textarea{_attrs(attrs)}></textarea>"
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
