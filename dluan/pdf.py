"""Rendering a template to PDF with WeasyPrint, shared by every PDF export.

The renderer reads nothing but the vendored fonts under ``static/fonts``: no
network, no other file, no data URL. A template extends ``pdf/base.html``, whose
``@font-face`` rules name those fonts by relative URL.
"""

import hashlib
import logging
import threading
from collections import OrderedDict
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
# WeasyPrint logs each rendering step at INFO; keep the application log readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

FONT_SUFFIXES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff"}


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


def render_html_to_pdf(html: str, *, url_fetcher=None) -> bytes:
    from weasyprint import HTML

    def render(fetcher):
        base_url = fonts_dir().as_uri() + "/"
        return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()

    if url_fetcher is not None:  # a caller watching what is fetched: render anew
        return render(url_fetcher)
    return _PDF_CACHE.get_or_render(html, lambda: render(make_url_fetcher()))


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
