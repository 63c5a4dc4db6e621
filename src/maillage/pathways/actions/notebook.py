"""The liaison notebook: messages and their attachments."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.attachments import MAX_FILES
from maillage.core.attachments import check as check_attachment
from maillage.core.attachments import remove as remove_attachment
from maillage.core.attachments import store as store_attachment
from maillage.core.notify import notify
from maillage.pathways import access, queries
from maillage.pathways.enums import (
    EventKind,
    MemberStatus,
)
from maillage.pathways.inputs import MessageIn
from maillage.pathways.models import (
    Message,
    MessageAttachment,
    TimelineEvent,
)

# --- the liaison notebook ---------------------------------------------------------------------

MESSAGE_MAX_CHARS = 4000


def message_post(
    *, actor, pathway, attachments=(), data: MessageIn, acting=None, now=None
) -> Message:
    """Write in the pathway's liaison notebook, with documents if needed (PDF, PNG or JPEG,
    checked by their content). The circle is told on-site that there is a new message; the
    message itself never leaves Maillage."""
    body = data.body
    now = now or timezone.now()
    body = (body or "").strip()
    if not access.can_contribute(actor, pathway):
        raise PermissionDenied
    if not body:
        raise ValidationError(_("Écrivez le message."))
    if len(body) > MESSAGE_MAX_CHARS:
        raise ValidationError(
            _("Le message est trop long : %(max)s caractères au plus.") % {"max": MESSAGE_MAX_CHARS}
        )
    if len(attachments) > MAX_FILES:
        raise ValidationError(_("%(max)s documents au plus.") % {"max": MAX_FILES})
    checked = [check_attachment(upload) for upload in attachments]
    stored = []
    try:
        with transaction.atomic():
            message = Message.objects.create(pathway=pathway, body=body, created_by=actor)
            message.pathway = pathway
            for file in checked:
                attachment = MessageAttachment.objects.create(
                    message=message, name=file.name, content_type=file.content_type, size=file.size
                )
                attachment.message = message
                store_attachment(attachment, file)
                stored.append(attachment)
            TimelineEvent.objects.create(
                pathway=pathway,
                occurred_at=now,
                kind=EventKind.MESSAGE,
                actor=actor,
                summary=_("%(n)s document(s) joint(s)") % {"n": len(stored)} if stored else "",
            )
            pathway.members.filter(user=actor, status=MemberStatus.ACTIVE).update(
                notebook_read_at=now
            )
            audit.record(
                "notebook.post",
                actor=audit.actor_of(actor, acting),
                obj=message,
                details={"pathway": str(pathway.public_id), "attachments": len(stored)},
            )
            notify(
                users=[
                    m.user
                    for m in queries.circle_of(pathway)
                    if m.status == MemberStatus.ACTIVE and m.user_id != actor.pk
                ],
                message=_("Nouveau message dans un cahier de liaison."),
                link=reverse("pathways:notebook", kwargs={"public_id": pathway.public_id}),
            )
    except BaseException:
        for attachment in stored:
            remove_attachment(attachment)
        raise
    return message
