from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    PLATFORM = "platform", _("Plateforme de coordination (DAC, PTA)")
    HOSPITAL = "hospital", _("Établissement de santé")
    GP_PRACTICE = "gp_practice", _("Cabinet de médecine générale")
    HEALTH_CENTRE = "health_centre", _("Centre de santé")
    MSP = "msp", _("Maison de santé pluriprofessionnelle")
    CPTS = "cpts", _("CPTS")
    PHARMACY = "pharmacy", _("Pharmacie")
    NURSING = "nursing", _("Cabinet infirmier")
    SSIAD = "ssiad", _("SSIAD / SAAD")
    EHPAD = "ehpad", _("EHPAD")
    ASSOCIATION = "association", _("Association")
    CCAS = "ccas", _("CCAS / CIAS")
    SIAO = "siao", _("SIAO")
    SOCIAL_SERVICE = "social_service", _("Service social départemental")
    MENTAL_HEALTH = "mental_health", _("Structure de santé mentale")
    FUNDER = "funder", _("Financeur, autorité (ARS, département…)")
    OTHER = "other", _("Autre")


class AuditAction(models.TextChoices):
    """What the audit trail records for this app, in the words the list of accesses to a
    record shows. Every name written to the trail is declared in an app's AuditAction
    (core.audit.declared; tests/core/test_audit_names.py)."""

    ACCOUNT_CREATE = "account.create", _("a créé un compte")
    ACCOUNT_ERASE = "account.erase", _("a effacé un compte")
    API_TOKEN_CREATE = "api_token.create", _("a créé un jeton d'API")
    API_TOKEN_LIST = "api_token.list", _("a consulté ses jetons d'API")
    API_TOKEN_REVOKE = "api_token.revoke", _("a révoqué un jeton d'API")
    AUTH_LOGIN = "auth.login", _("s'est connecté·e")
    AUTH_LOGIN_FAILED = "auth.login_failed", _("a échoué à se connecter")
    AUTH_LOGIN_THROTTLED = (
        "auth.login_throttled",
        _("a été bloqué·e après trop d'essais de connexion"),
    )
    AUTH_LOGOUT = "auth.logout", _("s'est déconnecté·e")
    AUTH_PASSWORD_RESET = "auth.password_reset", _("a changé son mot de passe par le lien reçu")
    AUTH_PASSWORD_RESET_REQUESTED = (
        "auth.password_reset_requested",
        _("a demandé un lien pour changer son mot de passe"),
    )
    AUTH_SECOND_FACTOR = "auth.second_factor", _("a validé la double authentification")
    AUTH_SECOND_FACTOR_ENABLED = (
        "auth.second_factor_enabled",
        _("a activé la double authentification"),
    )
    INVITATION_ACCEPT = "invitation.accept", _("a accepté une invitation")
    INVITATION_REVOKE = "invitation.revoke", _("a annulé une invitation")
    INVITATION_SEND = "invitation.send", _("a envoyé une invitation")
    MEMBERSHIP_GRANT = "membership.grant", _("a donné un rôle dans une structure")
    MEMBERSHIP_REVOKE = "membership.revoke", _("a retiré un rôle dans une structure")
    ORGANISATION_CREATE = "organisation.create", _("a créé une organisation")
    ORGANISATION_VIEW = "organisation.view", _("a consulté une organisation")
