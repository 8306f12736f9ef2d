"""Live preview (`python build.py serve --watch`): rebuild what a save under policies/ touches and
reload the open page; a validation error shows in the page instead of a stale one.

- Watching is an mtime scan of policies/ every POLL seconds (standard library: a scan of a
  thousand notices' files takes milliseconds, and needs no platform file-event API).
- A change reloads the corpus through a `LoadCache` (only the saved files are parsed, checked and
  have their golden cases run), renders the site-wide pages (home, listings, in force) and the
  pages of the notices the edit touches (the edited ones and those related to them), and sends to
  mkdocs only the pages whose source differs from what is on disk: for one edited notice that
  is its own pages, plus a listing or two. The per-notice data, specs and the indexes are
  rewritten; the Pyodide runtime and the search index are not (restart the preview for those).
- The browser learns of a rebuild by polling `/__preview/version` (same origin, so the site's CSP
  allows it) from `/__preview/reload.js`, which the preview server alone adds to every HTML page
  it sends, with `/__preview/preview.css` and, while the notices do not validate, a banner listing
  each problem with file:line:field. Nothing of this is ever written into the site.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from http import HTTPStatus
from pathlib import Path

from sitegen import exports, finder_data, pointintime, pyodide_bundle, urls
from sitegen.lifecycle import status
from sitegen.pages import Renderer
from sitegen.readers import LoadCache, ValidationFailed, load_policies
from sitegen.serve import Handler, make_server
from sitegen.site import (SCRATCH, build_site, page_document, run_mkdocs, source_digest, write_docs_dir,
                          write_home_copy)
from sitegen.yamlload import Problem

POLL = 0.2                 # seconds between scans of policies/
ASSETS = Path(__file__).with_name("preview_web")
PREFIX = "/__preview/"


def scan(root: Path) -> dict[str, tuple[int, int]]:
    """path → (mtime, size) of every YAML file under `root` (editors' dot-files left out)."""
    out = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.startswith(".") or not name.endswith((".yaml", ".yml")):
                continue
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except FileNotFoundError:  # removed between the listing and the stat
                continue
            out[path] = (st.st_mtime_ns, st.st_size)
    return out


def touched_notices(root: Path, paths) -> set[str] | None:
    """Ids of the notices whose folders hold `paths`; None when a file outside a notice's folder
    changed (glossary, calendars…), which may touch every notice."""
    ids = set()
    for path in paths:
        parts = Path(path).relative_to(root).parts
        if len(parts) != 2:
            return None
        ids.add(parts[0])
    return ids


def neighbours(corpus, ids: set[str]) -> set[str]:
    """The notices whose pages show something of `ids`: those they relate to or attach, and those
    that relate to or attach them (titles, banners, history)."""
    out = set()
    for notice in corpus.notices:
        for v in notice.versions:
            named = {rel.notice for rel in v.relates or ()}
            named |= {att.notice for att in v.attachments or () if att.notice}
            if notice.id in ids:
                out |= named
            elif named & ids:
                out.add(notice.id)
    return out


class Preview:
    """The state of one preview: the corpus as last loaded, the digest of every page's source as
    on disk, the problems of the last load, and a version number the pages poll."""

    def __init__(self, policies: Path, site: Path, *, build_date, seeds_dir: Path | None = None,
                 calculators: bool = True, index_search: bool = True, log=None):
        self.policies, self.site = Path(policies), Path(site).resolve()
        self.build_date, self.seeds_dir = build_date, seeds_dir
        self.calculators, self.index_search = calculators, index_search
        self.cache = LoadCache()
        self.corpus = None
        self.digests: dict[str, bytes] = {}
        self.problems: list[Problem] = []
        self.version = 1
        self.changed = threading.Condition()
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self._stop = threading.Event()

    # ---- building -----------------------------------------------------------------------------

    def _load(self):
        return load_policies(self.policies, seeds_dir=self.seeds_dir, run_cases=True, cache=self.cache)

    def start(self) -> None:
        """The first, full build (the site must exist before it is served)."""
        self.state = scan(self.policies)
        try:
            corpus = self._load()
        except ValidationFailed as failed:
            self.problems = failed.problems
            if not (self.site / "index.html").is_file():
                raise
            self.log(f"preview: {len(self.problems)} problem(s); serving the site as last built")
            return
        self.digests = build_site(corpus, self.site, build_date=self.build_date,
                                  index_search=self.index_search, calculators=self.calculators)
        self.corpus = corpus

    def update(self, changed_paths) -> bool:
        """Reload after `changed_paths` were saved; rebuild what they touch, or record problems.
        False when the files could not be read (to be tried again at the next scan)."""
        started = time.perf_counter()
        try:
            corpus = self._load()
        except ValidationFailed as failed:
            self._publish(failed.problems)
            self.log(f"preview: {len(failed.problems)} problem(s)\n{failed.report()}")
            return True
        except OSError as err:  # a file renamed away mid-save: try again at the next scan
            self.log(f"preview: {err}")
            return False
        ids = touched_notices(self.policies, changed_paths)
        if self.corpus is None:  # the first build failed validation: build everything now
            self.digests = build_site(corpus, self.site, build_date=self.build_date,
                                      index_search=self.index_search, calculators=self.calculators)
            written = len(self.digests)
        else:
            written = self._rebuild(corpus, ids)
        self.corpus = corpus
        self._publish([])
        self.log(f"preview: {written} page(s) rebuilt in {time.perf_counter() - started:.2f} s")
        return True

    def _rebuild(self, corpus, ids: set[str] | None) -> int:
        old = self.corpus
        notices = {n.id for n in corpus.notices} | {n.id for n in old.notices}
        if ids is not None and ids - notices:  # a folder that is no notice (calendars…): may touch any
            ids = None
        if ids is None:
            ids = notices
        scope = ids | neighbours(corpus, ids) | neighbours(old, ids)
        statuses = {id(v): status(v, corpus, on=self.build_date) for n in corpus.notices for v in n.versions}
        status_of = lambda version: statuses[id(version)]  # noqa: E731
        renderer = Renderer(corpus, build_date=self.build_date, status_of=status_of)
        pages = [p for lang in urls.LANGS for p in renderer.site_pages(lang)]
        pages += [p for lang in urls.LANGS for n in corpus.notices if n.id in scope
                  for p in renderer.notice_pages(n, lang)]
        fresh = {p.url for p in pages}
        # Pages in scope no longer generated: a removed notice's, an emptied listing's.
        gone = [u for u in self.digests if u not in fresh and (_notice_of(u) in scope or _notice_of(u) is None)]
        changed = [p for p in pages if self.digests.get(p.url) != _digest(p)]
        if changed:
            with tempfile.TemporaryDirectory(prefix="zc-preview-docs-", dir=SCRATCH) as scratch, \
                    tempfile.TemporaryDirectory(prefix=".zc-preview-", dir=self.site.parent) as built:
                docs, out = Path(scratch) / "docs", Path(built) / "site"  # out: beside the site, to move pages
                digests = write_docs_dir(changed, docs, hand_written=False)
                if "" not in digests:
                    write_home_copy(docs, page_document(next(p for p in pages if p.url == "")))
                run_mkdocs(docs, out, build_date=self.build_date)
                for url in digests:
                    target = self.site / url / "index.html"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(out / url / "index.html", target)
                self.digests.update(digests)
        for url in gone:
            self.digests.pop(url, None)
            (self.site / url / "index.html").unlink(missing_ok=True)
        self._write_data(corpus, ids, status_of)
        return len(changed)

    def _write_data(self, corpus, ids: set[str], status_of) -> None:
        for notice_id in ids:
            if corpus.notice(notice_id) is None:  # removed: its data goes too
                shutil.rmtree(self.site / "data" / "n" / notice_id, ignore_errors=True)
                (self.site / urls.data(notice_id)).unlink(missing_ok=True)
            shutil.rmtree(self.site / "assets" / "specs" / notice_id, ignore_errors=True)
        exports.write_data(corpus, self.site, status_of=status_of, only=ids)
        exports.write_feeds(corpus, self.site, site_url="/", status_of=status_of)
        pointintime.write_index(corpus, self.site, build_date=self.build_date, only=ids)
        finder_data.write_finder(corpus, self.site)  # small (split by province and year): all of it
        if (self.site / "assets" / "specs").is_dir():
            pyodide_bundle.write_specs(corpus, self.site / "assets" / "specs", only=ids)

    def _publish(self, problems: list[Problem]) -> None:
        with self.changed:
            self.problems = problems
            self.version += 1
            self.changed.notify_all()

    # ---- watching -----------------------------------------------------------------------------

    def watch(self) -> None:
        """Scan policies/ until `stop()`; rebuild after each change (a burst of saves is one)."""
        while not self._stop.wait(POLL):
            now = scan(self.policies)
            if now == self.state:
                continue
            time.sleep(POLL / 2)   # let an editor finish writing (save = truncate + write, or rename)
            now = scan(self.policies)
            changed = {p for p in now.keys() | self.state.keys() if now.get(p) != self.state.get(p)}
            try:
                if self.update(changed):
                    self.state = now
            except Exception as err:  # noqa: BLE001 — the preview reports and keeps watching
                self._publish([Problem("(preview)", None, "", f"the rebuild failed: {type(err).__name__}: {err}",
                                       f"重新生成失败：{type(err).__name__}：{err}")])
                self.log(f"preview: rebuild failed: {type(err).__name__}: {err}")
                self.state = now

    def stop(self) -> None:
        self._stop.set()

    # ---- what the pages are given -------------------------------------------------------------

    def banner(self) -> str:
        problems = self.problems
        if not problems:
            return ""
        items = "".join(
            f'<li><code>{html.escape(p.file)}{":" + str(p.line) if p.line else ""}</code>'
            + (f' <code>{html.escape(p.field)}</code>' if p.field else "")
            + f' <span lang="en">{html.escape(p.message_en)}</span>'
            f' <span lang="zh-CN">{html.escape(p.message_zh)}</span></li>' for p in problems)
        return ('<div class="zc-preview-problems" role="alert">'
                f'<p><span lang="zh-CN">预览未更新：通知有 {len(problems)} 处问题。</span> '
                f'<span lang="en">Preview not updated: {len(problems)} problem(s) in the notices.</span></p>'
                f'<ul>{items}</ul></div>')


def _digest(page) -> bytes:
    return source_digest(page_document(page))


_NOTICE_URL = re.compile(r"^(?:zh|en)/n/([^/]+)/")


def _notice_of(url: str) -> str | None:
    match = _NOTICE_URL.match(url)
    return match.group(1) if match else None


HEAD_END = re.compile(r"</head>", re.I)
BODY_START = re.compile(r"<body[^>]*>", re.I)


class PreviewHandler(Handler):
    """The static host, plus the preview's endpoint and assets, added to every HTML page sent."""

    preview: Preview = None

    def send_head(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if path.startswith(PREFIX):
            return self._preview_file(path[len(PREFIX):])
        if "\0" in path or any(part.startswith(".") for part in path.split("/")):
            return super().send_head()
        file = Path(self.translate_path(self.path))
        if file.is_dir() and path.endswith("/"):
            file = file / "index.html"
        if file.suffix != ".html":
            return super().send_head()
        if not file.is_file():
            if file.name != "index.html" or not (Path(self.directory) / "404.html").is_file():
                return super().send_head()
            return self._html(Path(self.directory) / "404.html", HTTPStatus.NOT_FOUND)
        return self._html(file, HTTPStatus.OK)

    def _html(self, file: Path, code):
        with self.preview.changed:
            version, banner = self.preview.version, self.preview.banner()
        page = file.read_text(encoding="utf-8")
        head = (f'<link rel="stylesheet" href="{PREFIX}preview.css">'
                f'<script src="{PREFIX}reload.js" data-version="{version}" defer></script></head>')
        page = HEAD_END.sub(lambda m: head, page, count=1)
        if banner:
            page = BODY_START.sub(lambda m: m.group(0) + banner, page, count=1)
        return self._send(page.encode("utf-8"), "text/html; charset=utf-8", code)

    def _preview_file(self, name: str):
        if name == "version":
            with self.preview.changed:
                body = {"version": self.preview.version, "problems": len(self.preview.problems)}
            return self._send(json.dumps(body).encode(), "application/json")
        if name in ("reload.js", "preview.css"):
            return self._send((ASSETS / name).read_bytes(), self.guess_type(name))
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    no_store = False

    def _send(self, body: bytes, content_type: str, code=HTTPStatus.OK):
        self.vary, self.no_store = False, True
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self):
        if self.no_store:  # a page and its version change under the same URL: never cached
            self.static_host = False
            self.send_header("Cache-Control", "no-store")
        super().end_headers()


def serve_watch(preview: Preview, host: str = "127.0.0.1", port: int = 8000, *, ready=None) -> None:
    """Build, serve and watch until Ctrl-C (`ready(base_url)` is called once serving)."""
    preview.start()
    handler = type("Preview", (PreviewHandler,), {"preview": preview})
    server = make_server(preview.site, host, port, handler=handler)
    watcher = threading.Thread(target=preview.watch, daemon=True)
    watcher.start()
    base = f"http://{host}:{server.server_address[1]}/"
    print(f"Previewing {preview.site} on {base} — watching {preview.policies} (Ctrl-C to stop)",
          file=sys.stderr, flush=True)
    if ready is not None:
        ready(base)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
        server.server_close()
