from django.db import models
from django.utils.translation import gettext_lazy as _


class CommuneKind(models.TextChoices):
    COMMUNE = "COM", _("Commune")
    MUNICIPAL_ARRONDISSEMENT = "ARM", _("Arrondissement municipal")


class FormerCommuneKind(models.TextChoices):
    DELEGATED = "COMD", _("Commune déléguée")
    ASSOCIATED = "COMA", _("Commune associée")


class TerritoryKind(models.TextChoices):
    COMPETENCE = "competence", _("Territoire de compétence")
    MICRO = "micro", _("Micro-territoire, territoire vécu")
    OTHER = "other", _("Autre regroupement")
