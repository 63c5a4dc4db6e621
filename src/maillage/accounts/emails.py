"""The wording of the accounts' e-mails."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from maillage.core.deferred import one_line
from maillage.core.roles import Role


def invitation_email(*, inviter, organisation, role: str, link: str) -> tuple[str, str]:
    """Subject and body of an invitation to join an organisation: who invites, as what, and
    the link (valid INVITATION_VALIDITY_DAYS days)."""
    subject = one_line(
        _("Invitation à rejoindre %(organisation)s sur %(platform)s")
        % {"organisation": organisation.name, "platform": settings.PLATFORM_NAME}
    )
    body = _(
        "Bonjour,\n\n%(inviter)s vous invite à rejoindre %(organisation)s "
        "sur %(platform)s en tant que %(role)s.\n\n"
        "Pour accepter, ouvrez ce lien (valable %(days)s jours) :\n%(link)s\n\n"
        "Si vous n'attendiez pas cette invitation, ignorez ce message."
    ) % {
        "inviter": inviter.full_name,
        "organisation": organisation.name,
        "platform": settings.PLATFORM_NAME,
        "role": Role(role).label,
        "days": settings.INVITATION_VALIDITY_DAYS,
        "link": link,
    }
    return subject, body


def circle_invitation_email(*, inviter, organisation, link: str) -> tuple[str, str]:
    """An invitation to join a care circle, for a professional without an account. It names
    the platform and the inviter, never the person supported (an e-mail is no place for it)."""
    subject = one_line(
        _("Invitation à rejoindre un cercle de soins sur %(platform)s")
        % {"platform": settings.PLATFORM_NAME}
    )
    body = _(
        "Bonjour,\n\n%(inviter)s (%(organisation)s) vous invite à rejoindre, sur "
        "%(platform)s, le cercle de soins d'une personne que vous accompagnez : les "
        "professionnel·les qui la suivent y partagent son plan, ses rendez-vous et un cahier "
        "de liaison.\n\nPour créer votre compte et rejoindre ce cercle, ouvrez ce lien "
        "(valable %(days)s jours) :\n%(link)s\n\n"
        "Si vous n'attendiez pas cette invitation, ignorez ce message."
    ) % {
        "inviter": inviter.full_name,
        "organisation": organisation.name,
        "platform": settings.PLATFORM_NAME,
        "days": settings.INVITATION_VALIDITY_DAYS,
        "link": link,
    }
    return subject, body
