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
