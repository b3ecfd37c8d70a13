"""Checks on uploaded files: the content (not the name) decides the type, and size is capped."""

import codecs
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from aftersales.core.errors import DomainError

# Detected MIME type → extensions a file of that type may carry.
ALLOWED_TYPES: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    "image/heic": (".heic",),
    "application/pdf": (".pdf",),
    "video/mp4": (".mp4",),
    "video/quicktime": (".mov",),
    "audio/mpeg": (".mp3",),
    "audio/x-wav": (".wav",),
    "application/zip": (".zip",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "text/plain": (".txt", ".log"),
    "text/csv": (".csv",),
}
TEXT_EXTENSIONS = {".txt": "text/plain", ".log": "text/plain", ".csv": "text/csv"}
# Shown inline in the browser; everything else is downloaded.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"})


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int


def _is_text(head: bytes, complete: bool) -> bool:
    """Whether `head` (the whole file if `complete`, else its start) reads as text."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # The head of a longer file may end in the middle of a character (Chinese
            # takes 2-4 bytes): decode it as a stream that may go on, not as a whole.
            codecs.getincrementaldecoder(encoding)().decode(head, final=complete)
            return True
        except UnicodeDecodeError:
            continue
    return False


def check_upload(upload, max_bytes: int | None = None) -> CheckedUpload:
    """Return the file's real type, or raise DomainError saying what is wrong with it."""
    max_bytes = max_bytes or settings.ATTACHMENT_MAX_BYTES
    name = PurePath(upload.name or "file").name[:255]
    extension = PurePath(name).suffix.lower()
    if upload.size == 0:
        raise DomainError(_("The file %(name)s is empty.") % {"name": name}, code="empty_file")
    if upload.size > max_bytes:
        raise DomainError(
            _("The file %(name)s is %(size)s; the limit is %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(max_bytes),
            },
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None and extension in TEXT_EXTENSIONS and _is_text(head, len(head) >= upload.size):
        content_type = TEXT_EXTENSIONS[extension]
    elif kind is not None and kind.mime in ALLOWED_TYPES:
        content_type = kind.mime
    else:
        raise DomainError(
            _("%(name)s is not a file type we accept (photos, PDF, video, office documents, text).")
            % {"name": name},
            code="file_type",
        )
    if extension not in ALLOWED_TYPES[content_type]:
        raise DomainError(
            _("%(name)s does not contain what its name says (it looks like %(type)s).")
            % {"name": name, "type": content_type},
            code="file_type_mismatch",
        )
    return CheckedUpload(name=name, content_type=content_type, size=upload.size)
