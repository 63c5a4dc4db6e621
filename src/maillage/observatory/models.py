"""The observatory's stored figures: accessibility computations and their index per commune."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import PublicModel


class AccessibilityRun(PublicModel):
    """One computation of the accessibility index (APL, E2SFCA) for every commune: the
    profession and parameters it used, and its totals."""

    profession = models.CharField(_("profession"), max_length=100)
    parameters = models.JSONField(default=dict)
    communes = models.PositiveIntegerField(default=0)
    supply_points = models.PositiveIntegerField(default=0)
    total_supply = models.FloatField(default=0)
    threshold = models.FloatField(_("seuil de sous-densité"), default=2.5)
    population_under = models.FloatField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calcul d'accessibilité")

    def __str__(self):
        return f"{self.profession} — {self.created_at:%d/%m/%Y %H:%M}"


class AccessibilityIndex(models.Model):
    """A commune's index in a run."""

    run = models.ForeignKey(AccessibilityRun, on_delete=models.CASCADE, related_name="indices")
    commune = models.ForeignKey("territories.Commune", on_delete=models.CASCADE, related_name="+")
    population = models.PositiveIntegerField(default=0)
    index = models.FloatField()
    under_served = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "commune"], name="one_index_per_commune")
        ]

    def __str__(self):
        return f"{self.commune_id} {self.index:.2f}"


class Fact(models.Model):
    """Pre-aggregated counts the dashboards read: one row per family (what is counted), month,
    commune and up to two keys (a category, a delay band…), with the count and a summed
    measure (hours, days) for means. Rebuilt as a whole by `observatory.facts.refresh`; no
    person in it, and every family is additive over months and communes."""

    family = models.CharField(max_length=30)
    month = models.DateField()
    commune = models.ForeignKey(
        "territories.Commune",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    key = models.CharField(max_length=100, blank=True)
    key2 = models.CharField(max_length=100, blank=True)
    n = models.PositiveIntegerField()
    total = models.FloatField(default=0)

    class Meta:
        indexes = [
            # Covering: a dashboard's sums read the index alone.
            models.Index(
                fields=["family", "month", "commune"],
                include=["key", "key2", "n", "total"],
                name="fact_lookup",
            )
        ]

    def __str__(self):
        return f"{self.family} {self.month:%Y-%m} {self.commune_id} {self.key} {self.n}"


class FactRefresh(models.Model):
    """When the facts were last rebuilt, and how long it took: shown on every page."""

    finished_at = models.DateTimeField()
    seconds = models.FloatField()
    rows = models.PositiveIntegerField()

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self):
        return f"{self.finished_at:%d/%m/%Y %H:%M}"


class AnnualReport(PublicModel):
    """The platform's annual evaluation for the ARS and its governance: the figures are
    computed from the facts each time it is shown; what is kept here is what coordinators
    write about them, section by section, and whether it is published (then it no longer
    changes, and observers can read it)."""

    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    commentary = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)
    # Frozen at publication: the figures as published (they no longer follow the live data,
    # which keeps changing — a reopened pathway, a person who moved) and the PDF.
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    pdf = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("rapport annuel")

    def __str__(self):
        return str(self.year)
