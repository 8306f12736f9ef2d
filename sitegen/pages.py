"""Render the corpus into pages: one `Page` (an HTML body plus its metadata) per URL.

Pure: reads the model, returns values; nothing is written here. The theme (mkdocs-material) only
wraps each body in its chrome, so all domain rendering — notices, listings, search page — lives in
these Jinja templates, rendered with autoescape and StrictUndefined.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from sitegen import diff, labels, lifecycle, pointintime, regions, urls
from sitegen.text import DEFAULT_ORDER as DEFAULT_PRINT_ORDER, format_date
from sitegen.ui_text import t as ui

TEMPLATES = Path(__file__).with_name("templates")
PER_PAGE = 50
LATEST_ON_HOME = 10
FACETS = ("region", "year", "issuer", "status")


@dataclass(frozen=True)
class Page:
    """One page of the site. `url` is site-relative ("" = home, "zh/n/x/" …)."""

    url: str
    lang: str
    title: str                      # plain text (escaped when written)
    body: str                       # HTML, already escaped
    alt: str | None = None          # the same page in the other language
    toc: tuple = ()                 # ((anchor, text), …) for the theme's table of contents
    indexed: bool = False           # searchable (notice text)
    description: str | None = None

    @property
    def has_calculator(self) -> bool:
        """The page carries a calculator form (the theme then loads calculator.js in <head>)."""
        return '<form class="zc-calc"' in self.body or "data-zc-finder " in self.body


@dataclass(frozen=True)
class Entry:
    """A notice as listed: its latest version, status and URL in one language."""

    notice: object
    version: object
    status: str
    url: str
    sort_key: tuple = field(compare=False, default=())


# ---- formatting helpers exposed to templates ------------------------------------------------------

def as_date(value) -> dt.date | None:
    """Dates the model leaves as ISO strings (e.g. a measure's application window) become dates."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def text_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


def notice_date(version) -> dt.date | None:
    """The notice's own date for listings by year: the first it gives of 成文, 发布, the date it
    is signed, 印发 (printed) and the start of validity; None when it gives none."""
    d = version.dates
    return d.written or d.published or version.signed_date or d.printed or d.valid_from


def clause_label(version, clause_id, lang: str) -> str:
    """The clause as the document numbers it ("附件1 一（二）", "Attachment 1, I(2)")."""
    return labels.clause_label(version, clause_id, lang)


def make_env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=False)
    env.globals["urls"] = urls
    try:  # the calculator helper's form renderer, when present
        from sitegen.calculator_form import render_form
    except ImportError:
        pass
    else:
        env.globals["calculator_form"] = render_form
    return env


class Renderer:
    """Renders every page of one build. Holds the environment and the per-build facts."""

    def __init__(self, corpus, *, build_date: dt.date, status_of):
        self.corpus = corpus
        self.build_date = build_date
        self.status_of = status_of          # version -> status code, fixed for this build
        self.env = make_env()
        self._entries: dict[str, list[Entry]] = {}
        self._incoming = incoming_relations(corpus)

    # ---- context ------------------------------------------------------------------------------

    def context(self, lang: str, here: str, /, **extra) -> dict:
        def tx(text):
            if text is None:
                return ""
            return text[lang] if lang in text else text["zh"]

        def link(target: str) -> str:
            return urls.relative(here, target)

        return {
            "lang": lang, "other_lang": urls.other(lang),
            "other_html_lang": urls.HTML_LANG[urls.other(lang)],
            "build_date": self.build_date,
            "t": lambda key, **values: ui(key, lang, **values),
            "tx": tx, "link": link, "lines": text_lines,
            "date": lambda d: format_date(as_date(d), lang),
            "date_or": lambda d: format_date(as_date(d), lang) if d else ui("not_given", lang),
            "paren": lambda text: f"（{text}）" if lang == "zh" else f" ({text})",
            "join": lambda items: ("、" if lang == "zh" else "; ").join(tx(i) for i in items or ()),
            "docno": lambda v: labels.doc_number(v, lang),
            **extra,
        }

    def render(self, template: str, ctx: dict) -> str:
        return self.env.get_template(template).render(ctx)

    # ---- entries and facets ---------------------------------------------------------------------

    def entries(self, lang: str) -> list[Entry]:
        if lang not in self._entries:
            self._entries[lang] = self._make_entries(lang)
        return self._entries[lang]

    def _make_entries(self, lang: str) -> list[Entry]:
        out = []
        for notice in self.corpus.notices:
            v = notice.latest
            d = notice_date(v) or dt.date.min
            out.append(Entry(notice, v, self.status_of(v), urls.notice(lang, notice.id),
                             (-d.toordinal(), notice.id)))
        return sorted(out, key=lambda e: e.sort_key)

    def facet_values(self, facet: str, entry: Entry, lang: str) -> list[tuple[str, str]]:
        """(key, label) of each value `entry` has for `facet`."""
        v = entry.version
        if facet == "region":
            return [(v.region.code or "none", v.region.name[lang])]
        if facet == "year":
            d = notice_date(v)
            return [(str(d.year), str(d.year))] if d else [("unknown", ui("unknown_year", lang))]
        if facet == "issuer":
            return [(urls.slug(i.en), i[lang]) for i in v.issuers]
        return [(entry.status, ui("status_" + entry.status, lang))]

    def group(self, facet: str, lang: str) -> dict[str, tuple[str, list[Entry]]]:
        groups: dict[str, tuple[str, list[Entry]]] = {}
        for entry in self.entries(lang):
            for key, label in self.facet_values(facet, entry, lang):
                groups.setdefault(key, (label, []))[1].append(entry)
        return groups

    def facet_summary(self, lang: str) -> list[dict]:
        out = []
        for facet in FACETS:
            groups = self.group(facet, lang)
            keys = sorted(groups, reverse=(facet == "year"))
            out.append({"name": facet, "heading": ui("by_" + facet, lang),
                        "url": urls.listing(lang, facet),
                        "values": [{"label": groups[k][0], "count": len(groups[k][1]),
                                    "url": urls.listing(lang, facet, k)} for k in keys]})
        return out

    # ---- pages ----------------------------------------------------------------------------------

    def notice_page(self, notice, version, lang: str, *, permanent: bool = False) -> Page:
        """A version of a notice: the latest at `/n/<id>/`, and every version (the latest too) at
        its permanent `/n/<id>/v<k>/`, which is never taken down."""
        is_latest = version.version == notice.latest.version
        number = version.version if permanent or not is_latest else None
        url = urls.notice(lang, notice.id, number)
        other = urls.notice(urls.other(lang), notice.id, number)
        d = notice_date(version)
        anns = version.annotations or ()
        ctx = self.context(
            lang, url, notice=notice, version=version, is_latest=is_latest,
            status=self.status_of(version), other_url=other,
            measures_end=lifecycle.windows_end(version),
            print_order=version.print_order or DEFAULT_PRINT_ORDER,
            region_url=urls.listing(lang, "region", version.region.code or "none"),
            year_url=urls.listing(lang, "year", str(d.year) if d else "unknown"),
            year_label=str(d.year) if d else ui("unknown_year", lang),
            validity=self.validity(version, lang),
            version_url=lambda other_v: urls.notice(lang, notice.id, other_v.version),
            latest_status=self.status_of(notice.latest),
            successor=self.successor_notice(notice, lang),
            clause_label=lambda cid: clause_label(version, cid, lang),
            number=lambda n: labels.number_in(n, lang),
            measure_title=lambda mid: self.measure_title(version, mid, lang),
            target=lambda tid: self.target(version, tid, lang),
            notes_for=lambda cid: [a for a in anns if a.target is not None and str(a.target) == str(cid)],
            measure_list=lambda ms: ([str(m.id) for _, m in version.measures()] if ms == "*"
                                     else [str(m) for m in ms if not isinstance(m, dict)]),
            attachment_title=self.attachment_title(lang),
        )
        toc = [(f"h-{s.id}", " ".join(x for x in (ctx["tx"](s.number), ctx["tx"](s.heading)) if x))
               for s in version.body if s.heading or s.number]
        toc += [(f"att-{a.id}", ctx["tx"](a.label) or ctx["tx"](a.title)) for a in version.attachments or ()]
        # Each calculator, so a reader finds the forms without scrolling the whole text.
        toc += [(urls.measure_anchor(m.id), f'{ui("calculator", lang)}{"：" if lang == "zh" else ": "}{ctx["tx"](m.title)}')
                for _, m in version.measures() if m.calculator]
        if version.annotations:
            toc.append(("annotations", ui("annotations", lang)))
        if version.errata:
            toc.append(("errata", ui("errata", lang)))
        return Page(url=url, lang=lang, title=version.title[lang], body=self.render("notice.html", ctx),
                    alt=other, toc=tuple(toc), indexed=is_latest and number is None,
                    description=" · ".join(x for x in (labels.doc_number(version, lang), ctx["join"](version.issuers)) if x))

    def successor_notice(self, notice, lang: str) -> dict | None:
        """The other notice that has replaced this one (as of the build date), for the banner."""
        latest = notice.latest
        successor = lifecycle.superseded_by(latest, self.corpus)
        if successor is None or successor.id == notice.id or self.status_of(latest) != "superseded":
            return None
        return {"title": successor.title[lang], "url": urls.notice(lang, successor.id),
                "from": lifecycle.start_date(successor)}

    # ---- versions: history, diffs, point in time ----------------------------------------------

    def history_page(self, notice, lang: str) -> Page:
        url = urls.history(lang, notice.id)
        rows = []
        previous = None
        for v in notice.versions:
            periods = pointintime.status_periods(v, self.corpus)
            rows.append({
                "version": v, "status": self.status_of(v),
                "url": urls.notice(lang, notice.id, v.version),
                "in_force": pointintime.in_force_periods(periods),
                "outgoing": [(rel, self.corpus.notice(rel.notice)) for rel in v.relates or ()],
                "diff": urls.diff(lang, notice.id, previous.version, v.version) if previous else None,
                "previous": previous.version if previous else None,
            })
            previous = v
        incoming = [{"kind": rel.kind, "rel": rel, "source": src,
                     "url": urls.notice(lang, src.id, src.version),
                     "from": lifecycle.start_date(src)}
                    for src, rel in self._incoming.get(notice.id, ())]
        title = ui("history_of", lang, title=notice.latest.title[lang])
        ctx = self.context(lang, url, notice=notice, rows=rows, incoming=incoming, heading=title)
        return Page(url, lang, title, self.render("history.html", ctx),
                    alt=urls.history(urls.other(lang), notice.id))

    def diff_page(self, notice, old, new, lang: str) -> Page:
        url = urls.diff(lang, notice.id, old.version, new.version)
        changes = [{"kind": c.kind, "clause_id": c.clause_id,
                    "number": clause_label(old if c.kind == "removed" else new, c.clause_id, lang),
                    "html": marked(c.html, lang)}
                   for c in diff.version_diff(old, new, lang)]
        counts = {k: sum(1 for c in changes if c["kind"] == k) for k in ("added", "removed", "changed", "same")}
        meta = [self.meta_change(field, a, b, lang) for field, a, b in diff.metadata_changes(old, new)]
        title = ui("diff_of", lang, a=old.version, b=new.version, title=new.title[lang])
        ctx = self.context(lang, url, notice=notice, old=old, new=new, changes=changes, counts=counts,
                           meta=meta, heading=title,
                           old_url=urls.notice(lang, notice.id, old.version),
                           new_url=urls.notice(lang, notice.id, new.version))
        return Page(url, lang, title, self.render("diff.html", ctx),
                    alt=urls.diff(urls.other(lang), notice.id, old.version, new.version),
                    toc=(("meta", ui("meta_changes", lang)), ("clauses", ui("clause_changes", lang))))

    def meta_change(self, field: str, old, new, lang: str) -> dict:
        """(label, before, after) of one changed fact; titles are diffed word by word."""
        def show(value):
            if value is None:
                return ui("none", lang)
            if isinstance(value, dt.date):
                return format_date(value, lang)
            if field == "stage":
                return ui("stage_" + value, lang)
            return value[lang] if hasattr(value, "keys") else str(value)
        label = ui(field.split(".")[-1], lang)
        if field == "title":
            return {"label": label, "before": show(old), "after": marked(diff.inline_diff(old[lang], new[lang], lang), lang)}
        return {"label": label, "before": show(old), "after": show(new)}

    def in_force_page(self, lang: str) -> Page:
        url = urls.in_force(lang)
        listed = [{"notice": n, "version": v, "url": urls.notice(lang, n.id, v.version),
                   "periods": pointintime.in_force_periods(pointintime.status_periods(v, self.corpus))}
                  for n, v in lifecycle.in_force_on(self.corpus, self.build_date)]
        title = ui("in_force_title", lang)
        ctx = self.context(lang, url, listed=listed, heading=title)
        return Page(url, lang, title, self.render("in_force.html", ctx), alt=urls.in_force(urls.other(lang)))

    def finder_page(self, lang: str) -> Page:
        url = urls.finder(lang)
        title = ui("finder_title", lang)
        ctx = self.context(lang, url, heading=title, regions=regions.region_tree(self.corpus))
        return Page(url, lang, title, self.render("finder.html", ctx), alt=urls.finder(urls.other(lang)),
                    description=ui("finder_link", lang))

    def target(self, version, target_id, lang: str) -> tuple[str, str]:
        """(anchor, label) of the clause, section or attachment an annotation or relation cites."""
        tid = str(target_id)
        if version.clause(tid) is not None:
            return urls.clause_anchor(tid), clause_label(version, tid, lang)
        for section in version.sections():
            if str(section.id) == tid:
                label = " ".join(x[lang] for x in (section.number, section.heading) if x)
                return f"s-{tid}", label or tid
        for att in version.attachments or ():
            if str(att.id) == tid:
                return f"att-{tid}", (att.label or att.title)[lang]
        return "title", tid

    @staticmethod
    def measure_title(version, measure_id, lang: str) -> str:
        _, measure = version.measure(str(measure_id))
        return measure.title[lang] if measure is not None else str(measure_id)

    def attachment_title(self, lang: str):
        def title(notice_id: str) -> str:
            other = self.corpus.notice(notice_id) if hasattr(self.corpus, "notice") else None
            return other.latest.title[lang] if other is not None else notice_id
        return title

    def validity(self, version, lang: str) -> str:
        d = version.dates
        if d.valid_from and d.valid_to:
            return f"{format_date(d.valid_from, lang)} – {format_date(d.valid_to, lang)}"
        if d.valid_from:
            return f"{ui('from', lang)} {format_date(d.valid_from, lang)}（{ui('open_ended', lang)}）" \
                if lang == "zh" else f"from {format_date(d.valid_from, lang)} ({ui('open_ended', lang)})"
        if d.valid_to:
            return f"{ui('to', lang)} {format_date(d.valid_to, lang)}"
        return ui("not_given", lang)

    def parallel_page(self, notice, version, lang: str) -> Page:
        """Side by side: the latest version at `/n/<id>/parallel/`, an earlier one under its own
        permanent page, `/n/<id>/v<k>/parallel/` (linked from that page)."""
        is_latest = version.version == notice.latest.version
        number = None if is_latest else version.version
        url = urls.parallel(lang, notice.id, number)
        rows = list(parallel_rows(version))
        ctx = self.context(lang, url, notice=notice, version=version, rows=rows, is_latest=is_latest,
                           number=number)
        return Page(url=url, lang=lang, title=f"{version.title[lang]} — {ui('parallel_title', lang)}",
                    body=self.render("parallel.html", ctx), alt=urls.parallel(urls.other(lang), notice.id, number))

    def listing_pages(self, lang: str) -> list[Page]:
        pages = []
        for facet in FACETS:
            groups = self.group(facet, lang)
            keys = sorted(groups, reverse=(facet == "year"))
            values = [{"label": groups[k][0], "count": len(groups[k][1]),
                       "url": urls.listing(lang, facet, k)} for k in keys]
            index_url = urls.listing(lang, facet)
            heading = ui("by_" + facet, lang)
            pages.append(Page(index_url, lang, heading,
                              self.render("facets.html", self.context(lang, index_url, heading=heading,
                                                                      values=values)),
                              alt=urls.listing(urls.other(lang), facet)))
            for key in keys:
                label, entries = groups[key]
                count = max(1, -(-len(entries) // PER_PAGE))
                for number in range(1, count + 1):
                    url = urls.listing(lang, facet, key, number)
                    title = f"{ui('facet_' + facet, lang)}: {label}"
                    ctx = self.context(
                        lang, url, heading=title, total=len(entries), page=number, pages=count,
                        entries=entries[(number - 1) * PER_PAGE:number * PER_PAGE],
                        page_url=lambda p, key=key: urls.listing(lang, facet, key, p))
                    pages.append(Page(url, lang, title, self.render("listing.html", ctx),
                                      alt=urls.listing(urls.other(lang), facet, key, number)))
        browse = urls.listing(lang, "")[:-1]   # "zh/browse/"
        pages.append(Page(browse, lang, ui("browse", lang),
                          self.render("browse.html", self.context(lang, browse,
                                                                  facets=self.facet_summary(lang))),
                          alt=urls.listing(urls.other(lang), "")[:-1]))
        return pages

    def home_page(self, lang: str) -> Page:
        url = urls.home(lang)
        ctx = self.context(lang, url, entries=self.entries(lang)[:LATEST_ON_HOME],
                           facets=self.facet_summary(lang))
        return Page(url, lang, ui("site_name", lang), self.render("home.html", ctx),
                    alt=urls.home(urls.other(lang)),
                    toc=(("latest", ui("latest_notices", lang)), ("browse", ui("browse", lang)),
                         ("data", ui("open_data", lang))),
                    description=ui("site_tagline", lang))

    def search_page(self, lang: str) -> Page:
        url = urls.search(lang)
        return Page(url, lang, ui("search", lang), self.render("search.html", self.context(lang, url)),
                    alt=urls.search(urls.other(lang)))

    def all_pages(self) -> list[Page]:
        """Every generated page of the site, in a fixed order."""
        return list(self.iter_pages())

    def iter_pages(self):
        """Every generated page, one at a time (a build of thousands of notices need not hold
        every page's HTML at once)."""
        for lang in urls.LANGS:
            yield from self.site_pages(lang)
            for notice in self.corpus.notices:
                yield from self.notice_pages(notice, lang)

    def site_pages(self, lang: str) -> list[Page]:
        """The pages about the whole corpus: home, search, listings, in force, the finder."""
        return [self.home_page(lang), self.search_page(lang), *self.listing_pages(lang),
                self.in_force_page(lang), self.finder_page(lang)]

    def notice_pages(self, notice, lang: str) -> list[Page]:
        """The pages of one notice: latest, each version, side by side, history, diffs."""
        pages = [self.notice_page(notice, notice.latest, lang)]
        pages += [self.notice_page(notice, version, lang, permanent=True) for version in notice.versions]
        pages += [self.parallel_page(notice, v, lang) for v in notice.versions]
        pages.append(self.history_page(notice, lang))
        pages += [self.diff_page(notice, old, new, lang) for old, new in zip(notice.versions, notice.versions[1:])]
        return pages


def incoming_relations(corpus) -> dict[str, list]:
    """notice id → [(version, relation)] of the versions of other notices whose `relates` name it."""
    index: dict[str, list] = {}
    for other in corpus.notices:
        for v in other.versions:
            for rel in v.relates or ():
                index.setdefault(rel.notice, []).append((v, rel))
    return index


_MARKS = {"ins": ("ins_start", "ins_end"), "del": ("del_start", "del_end")}


def marked(html: Markup, lang: str) -> Markup:
    """The diff's <ins>/<del> with their meaning spelled out for screen readers (most do not
    announce the elements themselves). The diff is escaped HTML, so these tags are the only ones."""
    out = str(html)
    for tag, (start, end) in _MARKS.items():
        out = out.replace(f"<{tag}>", f'<{tag}><span class="zc-sr-only">{ui(start, lang)}</span>')
        out = out.replace(f"</{tag}>", f'<span class="zc-sr-only">{ui(end, lang)}</span></{tag}>')
    return Markup(out)


def parallel_rows(version):
    """(kind, anchor, label, zh, en) rows of the side-by-side view, in document order."""
    def row(kind, text, anchor=None, label=""):
        return {"kind": kind, "anchor": anchor, "label": label,
                "zh": text.zh if text else "", "en": text.en if text else ""}

    yield row("title", version.title)
    if version.addressees:
        yield {"kind": "addressees", "anchor": None, "label": "",
               "zh": "、".join(a.zh for a in version.addressees) + "：",
               "en": "; ".join(a.en for a in version.addressees) + ":"}
    for p in version.preamble or ():
        yield row("para", p)
    for section in version.body:
        yield from _section_rows(version, section, row)
    for p in version.closing or ():
        yield row("para", p)
    for att in version.attachments or ():
        yield row("heading", att.title, f"att-{att.id}")
        for p in att.paragraphs or ():
            yield row("para", p)
        for s in att.body or ():
            yield from _section_rows(version, s, row)


def _section_rows(version, section, row):
    if section.heading or section.number:
        num = section.number
        zh = ((num.zh if num else "") + (section.heading.zh if section.heading else ""))
        en = " ".join(x for x in ((num.en if num else ""), (section.heading.en if section.heading else "")) if x)
        yield {"kind": "heading", "anchor": f"h-{section.id}", "label": "", "zh": zh, "en": en}
    for p in section.paragraphs or ():
        yield row("para", p)
    for clause in section.clauses or ():
        yield row("clause", clause.text, urls.clause_anchor(clause.id), clause_label(version, clause.id, "zh"))
