"""Checking and storing the files people send (orientation and notebook attachments).

The type is read from the file's first bytes, not trusted from the browser or the name;
files are written under PRIVATE_FILES_DIR with a random name and served only by views that
check access.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# signature → (content type, extensions accepted for it)
SIGNATURES = [
    (b"%PDF-", "application/pdf", {".pdf"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {".png"}),
    (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
]
MAX_FILES = 5


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    upload: object


def check(upload) -> CheckedFile:
    """Refuse, in French, a file that is too large or not a PDF, PNG or JPEG."""
    name = os.path.basename(upload.name or "document")[:200]
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("« %(name)s » est trop volumineux (%(size)s) : %(max)s au plus.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            }
        )
    if upload.size == 0:
        raise ValidationError(_("« %(name)s » est vide.") % {"name": name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    extension = os.path.splitext(name)[1].lower()
    for signature, content_type, extensions in SIGNATURES:
        if head.startswith(signature) and extension in extensions:
            return CheckedFile(
                name=name, content_type=content_type, size=upload.size, upload=upload
            )
    raise ValidationError(
        _("« %(name)s » n'est pas accepté : joignez un PDF, une image PNG ou JPEG.")
        % {"name": name}
    )


def store(attachment, checked: CheckedFile) -> None:
    path = attachment.path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(path, "xb") as out:
        for chunk in checked.upload.chunks():
            out.write(chunk)
    os.chmod(path, 0o600)


def remove(attachment) -> None:
    with contextlib.suppress(FileNotFoundError):
        attachment.path.unlink()
    with contextlib.suppress(OSError):  # other attachments remain, or already gone
        attachment.path.parent.rmdir()


def private_file_response(attachment):
    """The file as a download, never shown inline nor cached: for views that have checked
    access and written the audit trail."""
    response = FileResponse(
        open(attachment.path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
