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


class AuditAction(models.TextChoices):
    """What the audit trail records for this app, in the words the list of accesses to a
    record shows. Every name written to the trail is declared in an app's AuditAction
    (core.audit.declared; tests/core/test_audit_names.py)."""

    TERRITORY_ADD_PLACES = "territory.add_places", _("a ajouté des communes à un territoire")
    TERRITORY_CREATE = "territory.create", _("a créé un territoire")
    TERRITORY_DELETE = "territory.delete", _("a supprimé un territoire")
    TERRITORY_REMOVE_COMMUNE = "territory.remove_commune", _("a retiré une commune d'un territoire")
    TERRITORY_UPDATE = "territory.update", _("a modifié un territoire")
    TERRITORY_VIEW = "territory.view", _("a consulté un territoire")
