"""The wording of the directory's e-mails."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.core.notify import absolute_url
from maillage.directory import hours
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


def _sheet_facts(service) -> dict:
    structure = service.structure
    commune = service.geo_commune or service.commune or structure.commune
    city = commune.name if commune else (service.city_name or structure.city_name)
    address = ", ".join(
        part
        for part in (
            service.address or structure.address,
            " ".join(p for p in (service.postal_code or structure.postal_code, city) if p),
        )
        if part
    )
    return {
        "service": service.name,
        "structure": structure.name,
        "address": address,
        "phone": service.phone or structure.phone,
        "email": service.email or structure.email,
        "url": absolute_url(reverse("directory:service", kwargs={"public_id": service.public_id})),
    }


def sheet_email(service) -> tuple[str, str]:
    """Subject and body of a service's sheet sent to a person (who reads it without an
    account: the link goes to the public page)."""
    facts = _sheet_facts(service)
    expression = service.opening_hours or service.structure.opening_hours
    try:
        week = hours.week(expression) if expression else []
    except hours.HoursError:
        week = []
    lines = [
        _("Bonjour,"),
        "",
        _("Voici les coordonnées du service dont on vous a parlé :"),
        "",
        f"{facts['service']} — {facts['structure']}",
    ]
    if facts["address"]:
        lines.append(_("Adresse : %(address)s") % facts)
    if facts["phone"]:
        lines.append(_("Téléphone : %(phone)s") % facts)
    if facts["email"]:
        lines.append(_("Courriel : %(email)s") % facts)
    if week:
        lines += ["", _("Horaires :"), *(f"  {day.label} : {day.in_words()}" for day in week)]
    lines += ["", _("La fiche complète : %(url)s") % facts, "", _("Bonne journée.")]
    return _("Les coordonnées de « %(service)s »") % facts, "\n".join(lines)


# What a text message says before its link, at most: with accents it travels in UCS-2, at 67
# characters a part; this and the link fit in about four.
SMS_HEAD_LENGTH = 180


def sheet_sms(service) -> str:
    """A service's sheet in a text message: who, where, the phone, then the page for the rest
    — the link whole, whatever the length of the names before it."""
    facts = _sheet_facts(service)
    parts = [f"{facts['service']} ({facts['structure']})"]
    if facts["address"]:
        parts.append(facts["address"])
    if facts["phone"]:
        parts.append(_("Tél. %(phone)s") % facts)
    head = ". ".join(parts)
    if len(head) > SMS_HEAD_LENGTH:
        head = head[: SMS_HEAD_LENGTH - 1].rstrip() + "…"
    return f"{head}. " + _("Fiche : %(url)s") % facts
