"""Checking and storing case attachments: type by content (puremagic), size, allowed list.

The extension says what the sender claims; the bytes must agree (puremagic reads the file's
signature), so an executable renamed `invoice.pdf` is refused. Plain text has no signature:
it must decode as UTF-8 or GB18030 and hold no NUL byte, and must not look like a known
binary format either.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import puremagic
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from reservoir.core.errors import InvalidInput

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
_OOXML = frozenset({".docx", ".xlsx", ".pptx"})
_OLE2 = frozenset({".doc", ".xls", ".ppt"})

# extension → (content signatures accepted, the content type stored)
ALLOWED: dict[str, tuple[frozenset[str], str]] = {
    ".png": (frozenset({".png"}), "image/png"),
    ".jpg": (frozenset({".jpg", ".jpeg", ".jfif"}), "image/jpeg"),
    ".jpeg": (frozenset({".jpg", ".jpeg", ".jfif"}), "image/jpeg"),
    ".gif": (frozenset({".gif"}), "image/gif"),
    ".webp": (frozenset({".webp"}), "image/webp"),
    ".pdf": (frozenset({".pdf"}), "application/pdf"),
    ".docx": (
        _OOXML,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": (_OOXML, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": (
        _OOXML,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ".doc": (_OLE2, "application/msword"),
    ".xls": (_OLE2, "application/vnd.ms-excel"),
    ".ppt": (_OLE2, "application/vnd.ms-powerpoint"),
    ".txt": (frozenset(), "text/plain"),
    ".csv": (frozenset(), "text/csv"),
    ".log": (frozenset(), "text/plain"),
}
_TEXT_PEEK = 64 * 1024


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, read into memory."""

    filename: str
    content_type: str
    size: int
    sha256: str
    content: bytes

    def as_file(self) -> ContentFile:
        return ContentFile(self.content, name=self.filename)


def max_upload_bytes() -> int:
    return int(getattr(settings, "SUPPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def _safe_name(name: str) -> str:
    base = os.path.basename(str(name or "").replace("\\", "/")).strip().strip(".")
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/|?*')
    return cleaned[:200] or "file"


def _read(upload: Any, limit: int) -> bytes:
    if hasattr(upload, "size") and upload.size is not None and upload.size > limit:
        return b"x" * (limit + 1)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    return data if isinstance(data, bytes) else str(data).encode()


def _signatures(data: bytes, filename: str) -> set[str]:
    try:
        found = puremagic.magic_string(data, filename=filename)
    except (puremagic.PureError, ValueError):
        return set()
    return {m.extension.lower() for m in found if m.extension}


def _is_text(data: bytes) -> bool:
    head = data[:_TEXT_PEEK]
    if b"\x00" in head:
        return False
    # A peek may cut a multi-byte character in two: then allow up to 3 trailing bytes off.
    cuts = range(4) if len(data) > _TEXT_PEEK else (0,)
    for encoding in ("utf-8", "gb18030"):
        for cut in cuts:
            try:
                head[: len(head) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            return True
    return False


def validate_upload(upload: Any) -> CheckedFile:
    """Check one uploaded file; return it read and hashed, or raise InvalidInput.

    Allowed: images (PNG, JPEG, GIF, WebP), PDF, plain text and CSV, Office documents. The
    size limit is the SUPPORT_MAX_UPLOAD_BYTES setting (10 MB by default). Side effects: none.
    """
    filename = _safe_name(getattr(upload, "name", "") or "")
    ext = os.path.splitext(filename)[1].lower()
    if ext not in ALLOWED:
        raise InvalidInput(
            _("Files of type “%(ext)s” are not accepted; allowed: %(all)s.")
            % {"ext": ext or "?", "all": ", ".join(sorted(ALLOWED))},
            field="attachments",
            code="upload_type",
        )
    limit = max_upload_bytes()
    data = _read(upload, limit)
    if len(data) > limit:
        raise InvalidInput(
            _("“%(name)s” is too large (%(mb)s MB at most).")
            % {"name": filename, "mb": round(limit / 1024 / 1024, 1)},
            field="attachments",
            code="upload_size",
        )
    if not data:
        raise InvalidInput(
            _("“%(name)s” is empty.") % {"name": filename}, field="attachments", code="upload_empty"
        )
    accepted, content_type = ALLOWED[ext]
    found = _signatures(data, filename)
    if accepted:
        ok = bool(found & accepted)
    else:
        ok = found <= {".txt", ".csv", ".log"} and _is_text(data)
    if not ok:
        raise InvalidInput(
            _("The content of “%(name)s” does not match its type.") % {"name": filename},
            field="attachments",
            code="upload_content",
        )
    return CheckedFile(
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
    )


def validate_uploads(uploads: Sequence[Any]) -> list[CheckedFile]:
    """Check every file (all or nothing); at most MAX_FILES at once."""
    if len(uploads) > MAX_FILES:
        raise InvalidInput(_("Attach %(n)s files at most.") % {"n": MAX_FILES}, field="attachments")
    return [validate_upload(u) for u in uploads]
