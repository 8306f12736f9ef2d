"""Build the website: notices → pages → mkdocs (theme) → exports, search index → `site/`.

The build works in a temporary folder beside the output and replaces the output only when every
stage succeeded, so a failed build leaves the previous site as it was. Output is reproducible:
the only date in it is the build date given by the caller.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import yaml

from sitegen import exports, finder_data, pointintime, pyodide_bundle, search, urls
from sitegen import facts as facts_vocabulary
from sitegen.lifecycle import status
from sitegen.pages import Page, Renderer

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "mkdocs.yml"
HAND_WRITTEN = REPO / "docs"


# The generated Markdown is scratch: in memory (tmpfs) when the machine has one, because deleting
# thousands of files from a disk that discards blocks on unlink took longer than the build here.
SCRATCH = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


class SiteBuildError(RuntimeError):
    pass


def build_site(corpus, out_dir: Path, *, build_date: dt.date, index_search: bool = True,
               calculators: bool = True) -> None:
    """Render every notice (every version, zh and en) and build the site into `out_dir`.

    `index_search=False` and `calculators=False` skip the search index and the Pyodide runtime
    (tests of the pages alone).
    """
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-build-", dir=out_dir.parent))
    try:
        # First gather all data.
        statuses = {id(v): status(v, corpus, on=build_date) for n in corpus.notices for v in n.versions}
        status_of = lambda version: statuses[id(version)]  # noqa: E731
        pages = Renderer(corpus, build_date=build_date, status_of=status_of).all_pages()

        # Start writing files.
        site = work / "site"
        with tempfile.TemporaryDirectory(prefix="zc-docs-", dir=SCRATCH) as scratch:
            docs = Path(scratch) / "docs"
            write_docs_dir(pages, docs)
            if corpus.facts:  # the finder's vocabulary as a table for publishers (/facts/)
                (docs / "facts.md").write_text(facts_vocabulary.markdown_page(corpus.facts), encoding="utf-8")
            config = run_mkdocs(docs, site, build_date=build_date)
        write_redirect(site, "zh/", urls.home("zh"))
        exports.write_data(corpus, site, status_of=status_of)
        finder_data.write_finder(corpus, site)
        exports.write_feeds(corpus, site, site_url=config["site_url"] or "/", status_of=status_of)
        pointintime.write_index(corpus, site, build_date=build_date)
        if calculators:
            pyodide_bundle.bundle(corpus, site)
        else:
            pyodide_bundle.install_page_assets_only(site / "assets" / "calculator")
        if index_search:
            search.index_site(site, corpus, scratch_dir=SCRATCH)
        compress_assets(site)
        check_pages(pages, site)
        replace_dir(site, out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)


ASSET_SUFFIXES = (".css", ".js", ".mjs")


def compress_assets(site: Path) -> None:
    """Brotli and gzip copies of the shared stylesheets and scripts (theme, Pagefind, ours) and of
    the finder's data (data/finder/), which sitegen.serve or any static host sends to browsers that
    accept them; apart from the finder's bundles (one per province and year) a fixed set. The runtime under assets/pyodide has its own (pyodide_bundle)."""
    if shutil.which("node") is None:  # brotli comes from Node's zlib; a pages-only build can do without
        return
    runtime = site / "assets" / "pyodide"
    finder = site / finder_data.FOLDER  # the finder's bundles: what its page downloads, by region and year
    pyodide_bundle.precompress(sorted(
        p for p in site.rglob("*") if (p.suffix in ASSET_SUFFIXES or finder in p.parents) and p.is_file()
        and p.stat().st_size >= 1024 and runtime not in p.parents))


def page_source(url: str) -> str:
    """The Markdown file of a page: "" → index.md, "zh/n/x/" → zh/n/x/index.md."""
    return url + "index.md"


def write_docs_dir(pages: list[Page], docs: Path) -> None:
    """Hand-written docs/ plus one file per generated page (front matter + finished HTML)."""
    if HAND_WRITTEN.is_dir():
        shutil.copytree(HAND_WRITTEN, docs)
    seen: dict[str, str] = {}
    for page in pages:
        src = page_source(page.url)
        if src in seen or (docs / src).exists():
            raise SiteBuildError(f"two pages map to {src}: {page.title!r} and {seen.get(src, 'docs/' + src)!r}")
        seen[src] = page.title
        # The theme prints front matter without escaping: everything that comes from data is
        # escaped here, once.
        meta = {"title": html.escape(page.title), "lang": page.lang, "zc_raw": True,
                "zc_alt": page.alt, "zc_toc": [[a, html.escape(n)] for a, n in page.toc]}
        if page.description:
            meta["description"] = html.escape(page.description)
        if not page.toc:
            meta["hide"] = ["toc"]
        if page.has_calculator:
            meta["zc_calc"] = True
        path = docs / src
        path.parent.mkdir(parents=True, exist_ok=True)
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=1 << 16)
        path.write_text(f"---\n{front}---\n{page.body}\n", encoding="utf-8")


@contextmanager
def _environment(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_mkdocs(docs: Path, site: Path, *, build_date: dt.date, **overrides):
    """mkdocs build with our config; the build date stands in for "now" (SOURCE_DATE_EPOCH).

    `overrides` replace config keys (the benchmark uses it to try the theme's own search).
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    epoch = int(dt.datetime.combine(build_date, dt.time(), dt.timezone.utc).timestamp())
    with _environment(NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH=str(epoch)):
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        try:
            config = load_config(config_file=str(CONFIG), docs_dir=str(docs), site_dir=str(site),
                                 **overrides)
            build(config)
        except (MkDocsException, SystemExit) as err:
            raise SiteBuildError(f"mkdocs build failed: {err}") from err
        except Exception as err:  # mkdocs' click Abort and template errors
            raise SiteBuildError(f"mkdocs build failed: {type(err).__name__}: {err}") from err
    return config


def write_redirect(site: Path, url: str, target: str) -> None:
    """A static redirect page (no script): `url` → `target`."""
    rel = urls.relative(url, target)
    path = site / url / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<title>Redirect</title><meta http-equiv="refresh" content="0; url={html.escape(rel)}">'
        f'<link rel="canonical" href="{html.escape(rel)}"></head>'
        f'<body><p><a href="{html.escape(rel)}">{html.escape(rel)}</a></p></body></html>\n',
        encoding="utf-8")


def check_pages(pages: list[Page], site: Path) -> None:
    missing = [p.url for p in pages if not (site / p.url / "index.html").is_file()]
    if missing:
        raise SiteBuildError(f"{len(missing)} page(s) not written, e.g. {missing[:5]}")


def replace_dir(new: Path, out: Path) -> None:
    """Put `new` in place of `out`; the old site is removed only once the new one is there."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-old-{os.getpid()}")
        os.rename(out, old)
    os.rename(new, out)
    if old is not None:
        shutil.rmtree(old)
