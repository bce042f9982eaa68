"""Checking and cleaning uploaded files, shared by every app that accepts one.

The type is decided by the file's content, never by its name; images are re-encoded
without their EXIF and GPS metadata (it can identify a collaborator).
"""

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.template.defaultfilters import filesizeformat
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
# Pillow refuses images larger than this many pixels (decompression bombs).
Image.MAX_IMAGE_PIXELS = 40_000_000


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


def _ooxml_type(upload: UploadedFile) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for prefix, suffix in _OOXML_MARKERS.items():
        if any(name.startswith(prefix) for name in names):
            return _OOXML_TYPES[suffix]
    return None


def check_upload(
    upload: UploadedFile, *, allowed: dict[str, set[str]], max_bytes: int | None = None
) -> CheckedFile:
    """Validate an upload by content and name; raise ValidationError in Vietnamese."""
    max_bytes = max_bytes or settings.UPLOAD_MAX_BYTES
    name = PurePath(upload.name or "file").name[:200]
    suffix = PurePath(name).suffix.lower()
    if upload.size == 0:
        raise ValidationError(_("The file “%(name)s” is empty."), params={"name": name})
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; the limit is %(limit)s."),
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(max_bytes),
            },
        )
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
    if content_type in IMAGES:
        upload = strip_image_metadata(upload, content_type)
    return CheckedFile(
        file=upload, name=name, content_type=content_type, size=upload.size
    )


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
