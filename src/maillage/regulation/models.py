"""Regulation's tables: the supply (programmes, their places, what they require, the
vacancies declared), the demand (place requests, their households and evaluation, the
medical part of a dossier, the applications), and the decisions (priority policies, match
runs, proposals, refusals, commissions, the nights of the 115)."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import PrivateFile, PublicModel
from maillage.regulation import eligibility
from maillage.regulation.enums import (
    NUMBER_CRITERIA,
    ApplicationState,
    CommissionDecision,
    Criterion,
    DecisionReason,
    EmergencyOutcome,
    Engine,
    Level,
    MemberRole,
    MemberSex,
    Mode,
    Operator,
    Party,
    PlaceRefusalReason,
    PlaceRequestState,
    PlaceUrgency,
    PolicyState,
    ProgrammeKind,
    ProposalState,
    SessionState,
    UnitType,
    UnmetReason,
    VacancyState,
    mode_of,
)


def _codes(max_length=40, **kwargs):
    return ArrayField(models.CharField(max_length=max_length), default=list, blank=True, **kwargs)


def unit_rules(persons: int, accessible: bool) -> list[eligibility.Rule]:
    """What a place itself says: how many people it takes, and whether it is accessible —
    besides the requirements set on it."""
    rules = [eligibility.Rule(Criterion.HOUSEHOLD_SIZE, Operator.AT_MOST, persons)]
    if not accessible:
        rules.append(eligibility.Rule(Criterion.REDUCED_MOBILITY, Operator.MUST_NOT))
    return rules


def requirement_rule(criterion, operator, number, values, level) -> eligibility.Rule:
    """A requirement's row as the engine's rule."""
    if criterion in NUMBER_CRITERIA:
        value = number
    elif operator == Operator.ONE_OF:
        value = tuple(sorted(values))
    else:
        value = None
    return eligibility.Rule(criterion, operator, value, level)


class Programme(PublicModel):
    """A dispositif of a directory structure: its kind, who regulates it, its places."""

    structure = models.ForeignKey(
        "directory.Structure", on_delete=models.PROTECT, related_name="programmes"
    )
    kind = models.CharField(_("type de dispositif"), max_length=30, choices=ProgrammeKind.choices)
    name = models.CharField(_("nom"), max_length=150)
    # The SIAO that regulates the programme's places (centralised mode); the establishment
    # itself answers applications (medico-social kinds).
    regulator = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regulated_programmes",
    )
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="+", null=True
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    support_included = models.BooleanField(_("accompagnement compris"), default=True)
    answer_within_days = models.PositiveSmallIntegerField(
        _("délai pour répondre à une vacance (jours)"), default=3
    )
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("dispositif")

    def __str__(self):
        return self.name

    @property
    def mode(self) -> str:
        return mode_of(self.kind)


class Unit(PublicModel):
    """A place: a bed, a room, a flat of N rooms, a slot of a service."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="units")
    label = models.CharField(_("désignation"), max_length=100)
    unit_type = models.CharField(
        _("type de place"), max_length=10, choices=UnitType.choices, default=UnitType.BED
    )
    rooms = models.PositiveSmallIntegerField(_("pièces"), default=1)
    persons = models.PositiveSmallIntegerField(_("personnes accueillies"), default=1)
    accessible = models.BooleanField(
        _("accessible aux personnes à mobilité réduite"), default=False
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["programme_id", "label", "id"]
        verbose_name = _("place")
        constraints = [
            models.CheckConstraint(
                condition=Q(persons__gte=1) & Q(persons__lte=20), name="unit_persons_range"
            )
        ]

    def __str__(self):
        return self.label

    def own_rules(self) -> list[eligibility.Rule]:
        return unit_rules(self.persons, self.accessible)


class Requirement(models.Model):
    """One admission rule, set on a structure, a programme or a place."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    structure = models.ForeignKey(
        "directory.Structure",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="place_requirements",
    )
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="requirements"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="requirements"
    )
    criterion = models.CharField(max_length=30, choices=Criterion.choices)
    operator = models.CharField(max_length=10, choices=Operator.choices)
    number = models.SmallIntegerField(null=True, blank=True)
    values = _codes(max_length=10)

    class Meta:
        ordering = ["criterion", "operator", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(structure__isnull=False, programme__isnull=True, unit__isnull=True)
                    | Q(structure__isnull=True, programme__isnull=False, unit__isnull=True)
                    | Q(structure__isnull=True, programme__isnull=True, unit__isnull=False)
                ),
                name="requirement_one_level",
            )
        ]

    def __str__(self):
        return f"{self.criterion} {self.operator}"

    @property
    def level(self) -> str:
        if self.unit_id:
            return Level.UNIT
        return Level.PROGRAMME if self.programme_id else Level.STRUCTURE

    def rule(self) -> eligibility.Rule:
        return requirement_rule(self.criterion, self.operator, self.number, self.values, self.level)


class Vacancy(PublicModel):
    """A place declared free by its structure, from a date (or tonight), with its history:
    rows are never deleted, a closed vacancy keeps why and when."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="vacancies")
    available_from = models.DateField(_("libre à partir du"))
    tonight = models.BooleanField(_("libre ce soir"), default=False)
    state = models.CharField(max_length=20, choices=VacancyState.choices, default=VacancyState.OPEN)
    answer_due_on = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["available_from", "id"]
        verbose_name = _("vacance")
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(state__in=[VacancyState.OPEN, VacancyState.PROPOSED]),
                name="one_live_vacancy_per_unit",
            )
        ]


class PlaceRequest(PublicModel):
    """A demande de place for a household: who asks, for whom, the social evaluation, the
    recommendation and the person's own wishes, urgency and seniority."""

    regulator = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regulated_requests",
    )
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.CENTRALISED)
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="place_requests"
    )
    prescriber_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, on_delete=models.PROTECT, related_name="+"
    )
    pathway = models.ForeignKey(
        "pathways.Pathway",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="place_requests",
    )
    state = models.CharField(
        max_length=20, choices=PlaceRequestState.choices, default=PlaceRequestState.DRAFT
    )
    # Where the household lives (or is tonight): the observatory counts requests there.
    commune = models.ForeignKey(
        "territories.Commune", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    emergency = models.BooleanField(default=False)
    tonight_location = models.CharField(
        _("où le ménage se trouve ce soir"), max_length=200, blank=True
    )
    urgency = models.PositiveSmallIntegerField(
        choices=PlaceUrgency.choices, default=PlaceUrgency.NONE
    )
    dalo = models.BooleanField(_("reconnu·e prioritaire DALO / DAHO"), default=False)
    first_requested_on = models.DateField(_("date de la première demande"))
    vulnerabilities = _codes()
    recommended_kinds = _codes()
    recommendation = models.TextField(_("préconisation"), blank=True)
    preferred_kinds = _codes()
    preferred_communes = _codes(max_length=5)
    wishes = models.TextField(_("souhaits de la personne, dans ses mots"), blank=True)
    pets = models.BooleanField(_("animal de compagnie"), default=False)
    reduced_mobility = models.BooleanField(_("mobilité réduite"), default=False)
    support_needed = models.BooleanField(_("besoin d'accompagnement"), default=False)
    gir = models.PositiveSmallIntegerField(_("GIR"), null=True, blank=True)
    resources = models.JSONField(_("ressources"), default=list, blank=True)
    rights = models.TextField(_("droits ouverts"), blank=True)
    health = models.TextField(_("santé et autonomie"), blank=True)
    housing_history = models.TextField(_("parcours résidentiel"), blank=True)
    support_needs = models.TextField(_("besoins d'accompagnement"), blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    admin_signed_at = models.DateTimeField(null=True, blank=True)
    # Places the person herself refused (the policy may count them; by default it does not).
    person_refusals = models.PositiveSmallIntegerField(default=0)
    update_due_on = models.DateField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_note = models.CharField(max_length=300, blank=True)
    # "last|first|birth|sex" of the applicant, unaccented: duplicates meet here.
    identity_key = models.CharField(max_length=250, db_index=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["first_requested_on", "id"]
        verbose_name = _("demande de place")
        indexes = [models.Index(fields=["regulator", "state"])]

    def __str__(self):
        return str(self.public_id)


class Member(models.Model):
    request = models.ForeignKey(PlaceRequest, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=10, choices=MemberRole.choices)
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    sex = models.CharField(
        _("sexe"), max_length=1, choices=MemberSex.choices, default=MemberSex.UNSAID
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class RequestDocument(PrivateFile):
    """A document of the request (an evaluation, a proof of rights), served only to those
    who see the request, each download audited."""

    request = models.ForeignKey(PlaceRequest, on_delete=models.CASCADE, related_name="documents")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    @property
    def path(self):
        return (
            settings.PRIVATE_FILES_DIR
            / "regulation"
            / str(self.request.public_id)
            / str(self.public_id)
        )


class MedicalPart(models.Model):
    """The medical part of a dossier (Cerfa 14732*03), written by the GP, read only by the
    coordinating physicians of the establishments applied to."""

    request = models.OneToOneField(PlaceRequest, on_delete=models.CASCADE, related_name="medical")
    physician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    gir = models.PositiveSmallIntegerField(null=True, blank=True)
    diagnoses = models.TextField(blank=True)
    treatments = models.TextField(blank=True)
    care_needs = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"volet médical {self.request_id}"

    @property
    def started(self) -> bool:
        return bool(self.gir or self.diagnoses or self.treatments or self.care_needs)


class RequestEvent(models.Model):
    """The history of a request, step by step, as the person and her prescriber see it."""

    request = models.ForeignKey(PlaceRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


class PriorityPolicy(PublicModel):
    """A priority policy of a regulator, versioned: drafts are simulated, one is in force."""

    regulator = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="priority_policies"
    )
    number = models.PositiveIntegerField()
    name = models.CharField(_("nom"), max_length=150)
    state = models.CharField(max_length=10, choices=PolicyState.choices, default=PolicyState.DRAFT)
    data = models.JSONField()
    notes = models.TextField(_("ce qui change et pourquoi"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["regulator", "number"], name="policy_number"),
            models.UniqueConstraint(
                fields=["regulator"],
                condition=Q(state=PolicyState.PUBLISHED),
                name="one_policy_in_force",
            ),
        ]

    def __str__(self):
        return f"{self.name} (v{self.number})"


class MatchRun(PublicModel):
    """One computation of proposals: both engines on the same data, side by side."""

    regulator = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    policy = models.ForeignKey(PriorityPolicy, on_delete=models.PROTECT, related_name="runs")
    chosen = models.CharField(max_length=10, choices=Engine.choices)
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]


class CommissionSession(PublicModel):
    regulator = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="commission_sessions"
    )
    held_on = models.DateField(_("date de la commission"))
    state = models.CharField(
        max_length=10, choices=SessionState.choices, default=SessionState.PLANNED
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="commission_sessions")
    minutes = models.TextField(_("compte rendu"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-held_on", "-id"]


class Proposal(PublicModel):
    """A place proposed to a household, with the rules it passed, the priority breakdown
    and the runners-up, frozen when it was made."""

    request = models.ForeignKey(PlaceRequest, on_delete=models.PROTECT, related_name="proposals")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, related_name="proposals")
    run = models.ForeignKey(
        MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    session = models.ForeignKey(
        CommissionSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    engine = models.CharField(max_length=10, choices=Engine.choices, blank=True)
    state = models.CharField(
        max_length=20, choices=ProposalState.choices, default=ProposalState.DRAFT
    )
    weight = models.BigIntegerField(default=0)
    explanation = models.JSONField(default=dict)  # rules passed, breakdown, runners-up, policy
    decision = models.CharField(max_length=10, choices=CommissionDecision.choices, blank=True)
    decision_reason = models.CharField(max_length=30, choices=DecisionReason.choices, blank=True)
    decision_text = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vacancy"],
                condition=Q(state__in=["draft", "approved", "sent", "structure_accepted"]),
                name="one_live_proposal_per_vacancy",
            ),
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(state__in=["draft", "approved", "sent", "structure_accepted"]),
                name="one_live_proposal_per_request",
            ),
        ]


class Application(PublicModel):
    """In multi-application mode, the dossier sent to one establishment's programme."""

    request = models.ForeignKey(PlaceRequest, on_delete=models.CASCADE, related_name="applications")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications")
    state = models.CharField(
        max_length=12, choices=ApplicationState.choices, default=ApplicationState.SENT
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "programme"], name="one_application_per_programme"
            )
        ]


class Refusal(models.Model):
    """Every refusal, by whom and why; a request refused for a place is never proposed for
    that place again."""

    request = models.ForeignKey(PlaceRequest, on_delete=models.CASCADE, related_name="refusals")
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="refusals"
    )
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    party = models.CharField(max_length=12, choices=Party.choices)
    reason = models.CharField(max_length=20, choices=PlaceRefusalReason.choices)
    text = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.party}: {self.reason}"


class Night(models.Model):
    """What became of an emergency request on one night: sheltered, or unmet and why (the
    « demandes non pourvues » the observatory reports)."""

    request = models.ForeignKey(PlaceRequest, on_delete=models.CASCADE, related_name="nights")
    night = models.DateField()
    outcome = models.CharField(max_length=10, choices=EmergencyOutcome.choices)
    reason = models.CharField(max_length=20, choices=UnmetReason.choices, blank=True)
    vacancy = models.ForeignKey(
        Vacancy, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-night", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "night"], name="one_outcome_per_night")
        ]

    def __str__(self):
        return f"{self.night}: {self.outcome}"
