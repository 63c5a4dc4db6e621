"""Conventions and groupings: who is bound to whom, for what, with which shares and duties
(seed 003: "nothing stays approximate")."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.cooperation.enums import (
    ADMINISTRATOR_MANDATE_YEARS,
    AlertKind,
    AlertState,
    Authority,
    CallState,
    CampaignState,
    ContributionKind,
    ConventionKind,
    ConventionState,
    DocumentKind,
    LegalNature,
    ObligationState,
)
from maillage.core.dates import years_later
from maillage.core.models import PrivateFile, PublicModel


class Convention(PublicModel):
    """A partnership convention, a grouping's constitutive convention (GCSMS, GCS), a CPOM,
    or an amendment to one of them (`amends`). Kept by the organisation that manages it."""

    kind = models.CharField(_("nature"), max_length=20, choices=ConventionKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    purpose = models.TextField(_("objet"), max_length=10_000)
    amends = models.ForeignKey(
        "self",
        verbose_name=_("avenant à"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    managed_by = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("tenue par"),
        on_delete=models.PROTECT,
        related_name="managed_conventions",
    )
    seat = models.CharField(_("siège"), max_length=255, blank=True)
    legal_nature = models.CharField(
        _("nature juridique"), max_length=10, choices=LegalNature.choices, blank=True
    )
    starts_on = models.DateField(_("prise d'effet"), null=True, blank=True)
    ends_on = models.DateField(_("échéance"), null=True, blank=True)
    tacit_renewal = models.BooleanField(_("reconduction tacite"), default=False)
    staff_arrangements = models.TextField(_("mise à disposition de personnels"), blank=True)
    joining_rules = models.TextField(_("adhésion de nouveaux membres"), blank=True)
    leaving_rules = models.TextField(_("retrait d'un membre"), blank=True)
    dissolution_rules = models.TextField(_("dissolution"), blank=True)
    state = models.CharField(
        max_length=10, choices=ConventionState.choices, default=ConventionState.DRAFT
    )
    signed_on = models.DateField(_("signée le"), null=True, blank=True)
    declared_on = models.DateField(_("déclarée le"), null=True, blank=True)
    declared_to = models.CharField(
        _("déclarée à"), max_length=12, choices=Authority.choices, blank=True
    )
    published_on = models.DateField(_("publiée le"), null=True, blank=True)
    ended_on = models.DateField(_("terminée le"), null=True, blank=True)
    end_reason = models.TextField(_("motif de la fin"), blank=True)
    # A grouping's administrator, elected by the general assembly for three years.
    administrator = models.ForeignKey(
        "accounts.User",
        verbose_name=_("administrateur·rice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    administrator_elected_on = models.DateField(_("élu·e le"), null=True, blank=True)
    # When the managers were last reminded (one reminder per term, per mandate).
    end_reminded_on = models.DateField(null=True, blank=True, editable=False)
    mandate_reminded_on = models.DateField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("convention")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="convention_term_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ConventionKind.AMENDMENT) | Q(amends__isnull=False),
                name="amendment_amends_a_convention",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def mandate_ends_on(self) -> dt.date | None:
        elected = self.administrator_elected_on
        if elected is None:
            return None
        return years_later(elected, ADMINISTRATOR_MANDATE_YEARS)


class ConventionParty(PublicModel):
    """One party: a platform organisation or a directory structure (each named by its SIRET
    or FINESS there), with its share of the grouping and what it brings."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    structure = models.ForeignKey(
        "directory.Structure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    share = models.DecimalField(
        _("part (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    contribution_kind = models.CharField(
        _("contribution"),
        max_length=10,
        choices=ContributionKind.choices,
        default=ContributionKind.NONE,
    )
    financial_amount = models.DecimalField(
        _("montant annuel (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    in_kind = models.TextField(_("apports en nature"), blank=True)
    joined_on = models.DateField(_("entrée le"), null=True, blank=True)
    left_on = models.DateField(_("retrait le"), null=True, blank=True)

    class Meta:
        verbose_name = _("partie à une convention")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, structure__isnull=True)
                | Q(organisation__isnull=True, structure__isnull=False),
                name="party_is_one_organisation_or_structure",
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | Q(share__gte=0, share__lte=100),
                name="party_share_is_a_percentage",
            ),
            models.UniqueConstraint(
                fields=["convention", "organisation"],
                condition=Q(left_on__isnull=True, organisation__isnull=False),
                name="party_organisation_once",
            ),
            models.UniqueConstraint(
                fields=["convention", "structure"],
                condition=Q(left_on__isnull=True, structure__isnull=False),
                name="party_structure_once",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return (self.organisation or self.structure).name

    @property
    def identifiers(self) -> str:
        holder = self.organisation or self.structure
        return " · ".join(
            f"{label} {value}"
            for label, value in (("SIRET", holder.siret), ("FINESS", holder.finess))
            if value
        )


class ConventionObligation(PublicModel):
    """Who owes what, by when: the table seed 003 asks for."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="obligations")
    party = models.ForeignKey(
        ConventionParty,
        verbose_name=_("partie"),
        on_delete=models.CASCADE,
        related_name="obligations",
    )
    description = models.CharField(_("obligation"), max_length=500)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=ObligationState.choices, default=ObligationState.TODO
    )
    done_on = models.DateField(_("faite le"), null=True, blank=True)

    class Meta:
        verbose_name = _("obligation d'une partie")
        ordering = ["due_on", "created_at", "id"]

    def __str__(self):
        return self.description


class ConventionDocument(PrivateFile):
    """The signed convention, an amendment, a declaration's receipt: kept privately."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(
        _("nature"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    uploaded_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    @property
    def path(self):
        return (
            settings.PRIVATE_FILES_DIR
            / "conventions"
            / str(self.convention.public_id)
            / str(self.public_id)
        )


class TerritorialAlert(PublicModel):
    """A coordinator alerts the professionals and organisations of a territory (a heat wave,
    an epidemic, a shortage, a closure): to whom (the territory, the roles), what, its news
    and its end. Each recipient has a receipt, read or not (AlertReceipt)."""

    kind = models.CharField(_("nature"), max_length=30, choices=AlertKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("message"), max_length=5000)
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    audience_roles = ArrayField(models.CharField(max_length=30), verbose_name=_("destinataires"))
    issued_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="alerts_issued"
    )
    state = models.CharField(
        _("état"), max_length=20, choices=AlertState.choices, default=AlertState.ACTIVE
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("alerte territoriale")
        verbose_name_plural = _("alertes territoriales")

    def __str__(self):
        return self.title


class AlertUpdate(models.Model):
    """News of an alert, sent to the same recipients (« la vigilance passe au rouge »)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    alert = models.ForeignKey(TerritorialAlert, on_delete=models.CASCADE, related_name="updates")
    body = models.TextField(_("nouvelles"), max_length=5000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "id"]

    def __str__(self):
        return self.body[:60]


class AlertReceipt(models.Model):
    """One recipient of an alert, chosen when it was issued, and when she read it."""

    alert = models.ForeignKey(TerritorialAlert, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_receipts"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "user"], name="alert_receipt_once")]
        indexes = [models.Index(fields=["user", "read_at"], name="alert_receipt_user")]

    def __str__(self):
        return f"{self.alert_id}:{self.user_id}"


class CheckCallCampaign(PublicModel):
    """In a heat wave or a cold spell, the people followed on a territory who match risk
    criteria are each called by a member of their circle; the board follows the calls."""

    alert = models.ForeignKey(
        TerritorialAlert,
        verbose_name=_("alerte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    title = models.CharField(_("intitulé"), max_length=200)
    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.PROTECT, related_name="campaigns"
    )
    platform = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="campaigns"
    )
    criteria = models.JSONField(_("critères"), default=dict)
    due_on = models.DateField(_("appels à passer au plus tard le"))
    state = models.CharField(
        max_length=20, choices=CampaignState.choices, default=CampaignState.RUNNING
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campagne d'appels de vérification")

    def __str__(self):
        return self.title


class CheckCall(models.Model):
    """One person to call in a campaign: her pathway, the action written in her plan, the
    circle member who calls, and how it went."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(CheckCallCampaign, on_delete=models.CASCADE, related_name="calls")
    pathway = models.ForeignKey("pathways.Pathway", on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(
        "pathways.PlanAction", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    caller = models.ForeignKey(
        "pathways.CircleMember", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=20, choices=CallState.choices, default=CallState.TO_CALL)
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "pathway"], name="check_call_once")
        ]
        indexes = [models.Index(fields=["campaign", "state"], name="check_call_board")]

    def __str__(self):
        return f"{self.campaign_id}:{self.pathway_id}"
