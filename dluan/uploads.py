"""Checking and cleaning uploaded files, shared by every app that accepts one.

The type is decided by the file's content, never by its name; images are re-encoded
without their EXIF and GPS metadata (it can identify a collaborator), once their header
shows they are within UPLOAD_MAX_IMAGE_PIXELS. ``RequestSizeLimitHandler`` stops reading
a body over UPLOAD_MAX_REQUEST_BYTES while it arrives.
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat, floatformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

# What each kind of upload may be: content type → allowed name endings.
IMAGES = {
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "image/webp": {".webp"},
}
PDF = {"application/pdf": {".pdf"}}
OFFICE = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
        ".docx"
    },
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {
        ".pptx"
    },
    "application/msword": {".doc"},
    "application/vnd.ms-excel": {".xls"},
}
DOCUMENTS = {**PDF, **OFFICE}
ANY_ATTACHMENT = {**IMAGES, **DOCUMENTS}

# The first entry of each OOXML package names its kind; filetype cannot tell them apart.
_OOXML_MARKERS = {
    "word/": ".docx",
    "xl/": ".xlsx",
    "ppt/": ".pptx",
}
_OOXML_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
# Pillow's own backstop: it warns past this many pixels and refuses twice as many.
# Uploads are held to UPLOAD_MAX_IMAGE_PIXELS before that (check_image_pixels).
Image.MAX_IMAGE_PIXELS = 40_000_000
# What an OOXML package (.docx, .xlsx, .pptx) may expand to, in all and against its
# compressed size: a real 10 MB workbook stays far below both, a "zip bomb" of a
# few kilobytes declaring gigabytes does not.
ZIP_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
ZIP_MAX_RATIO = 100
# A PDF that runs a script or a program when opened: readers in the board's offices
# honour these actions; a reference document or an attachment never needs them.
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|RichMedia|XFA)(?![A-Za-z0-9])")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
PDF_INFLATE_LIMIT = 64 * 1024 * 1024


@dataclass
class CheckedFile:
    file: UploadedFile
    name: str
    content_type: str
    size: int


def _sniff(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.mime == "application/zip" or kind.extension in {"docx", "xlsx", "pptx"}:
        return _ooxml_type(upload)
    if kind.mime == "application/x-ole-storage" or kind.extension in {"doc", "xls"}:
        suffix = PurePath(upload.name or "").suffix.lower()
        return "application/msword" if suffix == ".doc" else "application/vnd.ms-excel"
    return kind.mime


def unsafe_member_name(name: str) -> bool:
    """A zip member named to land outside the folder it is extracted into."""
    path = name.replace("\\", "/")
    return (
        path.startswith("/")
        or ".." in path.split("/")
        or re.match(r"^[A-Za-z]:", path) is not None
        or "\x00" in path
    )


def check_zip(archive: zipfile.ZipFile, *, name: str) -> None:
    """Refuse a package with a member outside itself (``../``) or a zip bomb.

    Sizes are the ones the archive declares; Python's zipfile never inflates a
    member past its declared size, so the check holds for what is read later.
    """
    infos = archive.infolist()
    if any(unsafe_member_name(info.filename) for info in infos):
        raise ValidationError(
            _("The file “%(name)s” holds a path outside itself and was refused."),
            params={"name": name},
        )
    total = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos) or 1
    if total > ZIP_MAX_UNCOMPRESSED_BYTES or total / compressed > ZIP_MAX_RATIO:
        raise ValidationError(
            _("The file “%(name)s” expands to too much data to be read safely."),
            params={"name": name},
        )


def _ooxml_type(upload: UploadedFile) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            check_zip(archive, name=PurePath(upload.name or "file").name[:200])
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for prefix, suffix in _OOXML_MARKERS.items():
        if any(name.startswith(prefix) for name in names):
            return _OOXML_TYPES[suffix]
    return None


def check_size(upload: UploadedFile, *, name: str, max_bytes: int | None = None):
    """Refuse a file over ``max_bytes`` (UPLOAD_MAX_BYTES), saying both sizes."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; the limit is %(limit)s."),
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(max_bytes),
            },
        )


def check_upload(
    upload: UploadedFile, *, allowed: dict[str, set[str]], max_bytes: int | None = None
) -> CheckedFile:
    """Validate an upload by content and name; raise ValidationError in Vietnamese."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    name = PurePath(upload.name or "file").name[:200]
    suffix = PurePath(name).suffix.lower()
    if upload.size == 0:
        raise ValidationError(_("The file “%(name)s” is empty."), params={"name": name})
    check_size(upload, name=name, max_bytes=max_bytes)
    content_type = _sniff(upload)
    allowed_suffixes = set().union(*allowed.values())
    if content_type not in allowed:
        raise ValidationError(
            _(
                "The file “%(name)s” is not an accepted kind of file. "
                "Accepted: %(kinds)s."
            ),
            params={"name": name, "kinds": ", ".join(sorted(allowed_suffixes))},
        )
    if suffix not in allowed[content_type]:
        raise ValidationError(
            _(
                "The file “%(name)s” is not what its name says (its content is %(kind)s)."
            ),
            params={"name": name, "kind": ", ".join(sorted(allowed[content_type]))},
        )
    if content_type in PDF:
        check_pdf_is_passive(upload, name=name)
    if content_type in IMAGES:
        check_image_pixels(upload, name=name)
        upload = strip_image_metadata(upload, content_type)
    return CheckedFile(
        file=upload, name=name, content_type=content_type, size=upload.size
    )


def _pdf_parts(data: bytes):
    """The PDF's bytes, then each of its streams inflated (an object stream hides
    the names of the objects inside it), never more than PDF_INFLATE_LIMIT."""
    yield data
    budget = PDF_INFLATE_LIMIT
    for match in _PDF_STREAM.finditer(data):
        try:
            inflated = zlib.decompressobj().decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        yield inflated
        if budget <= 0:
            return


def check_pdf_is_passive(upload: UploadedFile, *, name: str) -> None:
    """Refuse a PDF holding JavaScript, a launch action, rich media or an XFA form."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if any(_PDF_ACTIVE.search(part) for part in _pdf_parts(data)):
        raise ValidationError(
            _(
                "The PDF “%(name)s” contains scripts or actions that run when it is "
                "opened; save it again as a plain PDF (print to PDF) and upload that."
            ),
            params={"name": name},
        )


def megapixels(pixels: int) -> str:
    """``pixels`` in megapixels as the reader writes numbers (25, 12,5)."""
    return floatformat(pixels / 1_000_000, -1)


def check_image_pixels(upload: UploadedFile, *, name: str) -> None:
    """Refuse an image over UPLOAD_MAX_IMAGE_PIXELS from its header alone.

    Image.open reads only the header; decoding (``load``, ``verify``, re-encoding)
    a few hundred kilobytes of one-colour PNG can cost seconds and gigabytes.
    """
    limit = settings.UPLOAD_MAX_IMAGE_PIXELS
    refusal = ValidationError(
        _(
            "The image “%(name)s” has more than %(limit)s megapixels. Send a "
            "smaller photo (most phones can reduce one when sharing it)."
        ),
        params={"name": name, "limit": megapixels(limit)},
        code="pixels",
    )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            width, height = image.size
    except Image.DecompressionBombError:
        raise refusal from None
    except (UnidentifiedImageError, OSError):
        raise ValidationError(
            _("The image “%(name)s” cannot be read."), params={"name": name}
        ) from None
    finally:
        upload.seek(0)
    if width * height > limit:
        raise refusal


def strip_image_metadata(upload: UploadedFile, content_type: str) -> UploadedFile:
    """Re-encode an image without EXIF/GPS; refuse one that does not decode."""
    try:
        with Image.open(upload) as image:
            image.load()
            image = _apply_orientation(image)
            if content_type == "image/jpeg" and image.mode not in {"RGB", "L"}:
                image = image.convert("RGB")
            buffer = io.BytesIO()
            fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[
                content_type
            ]
            image.save(buffer, format=fmt, quality=88)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(
            _("The image “%(name)s” cannot be read."), params={"name": upload.name}
        ) from None
    size = buffer.tell()
    buffer.seek(0)
    return InMemoryUploadedFile(
        buffer, "file", upload.name, content_type, size, charset=None
    )


def _apply_orientation(image):
    from PIL import ImageOps

    return ImageOps.exif_transpose(image)


class UploadTooLarge(RequestDataTooBig):
    """A request body over UPLOAD_MAX_REQUEST_BYTES; answered with the 400 page."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"The request body is over {limit} bytes.")


class RequestSizeLimitHandler(FileUploadHandler):
    """The first of FILE_UPLOAD_HANDLERS: refuses a body over UPLOAD_MAX_REQUEST_BYTES.

    A declared Content-Length over the cap is refused before a byte is read. Files
    are also counted as their chunks arrive, before the handlers after this one
    store them, so a body longer than it declared is refused as soon as it passes
    the cap, never written out whole.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.UPLOAD_MAX_REQUEST_BYTES
        self.received = 0

    def handle_raw_input(
        self, input_data, META, content_length, boundary, encoding=None
    ):
        if content_length > self.limit:
            raise UploadTooLarge(self.limit)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadTooLarge(self.limit)
        return raw_data

    def file_complete(self, file_size):
        return None
