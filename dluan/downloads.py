"""The one way a view hands a file to the browser.

Every download and export goes through :func:`download`: the file name (Vietnamese
letters kept for the browsers that read ``filename*``, an ASCII fallback for the
rest), the content type, ``Cache-Control: no-store`` (a report, a roster or a
sign-in slip must not stay in a shared cache or the browser's). The access record
is :class:`dluan.audit.AccessAuditMiddleware`'s, for the URL names listed in each
app's ``audit.py``: the file's object is the one the URL names.
"""

from io import BytesIO
from typing import BinaryIO

from django.http import FileResponse
from django.utils.cache import add_never_cache_headers

from dluan.xlsx import XLSX_CONTENT_TYPE

PDF = "application/pdf"
XLSX = XLSX_CONTENT_TYPE
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def download(
    content: bytes | BinaryIO, *, filename: str, content_type: str | None = None
) -> FileResponse:
    """A response that saves ``content`` (bytes or an open file) as ``filename``."""
    if isinstance(content, bytes | bytearray):
        content = BytesIO(content)
    response = FileResponse(
        content, as_attachment=True, filename=filename, content_type=content_type
    )
    add_never_cache_headers(response)
    return response
