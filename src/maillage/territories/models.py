from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from maillage.core.models import PublicModel
from maillage.territories.enums import CommuneKind, FormerCommuneKind, TerritoryKind


class Region(models.Model):
    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    population = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("région")

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField(max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    search_name = models.CharField(max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")

    def __str__(self):
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    code = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=10)
    population = models.PositiveIntegerField(null=True)
    search_name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("EPCI")
        indexes = [
            GinIndex(name="epci_search_trgm", fields=["search_name"], opclasses=["gin_trgm_ops"])
        ]

    def __str__(self):
        return self.name


class Commune(models.Model):
    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(max_length=3, choices=CommuneKind.choices)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, null=True, blank=True, on_delete=models.SET_NULL, related_name="communes"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="arrondissements"
    )
    postal_codes = ArrayField(models.CharField(max_length=5), default=list)
    population = models.PositiveIntegerField(null=True)
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    position_approximate = models.BooleanField(default=False)
    search_name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name", "code"]
        verbose_name = _("commune")
        indexes = [
            GinIndex(
                name="commune_search_trgm", fields=["search_name"], opclasses=["gin_trgm_ops"]
            ),
            GinIndex(name="commune_postal_codes", fields=["postal_codes"]),
        ]

    def __str__(self):
        return f"{self.name} ({self.departement_id})"


class FormerCommune(models.Model):
    """A delegated or associated commune: an old name that leads to the current commune."""

    code = models.CharField(max_length=5)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(max_length=4, choices=FormerCommuneKind.choices)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="former_names")
    search_name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "kind"], name="former_commune_unique")
        ]
        indexes = [
            GinIndex(name="former_search_trgm", fields=["search_name"], opclasses=["gin_trgm_ops"])
        ]

    def __str__(self):
        return self.name


class TerritoryQuerySet(models.QuerySet):
    def with_population(self):
        return self.annotate(population_total=Sum("communes__population"))


class Territory(PublicModel):
    """A named set of communes: the platform's territory of competence, a micro-territory
    (territoire vécu) or any grouping a coordinator needs. Everything else (directory,
    observatory, alerts) can be read through one."""

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=20, choices=TerritoryKind.choices, default=TerritoryKind.MICRO
    )
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("structure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="territories",
    )
    communes = models.ManyToManyField(Commune, related_name="territories", blank=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("territoire")

    def __str__(self):
        return self.name
