"""The observatory's stored figures: accessibility computations and their index per commune."""

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
