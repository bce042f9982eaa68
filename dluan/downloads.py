"""The one way a view hands a file to the browser.

Every download and export goes through :func:`download`: the file name (Vietnamese
letters kept for the browsers that read ``filename*``, an ASCII fallback for the
rest), the content type, ``Cache-Control: no-store`` (a report, a roster or a
sign-in slip must not stay in a shared cache or the browser's), and the access
record, which :class:`dluan.audit.AccessAuditMiddleware` writes for the URL names
listed in each app's ``audit.py``; ``shows`` names the object the file is of,
as a page names it with :func:`dluan.audit.shown`.
"""

from io import BytesIO
from typing import BinaryIO

from django.http import FileResponse, HttpRequest
from django.utils.cache import add_never_cache_headers

from dluan import audit
from dluan.xlsx import XLSX_CONTENT_TYPE

PDF = "application/pdf"
XLSX = XLSX_CONTENT_TYPE
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(
    request: HttpRequest,
    content: bytes | BinaryIO,
    *,
    filename: str,
    content_type: str | None = None,
    shows=None,
) -> FileResponse:
    """A response that saves ``content`` (bytes or an open file) as ``filename``."""
    if isinstance(content, bytes | bytearray):
        content = BytesIO(content)
    response = FileResponse(
        content, as_attachment=True, filename=filename, content_type=content_type
    )
    add_never_cache_headers(response)
    if shows is not None and request.method in ("GET", "HEAD"):
        # A download view that answers a POST with the file shows nothing read.
        audit.shown(request, shows)
    return response
