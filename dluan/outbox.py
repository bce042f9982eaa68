"""The server's side of the phone's outbox (issue 22): what every item's send shares.

An item the phone kept offline is sent again as the form's own POST, with the
header ``X-Dluan-Outbox: 1``. Such a request is answered in JSON, never with a
redirect or a page: :class:`OutboxMiddleware` turns the sign-in redirect into
``401 {"status": "signed_out"}`` and a refused CSRF token (or any other 403 page)
into ``403 {"status": "forbidden"}``; the views answer the rest with
:func:`answer`.

The middleware also refuses a multipart body that stops before its closing
boundary (the connection cut while the photos were going up): Django would read
the fields that arrived and save a half item; it is answered 400 instead, with
nothing saved, and the phone sends the item again.
"""

import hashlib
import json
import uuid
from urllib.parse import urlsplit

from django.db import connection
from django.http import JsonResponse, QueryDict
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from dluan.uploads import UploadTooLarge
from dluan.views.errors import bad_request

HEADER = "X-Dluan-Outbox"
# Fields that carry the send, not what the collaborator wrote: left out of the
# content digest, so a retry with a fresh CSRF token is the same item.
TRANSPORT_FIELDS = frozenset(
    {
        "csrfmiddlewaretoken",
        "action",
        "client_id",
        "base_version",
        "report",
        "started",
        "started_client",
    }
)
# Where a signed-out (or not fully signed-in) request is sent back to.
SIGN_IN_URL_NAMES = ("login", "login-verify", "two-factor-enrol", "password-set")


def is_outbox(request) -> bool:
    """The phone's outbox sends this request (it wants JSON back)."""
    return request.headers.get(HEADER) == "1"


def answer(status: str, *, code: int, **fields) -> JsonResponse:
    """The outbox's JSON answer: ``{"status": ..., **fields}``, never cached."""
    response = JsonResponse({"status": status, **fields}, status=code)
    response["Cache-Control"] = "no-store"
    return response


def posted_client_id(request) -> uuid.UUID | None:
    """The ``client_id`` the form posted, if it is a uuid."""
    try:
        return uuid.UUID(request.POST.get("client_id", "").strip())
    except ValueError:
        return None


def content_digest(request) -> str:
    """sha256 of what the item says: every posted field but the transport ones,
    and the sha256 of each file sent. The same item sent twice has the same
    digest; one changed anywhere (a word, a choice, a photo) has another."""
    fields = sorted(
        (key, sorted(value.strip() for value in request.POST.getlist(key)))
        for key in request.POST
        if key not in TRANSPORT_FIELDS
    )
    files = sorted(
        (key, sorted(_file_sha256(upload) for upload in request.FILES.getlist(key)))
        for key in request.FILES
    )
    text = json.dumps({"fields": fields, "files": files}, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _file_sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def lock_item(kind: str, owner: int, client_id: uuid.UUID) -> None:
    """Make the sends of one item take turns, until the transaction ends.

    Two sends of the same item at once (two tabs, a retry racing a slow first
    try) would both find nothing and both create; with this lock the second
    finds what the first saved. On a database without advisory locks (SQLite in
    development) the unique constraint alone stops the second.
    """
    if connection.vendor != "postgresql":
        return
    key = hashlib.blake2b(f"{kind}:{owner}:{client_id}".encode(), digest_size=8)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)",
            [int.from_bytes(key.digest(), "big", signed=True)],
        )


class _TailStream:
    """A request body stream that remembers its last bytes as they are read."""

    KEEP = 512

    def __init__(self, stream):
        self._stream = stream
        self.tail = b""

    def _keep(self, data: bytes) -> bytes:
        self.tail = (self.tail + data)[-self.KEEP :]
        return data

    def read(self, *args, **kwargs):
        return self._keep(self._stream.read(*args, **kwargs))

    def readline(self, *args, **kwargs):
        return self._keep(self._stream.readline(*args, **kwargs))

    def __iter__(self):
        return iter(self.readline, b"")


def _multipart_boundary(request) -> bytes | None:
    content_type = request.META.get("CONTENT_TYPE", "")
    if not content_type.startswith("multipart/form-data"):
        return None
    for part in content_type.split(";")[1:]:
        name, _sep, value = part.strip().partition("=")
        if name.lower() == "boundary" and value:
            return value.strip('"').encode("latin-1")
    return None


def _is_complete(tail: bytes, boundary: bytes) -> bool:
    """The body ended with the closing boundary (epilogue whitespace allowed)."""
    return tail.rstrip().endswith(b"--" + boundary + b"--")


class OutboxMiddleware:
    """JSON, not pages, for the outbox; no half multipart body reaches a view.

    It sits after ``LanguageMiddleware`` (its messages are in the reader's
    language) and before the session timeout, the two-factor gate and the CSRF
    check, whose redirects and 403 pages it turns into JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self._refuse_cut_body(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if not is_outbox(request):
            return response
        if _is_redirect(response) and _to_sign_in(response):
            return answer("signed_out", code=401)
        if response.status_code == 403 and not response.get(
            "Content-Type", ""
        ).startswith("application/json"):
            return answer(
                "forbidden",
                code=403,
                message=_(
                    "The board refused this send: the page's security check has "
                    "expired. Sign in again, then send it."
                ),
            )
        return response

    def _refuse_cut_body(self, request):
        if request.method != "POST":
            return None
        boundary = _multipart_boundary(request)
        if boundary is None or not hasattr(request, "_stream"):
            return None
        stream = _TailStream(request._stream)
        request._stream = stream
        try:
            request.POST  # noqa: B018 - read the whole body now, through the tail
        except UploadTooLarge as error:
            if not is_outbox(request):
                raise  # the 400 page says so
            # Sent again it would be refused again: the phone keeps it to edit.
            message = _(
                "The files sent at once may total at most %(limit)s: send fewer or "
                "smaller files at a time."
            ) % {"limit": filesizeformat(error.limit)}
            return answer(
                "refused", code=422, message=message, errors={"attachments": [message]}
            )
        if _is_complete(stream.tail, boundary):
            return None
        # What arrived is dropped: the view never sees a half item.
        request._post, request._files = QueryDict(), MultiValueDict()
        message = _(
            "The connection was cut while this was being sent. Nothing was saved: "
            "send it again."
        )
        if is_outbox(request):
            return answer("incomplete", code=400, message=message)
        return bad_request(request)


def _is_redirect(response) -> bool:
    return response.status_code in (301, 302, 303, 307, 308)


def _to_sign_in(response) -> bool:
    path = urlsplit(response.get("Location", "")).path
    return path in {reverse(name) for name in SIGN_IN_URL_NAMES}
