"""Rendering a template to PDF with WeasyPrint, shared by every PDF export.

The renderer reads nothing but the vendored fonts under ``static/fonts``: no
network, no other file, no data URL. A template extends ``pdf/base.html``, whose
``@font-face`` rules name those fonts by relative URL.

A document renders in a forked child under a memory cap and a time limit
(``PDF_RENDER_MEMORY_MB``, ``PDF_RENDER_TIME_LIMIT``), after a cap on its length
(``PDF_MAX_HTML_CHARS``): past any of them ``PDFRenderError`` says so, and the web
or Celery worker carries on with its own memory untouched.
"""

import hashlib
import logging
import os
import re
import resource
import select
import signal
import threading
import time
import traceback
from collections import OrderedDict
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)
# WeasyPrint logs each rendering step at INFO; keep the application log readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

FONT_SUFFIXES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff"}
# Control characters but tab and line breaks: no font has a glyph for them, so
# typed or pasted ones would print as empty boxes in the middle of a sentence.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def fonts_dir() -> Path:
    return (Path(settings.BASE_DIR) / "static" / "fonts").resolve()


class RefusedURL(ValueError):
    """The PDF renderer was asked for something other than a vendored font."""


def _font_path(url: str) -> Path | None:
    """The vendored font a URL names, or None."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in {"", "localhost"}:
        return None
    path = Path(url2pathname(unquote(parts.path))).resolve()
    root = fonts_dir()
    if root not in path.parents or path.suffix.lower() not in FONT_SUFFIXES:
        return None
    return path if path.is_file() else None


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FontsOnlyFetcher(URLFetcher):
        """A URL fetcher that serves the vendored fonts and refuses everything else."""

        def __init__(self):
            super().__init__(allowed_protocols={"file"})
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            path = _font_path(url)
            if path is None:
                self.refused.append(url)
                logger.warning("PDF renderer refused to fetch %s", url[:200])
                raise RefusedURL(url)
            return URLFetcherResponse(
                url,
                body=path.read_bytes(),
                headers={"Content-Type": FONT_SUFFIXES[path.suffix.lower()]},
            )

    return FontsOnlyFetcher


def make_url_fetcher():
    """A fresh fetcher; its ``refused`` list names every URL it turned down."""
    return _fetcher_class()()


class RenderCache:
    """The last few documents rendered by this process, by a hash of their source.

    Rendering is deterministic and takes seconds: the same text (a brief saved
    again unchanged, a slip page, a demo loaded twice) is served from memory.
    """

    def __init__(self, size: int = 16):
        self.size = size
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def get_or_render(self, text: str, render) -> bytes:
        key = self.key(text)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        data = render()
        with self._lock:
            self._items[key] = data
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return data


_PDF_CACHE = RenderCache()


class PDFRenderError(RuntimeError):
    """A document too large or too slow to render within the limits.

    ``reason`` says which: "length", "time", "memory" or "failed".
    """

    def __init__(self, message, reason: str = "failed"):
        super().__init__(message)
        self.reason = reason


def _limits() -> tuple[int, float, int]:
    """The longest HTML rendered (characters), the seconds a render may take and
    the memory it may add (bytes)."""
    return (
        settings.PDF_MAX_HTML_CHARS,
        settings.PDF_RENDER_TIME_LIMIT,
        settings.PDF_RENDER_MEMORY_MB * 1024 * 1024,
    )


def _too_large(reason: str) -> PDFRenderError:
    return PDFRenderError(
        _(
            "The document is too large to be printed as PDF; shorten its text "
            "and try again."
        ),
        reason,
    )


def _write_pdf(html: str, fetcher) -> bytes:
    from weasyprint import HTML

    base_url = fonts_dir().as_uri() + "/"
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


_warm = threading.Lock()
_warmed = False


def _warm_up() -> None:
    """Load WeasyPrint, Pango and the fonts once in this process, before forking:
    every child then starts with them instead of loading them again."""
    global _warmed
    with _warm:
        if not _warmed:
            _write_pdf(
                '<html><body><p style="font-family: serif">Ạ</p></body></html>',
                make_url_fetcher(),
            )
            _warmed = True


def _vm_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


_OUT_OF_MEMORY = 3


def _render_in_child(html: str, *, time_limit: float, memory: int) -> bytes:
    """Render in a forked child under a memory cap, killed past the time limit.

    A pathological document (megabytes of text, a huge table) then costs one
    child, not the web or Celery worker: the parent waits at most ``time_limit``
    seconds and its own memory does not grow. os.fork rather than
    multiprocessing: a Celery worker's children are daemonic and may not start
    a multiprocessing.Process.
    """
    _warm_up()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: render, write the PDF, exit without cleaning up
        status = 1
        try:
            os.close(read_end)
            resource.setrlimit(resource.RLIMIT_AS, (_vm_bytes() + memory,) * 2)
            data = _write_pdf(html, make_url_fetcher())
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            status = 0
        except MemoryError:
            status = _OUT_OF_MEMORY
        except BaseException:  # the traceback goes to the worker's log
            traceback.print_exc()
            status = 2
        finally:
            os._exit(status)
    os.close(write_end)
    deadline = time.monotonic() + time_limit
    chunks = []
    try:
        with os.fdopen(read_end, "rb", buffering=0) as source:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([source], [], [], left)[0]:
                    os.kill(pid, signal.SIGKILL)
                    logger.warning("PDF render stopped after %s s", time_limit)
                    raise _too_large("time")
                chunk = source.read(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        _pid, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == _OUT_OF_MEMORY:
        logger.warning("PDF render ran out of memory (%s MB)", memory >> 20)
        raise _too_large("memory")
    if code != 0:
        logger.error("PDF render failed (exit %s)", code)
        raise PDFRenderError(
            _("The PDF could not be made; try again, or tell the administrator.")
        )
    return b"".join(chunks)


def render_html_to_pdf(html: str, *, url_fetcher=None) -> bytes:
    """The PDF of ``html``; PDFRenderError past the size, time or memory limits."""
    max_chars, time_limit, memory = _limits()
    html = _CONTROL_CHARACTERS.sub("", html)
    if len(html) > max_chars:
        raise _too_large("length")
    if url_fetcher is not None:  # a caller watching what is fetched: render here
        return _write_pdf(html, url_fetcher)
    return _PDF_CACHE.get_or_render(
        html,
        lambda: _render_in_child(html, time_limit=time_limit, memory=memory),
    )


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template (extending ``pdf/base.html``) to PDF bytes."""
    html = render_to_string(template_name, context)
    return render_html_to_pdf(html)


# --- The heading of a Party document (GLOSSARY, "A Party document's layout") ----------

# Unit name prefix → the party committee that issues in its name.
_COMMITTEES = [
    ("Thành phố ", "THÀNH ỦY "),
    ("Thị xã ", "THỊ ỦY "),
    ("Tỉnh ", "TỈNH ỦY "),
    ("Huyện ", "HUYỆN ỦY "),
    ("Quận ", "QUẬN ỦY "),
    ("Phường ", "ĐẢNG ỦY PHƯỜNG "),
    ("Xã ", "ĐẢNG ỦY XÃ "),
    ("Thị trấn ", "ĐẢNG ỦY THỊ TRẤN "),
]
BOARD_NAME = "BAN TUYÊN GIÁO VÀ DÂN VẬN"


def place_name(unit) -> str:
    """ "Thị xã Hương Trà" → "Hương Trà": the place written before the date."""
    name = str(unit)
    for prefix, _committee in _COMMITTEES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def issuer_lines(unit) -> list[str]:
    """The issuing body on two lines: the party committee, then its board."""
    name = str(unit)
    for prefix, committee in _COMMITTEES:
        if name.startswith(prefix):
            return [(committee + name[len(prefix) :]).upper(), BOARD_NAME]
    return [("ĐẢNG ỦY " + name).upper(), BOARD_NAME]


def place_and_date(unit, day) -> str:
    """ "Hương Trà, ngày 07 tháng 6 năm 2019" (months 1 and 2 written 01, 02)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place_name(unit)}, ngày {day.day:02d} tháng {month} năm {day.year}"


class RenderErrorMiddleware:
    """A PDF past its limits says why on the page it was asked from, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PDFRenderError):
            return None
        from django.contrib import messages
        from django.shortcuts import redirect
        from django.utils.http import url_has_allowed_host_and_scheme

        messages.error(request, str(exception))
        back = request.META.get("HTTP_REFERER", "")
        if back and url_has_allowed_host_and_scheme(
            back, {request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(back)
        return redirect("home")
