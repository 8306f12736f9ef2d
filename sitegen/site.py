"""Build the website: notices → pages → mkdocs (theme) → exports, search index → `site/`.

The build works in a temporary folder beside the output and replaces the output only when every
stage succeeded, so a failed build leaves the previous site as it was. Output is reproducible:
the only date in it is the build date given by the caller.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import gzip
import hashlib
import html
import itertools
import json
import logging
import os
import re
import subprocess
import sys
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
               calculators: bool = True) -> dict[str, bytes]:
    """Render every notice (every version, zh and en) and build the site into `out_dir`.

    `index_search=False` and `calculators=False` skip the search index and the Pyodide runtime
    (tests of the pages alone). Returns the digest of each generated page's source by URL (the
    live preview rebuilds only the pages whose source changed).
    """
    out_dir = Path(out_dir).resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-build-", dir=out_dir.parent))
    try:
        # First gather all data.
        statuses = {id(v): status(v, corpus, on=build_date) for n in corpus.notices for v in n.versions}
        status_of = lambda version: statuses[id(version)]  # noqa: E731
        renderer = Renderer(corpus, build_date=build_date, status_of=status_of)

        # Start writing files.
        site = work / "site"
        with tempfile.TemporaryDirectory(prefix="zc-docs-", dir=SCRATCH) as scratch:
            # the finder's vocabulary as a table for publishers (/facts/; the docs link to it)
            extra = {"facts.md": facts_vocabulary.markdown_page(corpus.facts or {"facts": []})}
            digests = build_pages(renderer.iter_pages(), site, Path(scratch), build_date=build_date, extra=extra)
        write_redirect(site, "zh/", urls.home("zh"))
        # Pagefind runs in processes of its own while this one writes the data files (the two
        # cores work at once), so the search index is started first.
        indexer = search.Indexer(site, corpus, scratch_dir=SCRATCH) if index_search else None
        try:
            if indexer is not None:
                indexer.start()
            exports.write_data(corpus, site, status_of=status_of)
            finder_data.write_finder(corpus, site)
            exports.write_feeds(corpus, site, site_url=yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["site_url"] or "/", status_of=status_of)
            pointintime.write_index(corpus, site, build_date=build_date)
            if calculators:
                pyodide_bundle.bundle(corpus, site)
            else:
                pyodide_bundle.install_page_assets_only(site / "assets" / "calculator")
            if indexer is not None:
                indexer.finish()
        finally:
            if indexer is not None:
                indexer.close()
        compress_assets(site)
        check_pages(digests, site)
        replace_dir(site, out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return digests


ASSET_SUFFIXES = (".css", ".js", ".mjs")


def compress_assets(site: Path) -> None:
    """Brotli and gzip copies of the shared stylesheets and scripts (theme, Pagefind, ours) and of
    the finder's data (data/finder/), which sitegen.serve or any static host sends to browsers that
    accept them; apart from the finder's bundles (one per province and year) a fixed set. The runtime under assets/pyodide has its own (pyodide_bundle)."""
    if shutil.which("node") is None:  # brotli comes from Node's zlib; a pages-only build can do without
        return
    runtime = site / "assets" / "pyodide"
    finder = site / finder_data.FOLDER  # the finder's bundles: what its page downloads, by region and year
    found = []
    for folder, dirs, files in os.walk(site):
        here = Path(folder)
        if here == runtime:
            dirs.clear()
            continue
        if here.parent == site and here.name in urls.LANGS:
            dirs[:] = [d for d in dirs if d != "n"]   # the notice pages: tens of thousands of folders, no scripts
        for name in files:
            path = here / name
            if (path.suffix in ASSET_SUFFIXES or here == finder or finder in here.parents) and path.stat().st_size >= 1024:
                found.append(path)
    pyodide_bundle.precompress(sorted(found))


# mkdocs keeps every page of a build in memory until the end, so the generated pages go through it
# in batches, each in a worker process while the main process renders the next batch: memory is
# bounded by a batch, and the two cores work at once.
BATCH_PAGES = 3000
WORKERS = 2


def build_pages(pages, site: Path, scratch: Path, *, build_date: dt.date,
                extra: dict[str, str] | None = None) -> dict[str, bytes]:
    """Write the generated pages (an iterable) and the hand-written docs/ as HTML into `site`;
    returns {url: digest of the page's source}. The first batch carries the hand-written pages,
    `extra` Markdown pages generated from data ({path under docs/: text}, e.g. facts.md), the
    theme's files and the sitemap; the others' pages are moved in beside them."""
    digests: dict[str, bytes] = {}
    pages = iter(pages)
    jobs = []
    home = None
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:   # each runs a process
        for number in itertools.count():
            if len(jobs) > WORKERS:  # at most one batch waiting: its source is held in memory (tmpfs)
                jobs[-WORKERS - 1][2].result()
            batch = list(itertools.islice(pages, BATCH_PAGES))
            if number and not batch:
                break
            # later batches are written beside the site (same file system: their pages are moved)
            docs, out = scratch / f"docs-{number}", (site if number == 0 else site.with_name(f"{site.name}-{number}"))
            home = home or next((page_document(p) for p in batch if p.url == ""), None)
            urls_of_batch = list(write_docs_dir(batch, docs, hand_written=number == 0, digests=digests))
            for path, text in (extra or {}).items() if number == 0 else ():
                (docs / path).write_text(text, encoding="utf-8")
            del batch
            if number:
                write_home_copy(docs, home)
            jobs.append((out, urls_of_batch, pool.submit(_run_batch, str(docs), str(out), build_date.isoformat())))
        for _, _, job in jobs:
            job.result()
    sitemap = [site / "sitemap.xml"]
    for out, urls_of_batch, _ in jobs[1:]:
        for url in urls_of_batch:
            target = site / url / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(out / url / "index.html", target)
        sitemap.append(out / "sitemap.xml")
    if len(sitemap) > 1:
        merge_sitemaps(sitemap, build_date)
    return digests


def write_home_copy(docs: Path, home: str | None) -> None:
    """The home page's source in a batch without it: the theme's navigation names the home page,
    and every page must be rendered with the same navigation (the copy's output is not used)."""
    if home is None:
        raise SiteBuildError("no home page among the generated pages")
    (docs / "index.md").parent.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text(home, encoding="utf-8")


def _run_batch(docs: str, out: str, build_date: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "sitegen.mkdocs_batch", docs, out, build_date],
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True)
    if proc.returncode:
        raise SiteBuildError((proc.stderr.strip() or f"mkdocs batch exited {proc.returncode}").splitlines()[-1])
    shutil.rmtree(docs)


URL_ENTRY = re.compile(r"[ \t]*<url>.*?</url>", re.S)


def merge_sitemaps(paths: list[Path], build_date: dt.date) -> None:
    """One sitemap.xml (and .gz, as mkdocs writes it) listing the pages of every batch."""
    first = paths[0].read_text(encoding="utf-8")
    entries = list(dict.fromkeys(  # each batch lists the home page (see write_home_copy)
        m.group(0) for p in paths for m in URL_ENTRY.finditer(p.read_text(encoding="utf-8"))))
    head = first[:first.index("<urlset")]
    opening = first[first.index("<urlset"):first.index(">", first.index("<urlset")) + 1]
    text = head + opening + "\n" + "\n".join(entries) + "\n</urlset>"  # mkdocs' layout, batch by batch
    paths[0].write_text(text, encoding="utf-8")
    epoch = int(dt.datetime.combine(build_date, dt.time(), dt.timezone.utc).timestamp())
    gz = paths[0].with_name("sitemap.xml.gz")
    with open(gz, "wb") as f, gzip.GzipFile(fileobj=f, filename=str(gz), mode="wb", mtime=epoch) as out:
        out.write(text.encode("utf-8"))


def page_source(url: str) -> str:
    """The Markdown file of a page: "" → index.md, "zh/n/x/" → zh/n/x/index.md."""
    return url + "index.md"


def write_docs_dir(pages, docs: Path, *, hand_written: bool = True,
                   digests: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Hand-written docs/ plus one file per generated page (front matter + finished HTML).

    `pages` may be a generator: each page is written and dropped. Returns {url: digest of the
    file} of these pages; `digests` (pages written before, in other batches) is updated too."""
    if hand_written and HAND_WRITTEN.is_dir():
        shutil.copytree(HAND_WRITTEN, docs)
    digests = digests if digests is not None else {}
    written: dict[str, bytes] = {}
    for page in pages:
        src = page_source(page.url)
        if page.url in digests or (docs / src).exists() or (HAND_WRITTEN / src).exists():
            raise SiteBuildError(f"two pages map to {src}: {page.title!r} and an earlier page or docs/{src}")
        text = page_document(page)
        digests[page.url] = written[page.url] = source_digest(text)
        path = docs / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return written


def source_digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def page_document(page: Page) -> str:
    """The Markdown file mkdocs reads for a generated page: front matter, then the HTML body."""
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
    return f"---\n{front_matter(meta)}\n---\n{page.body}\n"


# Characters YAML's reader refuses or reads as line breaks, which JSON leaves as they are.
NOT_YAML_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")


def front_matter(meta: dict) -> str:
    """The front matter as JSON, which YAML reads as the same values: several times faster to write
    than YAML's emitter, which was a tenth of a large build."""
    text = json.dumps(meta, ensure_ascii=False, sort_keys=True)
    return NOT_YAML_PRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


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


def check_pages(page_urls, site: Path) -> None:
    missing = [url for url in page_urls if not (site / url / "index.html").is_file()]
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
