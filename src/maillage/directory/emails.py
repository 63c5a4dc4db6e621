"""The wording of the directory's e-mails."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.core.notify import absolute_url
from maillage.directory.models import (
    OrientationLink,
)

# How long a structure without an account may report that the person came.
OUTCOME_LINK_DAYS = 60


def link_email(link: OrientationLink, kind: str) -> tuple[str, str]:
    """Subject and body of the email that carries a link to a structure without account."""
    orientation = link.orientation
    service = orientation.service
    url = absolute_url(reverse("directory:orientation_answer", kwargs={"token": link.token()}))
    deadline = date_format(timezone.localtime(link.expires_at), "j F Y")
    if kind == "outcome":
        return _("Orientation acceptée : dites-nous si la personne est venue"), _(
            "Merci d'avoir accepté l'orientation vers « %(service)s ».\n\n"
            "Quand la personne aura été reçue (ou si elle n'est pas venue), "
            "indiquez-le par ce lien, valable %(days)s jours et utilisable une fois :\n"
            "%(link)s"
        ) % {"service": service.name, "days": OUTCOME_LINK_DAYS, "link": url}
    if kind == "reminder":
        return _("Rappel : une orientation vers « %(service)s » attend votre réponse") % {
            "service": service.name
        }, _(
            "Bonjour,\n\nUne orientation vers « %(service)s » attend votre réponse ; "
            "sans réponse, elle expirera le %(deadline)s.\n\nPour répondre :\n%(link)s"
        ) % {"service": service.name, "deadline": deadline, "link": url}
    sender = orientation.sender.full_name if orientation.sender else ""
    return _("Nouvelle orientation vers « %(service)s »") % {"service": service.name}, _(
        "Bonjour,\n\n%(sender)s vous oriente une personne vers votre service « %(service)s »"
        " via %(platform)s.\n\nPour voir l'orientation et répondre (accepter ou refuser), "
        "ouvrez ce lien personnel, valable jusqu'au %(deadline)s et utilisable une fois :\n"
        "%(link)s\n\nSi ce message ne vous concerne pas, ignorez-le."
    ) % {
        "sender": sender,
        "service": service.name,
        "platform": settings.PLATFORM_NAME,
        "deadline": deadline,
        "link": url,
    }
