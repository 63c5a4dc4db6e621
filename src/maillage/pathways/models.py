"""People supported, support requests, triage, pathways, care circles and their timeline.

Personal data lives here and is only ever read through `queries` (scoped by `access`):
a person's record is visible to her care circle and to the coordinators of the platform
that holds it, nobody else.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import PrivateFile, PublicModel
from maillage.core.workflows import next_states
from maillage.pathways.enums import (
    ACTION_TRANSITIONS,
    DISCHARGE_CHECKLIST,
    OPEN_ACTION_STATES,
    ActionStatus,
    Attendance,
    CircleRole,
    ClosureReason,
    ConsentMode,
    EventKind,
    MeetingState,
    MemberStatus,
    Need,
    NeedLevel,
    NoteKind,
    ObjectiveStatus,
    PathwayState,
    Relationship,
    RequesterKind,
    RequestState,
    Satisfaction,
    Sex,
    StayState,
    TriageOutcome,
    Urgency,
    Validator,
)


def _codes(**kwargs):
    return ArrayField(models.CharField(max_length=40), default=list, blank=True, **kwargs)


class Person(PublicModel):
    """The person supported: what coordination needs to know who she is, no more."""

    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices, default=Sex.OTHER)
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune de résidence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    gp_name = models.CharField(_("médecin traitant"), max_length=200, blank=True)
    # Her own account, for the portal (later); None while she has none.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person_record",
    )
    # Unaccented "last|first|birth date": two records of one person meet here.
    identity_key = models.CharField(max_length=250, db_index=True)

    class Meta:
        verbose_name = _("personne accompagnée")

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class ScreeningQuestion(models.Model):
    """One line of the complexity screening grid, configured by the platform: checked, it
    adds its weight to the request's score."""

    code = models.SlugField(max_length=40, unique=True)
    text = models.CharField(_("question"), max_length=300)
    weight = models.PositiveSmallIntegerField(_("poids"), default=1)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("question de repérage")

    def __str__(self):
        return self.text


class SupportRequest(PublicModel):
    """A demande d'appui: who asks, for whom, why, how urgent, what was tried, the GP, and
    what the person was told — then the coordinator's triage."""

    platform = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="support_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="support_requests"
    )
    requester_kind = models.CharField(max_length=20, choices=RequesterKind.choices)
    requester_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="requests")
    reason = models.TextField(_("motif de la demande"))
    needs = _codes(verbose_name=_("besoins repérés"))
    urgency = models.CharField(_("urgence"), max_length=10, choices=Urgency.choices)
    urgency_rank = models.PositiveSmallIntegerField(default=2)
    tried = models.TextField(_("ce qui a déjà été essayé"), blank=True)
    gp_informed = models.BooleanField(_("médecin traitant informé"), default=False)
    gp_agrees = models.BooleanField(_("médecin traitant d'accord"), default=False)
    consent_mode = models.CharField(max_length=20, choices=ConsentMode.choices)
    information_items = _codes()
    recipients = _codes()
    consent_recorded_at = models.DateTimeField()
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The exception path: when the person could not express herself, the date she was told.
    informed_afterwards_at = models.DateTimeField(null=True, blank=True)
    informed_afterwards_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        max_length=20, choices=RequestState.choices, default=RequestState.RECEIVED
    )
    received_at = models.DateTimeField()
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    screening_answers = _codes()
    screening_score = models.PositiveSmallIntegerField(null=True, blank=True)
    triage_outcome = models.CharField(max_length=20, choices=TriageOutcome.choices, blank=True)
    triage_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    # Orientations the coordinator sent from the request (information and orientation).
    orientations = models.ManyToManyField(
        "directory.Orientation", blank=True, related_name="support_requests"
    )

    class Meta:
        verbose_name = _("demande d'appui")
        indexes = [
            # The triage queue: requests still to sort, most urgent and oldest first.
            models.Index(
                fields=["platform", "urgency_rank", "received_at"],
                name="request_queue",
                condition=models.Q(state="received"),
            )
        ]

    def __str__(self):
        return f"{self.get_urgency_display()} — {self.received_at:%d/%m/%Y}"


class Pathway(PublicModel):
    """A complex pathway opened by triage, held by one platform, with a named referent."""

    platform = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="pathways"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pathways")
    request = models.OneToOneField(
        SupportRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="pathway"
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referent_of"
    )
    state = models.CharField(max_length=20, choices=PathwayState.choices, default=PathwayState.OPEN)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closure_reason = models.CharField(
        _("raison de la clôture"), max_length=30, choices=ClosureReason.choices, blank=True
    )
    closure_outcome = models.TextField(
        _("bilan : ce qui a changé, où la personne va ensuite"), blank=True
    )
    satisfaction = models.CharField(
        _("satisfaction de la personne"), max_length=1, choices=Satisfaction.choices, blank=True
    )
    satisfaction_comment = models.TextField(_("ce que la personne en dit"), blank=True)
    # What the closure changed in the plan (objectives settled, actions cancelled), so that
    # reopening a pathway closed too early gives the plan back as it was.
    closure_changes = models.JSONField(default=dict, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Kept when the record is anonymised (the person's identity is gone): "75-84".
    person_age_band = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")

    def __str__(self):
        return f"{self.person} ({self.get_state_display()})"


class CircleInvitation(PublicModel):
    """A professional without an account invited into a care circle: she joins it, with
    this role, when she accepts the account invitation (accounts.Invitation) it rides on."""

    pathway = models.ForeignKey(
        "Pathway", on_delete=models.CASCADE, related_name="circle_invitations"
    )
    invitation = models.ForeignKey(
        "accounts.Invitation", on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("rôle"), max_length=30, choices=CircleRole.choices)
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation dans un cercle de soins")

    def __str__(self):
        return f"{self.invitation.email} → {self.pathway_id}"


class CircleMember(PublicModel):
    """One member of a pathway's care circle. Only active members see the pathway; leaving
    or being removed ends that at once."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="circle_memberships"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(_("rôle"), max_length=30, choices=CircleRole.choices)
    status = models.CharField(
        max_length=10, choices=MemberStatus.choices, default=MemberStatus.PENDING
    )
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    # Up to when she read the liaison notebook: later messages are "new" for her.
    notebook_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("membre du cercle de soins")
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "user"],
                condition=~models.Q(status="left"),
                name="circle_member_once",
            )
        ]
        indexes = [
            models.Index(
                fields=["user", "pathway"],
                name="circle_active_member",
                condition=models.Q(status="active"),
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"


class TimelineEvent(models.Model):
    """One thing that happened in a pathway, for its timeline. The summary may name the
    person's situation: it is read only through the pathway, never on its own."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["pathway", "-occurred_at"], name="timeline_order")]

    def __str__(self):
        return f"{self.occurred_at:%d/%m/%Y} {self.get_kind_display()}"


def burden_label(score) -> str:
    """The usual reading of the mini-Zarit total."""
    if score is None:
        return ""
    if score < 2:
        return _("fardeau absent ou léger")
    if score < 4:
        return _("fardeau léger à modéré")
    if score < 6:
        return _("fardeau modéré à sévère")
    return _("fardeau sévère")


class Assessment(PublicModel):
    """A dated multidimensional assessment of the person's situation, with her own words.
    Assessments are never edited into each other: a new one is made, so they compare."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("date de l'évaluation"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    person_words = models.TextField(
        _("ce que la personne dit de sa situation et ce qu'elle souhaite"), blank=True
    )
    aggir = models.JSONField(default=dict, blank=True)  # {variable: "A" | "B" | "C"}
    gir = models.PositiveSmallIntegerField(null=True, blank=True)
    zarit_answers = models.JSONField(default=dict, blank=True)  # {question: "0" | "0.5" | "1"}
    caregiver_burden = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    # What a heat wave or a cold spell asks of her situation (check-call campaigns): whether
    # she lives alone (None: not said), and a fragility declared for such crises (on her
    # commune's register of vulnerable people, or said by her or her circle).
    lives_alone = models.BooleanField(_("vit seule"), null=True, blank=True)
    declared_fragility = models.BooleanField(
        _("fragilité déclarée pour les crises (canicule, grand froid)"), default=False
    )

    class Meta:
        verbose_name = _("évaluation multidimensionnelle")
        ordering = ["-assessed_on", "-id"]

    @property
    def burden_label(self) -> str:
        return burden_label(self.caregiver_burden)

    def __str__(self):
        return f"{self.assessed_on:%d/%m/%Y}"


class DomainAssessment(models.Model):
    """One domain of an assessment: the level of need, what was seen, where it comes from."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=20, choices=Need.choices)
    level = models.CharField(_("niveau de besoin"), max_length=10, choices=NeedLevel.choices)
    notes = models.TextField(_("constats"), blank=True)
    sources = models.CharField(_("sources"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="one_level_per_domain")
        ]

    def __str__(self):
        return f"{self.get_domain_display()} : {self.get_level_display()}"


class Plan(PublicModel):
    """The personalised coordination plan (PPCS, HAS 2019) of a pathway, in its four parts:
    the people (the circle, with the referent), the person's problems and her own project,
    the action plan (objectives → actions) with its revision date and alert procedure, and
    the objectives not reached yet. `version` counts saves: a save made from an older
    version is refused (no silent overwrite); each save keeps a snapshot (PlanVersion)."""

    pathway = models.OneToOneField(Pathway, on_delete=models.CASCADE, related_name="plan")
    problems = models.TextField(_("les problèmes de la personne, en résumé"), blank=True)
    person_project = models.TextField(
        _("son projet, ses choix et ses préférences, avec ses mots"), blank=True
    )
    alert_procedure = models.TextField(
        _("que faire si la situation se dégrade (procédure d'alerte)"), blank=True
    )
    revision_on = models.DateField(_("date de révision"), null=True, blank=True)
    revision_reminded_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("plan personnalisé de coordination en santé")

    def __str__(self):
        return f"PPCS v{self.version}"


class Objective(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    need = models.CharField(_("besoin"), max_length=20, choices=Need.choices)
    text = models.CharField(_("objectif partagé"), max_length=300)
    criteria = models.CharField(_("critère d'évaluation"), max_length=300, blank=True)
    status = models.CharField(
        max_length=20, choices=ObjectiveStatus.choices, default=ObjectiveStatus.OPEN
    )
    # A need the territory has no resource for (no service, no place, too far): counted by
    # the observatory's "unmet needs".
    no_resource = models.BooleanField(
        _("aucune ressource disponible sur le territoire pour ce besoin"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text


class PlanActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_ACTION_STATES)

    def overdue(self, today):
        """Still to do, and due before today."""
        return self.open().filter(due_on__lt=today)


def overdue_actions_q(today, path: str = "") -> models.Q:
    """The same filter as PlanActionQuerySet.overdue, for an aggregate through `path`
    (e.g. "plan__objectives__actions__")."""
    return models.Q(**{f"{path}status__in": OPEN_ACTION_STATES, f"{path}due_on__lt": today})


class PlanAction(models.Model):
    """One action towards an objective, with its owner — a circle member, the person
    herself, or a directory service (through an orientation) — a due date and a status."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    text = models.CharField(_("action"), max_length=300)
    owner_member = models.ForeignKey(
        CircleMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    owner_is_person = models.BooleanField(default=False)
    service = models.ForeignKey(
        "directory.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    orientation = models.ForeignKey(
        "directory.Orientation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_actions",
    )
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    reminded_on = models.DateField(null=True, blank=True)  # last overdue reminder
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "created_at", "id"]
        indexes = [
            # Overdue actions, for the coordinator's home and the reminders.
            models.Index(
                fields=["due_on"],
                name="plan_action_open_due",
                condition=models.Q(status__in=["planned", "in_progress"]),
            )
        ]

    def __str__(self):
        return self.text

    def is_overdue(self, today) -> bool:
        """Still to do and past its due date (the QuerySet's `overdue(today)`, for one)."""
        return self.status in OPEN_ACTION_STATES and self.due_on is not None and self.due_on < today

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        """Its status, then those it may move to (ACTION_TRANSITIONS), for the page's select."""
        return next_states(ACTION_TRANSITIONS, self.status, ActionStatus.choices)


class PlanVersion(models.Model):
    """A snapshot of the plan as saved: what was validated stays readable as it was."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    saved_at = models.DateTimeField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    content = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_once")]

    def __str__(self):
        return f"v{self.number}"


class PlanValidation(models.Model):
    """The person or her GP validated this version (recorded by a circle member)."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="validations")
    validator = models.CharField(max_length=10, choices=Validator.choices)
    validated_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "validator"], name="validated_once")
        ]

    def __str__(self):
        return f"{self.get_validator_display()} {self.validated_on}"


# --- Follow-up: the liaison notebook, hospital stays, concertation meetings ------------------


class Message(PublicModel):
    """A message of the liaison notebook, seen by the circle (and the platform's
    coordinators) only."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="messages")
    # The author is `created_by`.
    body = models.TextField(_("message"))

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["pathway", "-created_at"], name="notebook_order")]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M}"


class MessageAttachment(PrivateFile):
    """A document sent in the notebook, served only to those who see the pathway."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")

    @property
    def path(self):
        return (
            settings.PRIVATE_FILES_DIR
            / "pathways"
            / str(self.message.pathway.public_id)
            / str(self.public_id)
        )


class HospitalStay(PublicModel):
    """A hospital stay, told to the circle from admission so that discharge is prepared from
    the first day (the checklist opens with the stay)."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="stays")
    facility = models.CharField(_("établissement et service"), max_length=200)
    admitted_on = models.DateField(_("date d'entrée"))
    expected_discharge_on = models.DateField(_("sortie prévue le"), null=True, blank=True)
    discharged_on = models.DateField(_("date de sortie"), null=True, blank=True)
    discharge_destination = models.CharField(_("retour vers"), max_length=200, blank=True)
    state = models.CharField(
        max_length=20, choices=StayState.choices, default=StayState.IN_HOSPITAL
    )

    class Meta:
        ordering = ["-admitted_on", "-id"]

    def __str__(self):
        return f"{self.facility} ({self.admitted_on:%d/%m/%Y})"


class DischargeItem(models.Model):
    """One line of a stay's discharge checklist."""

    stay = models.ForeignKey(HospitalStay, on_delete=models.CASCADE, related_name="checklist")
    code = models.CharField(max_length=30)
    position = models.PositiveSmallIntegerField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["stay", "code"], name="discharge_item_once")]

    def __str__(self):
        return str(self.label)

    @property
    def label(self) -> str:

        return dict(DISCHARGE_CHECKLIST).get(self.code, self.code)


class Meeting(PublicModel):
    """A concertation meeting (RCP) about the person's situation: invitations with an
    iCalendar file, an agenda drawn from the plan, attendance, minutes, decisions."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("date et heure"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=60)
    location = models.CharField(_("lieu ou lien de visioconférence"), max_length=300, blank=True)
    agenda = models.TextField(_("ordre du jour"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        max_length=20, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    minutes = models.TextField(_("compte rendu"), blank=True)
    # RFC 5545 SEQUENCE: each change sent to the invitees increments it.
    sequence = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["pathway", "starts_at"], name="meeting_order")]

    def __str__(self):
        return f"{self.starts_at:%d/%m/%Y %H:%M}"


class MeetingAttendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.INVITED
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="meeting_attendee_once")
        ]

    def __str__(self):
        return f"{self.user} — {self.get_attendance_display()}"


class MeetingDecision(models.Model):
    """A decision taken in a meeting; made a plan action in the same step when it is one."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    text = models.CharField(_("décision"), max_length=300)
    plan_action = models.ForeignKey(
        PlanAction, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text


# --- caregivers and the person's space (portal) ---------------------------------------------


class Caregiver(PublicModel):
    """A caregiver or relative of the person, in her circle with her agreement (FHIR
    RelatedPerson). She may also be given access to the person's space."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="caregivers")
    name = models.CharField(_("nom"), max_length=200)
    relationship = models.CharField(_("lien"), max_length=10, choices=Relationship.choices)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_main = models.BooleanField(_("aidant·e principal·e"), default=False)
    person_agreed = models.BooleanField(_("la personne est d'accord"), default=False)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_main", "name"]
        verbose_name = _("aidant·e")

    def __str__(self):
        return self.name


class PortalAccess(PublicModel):
    """Access to the person's space: for the person herself (caregiver empty) or a
    caregiver she authorised. Given through an invitation (accounts); the account is linked
    when the invitation is accepted. Revoking ends it at once."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="portal_accesses")
    caregiver = models.ForeignKey(
        Caregiver, null=True, blank=True, on_delete=models.CASCADE, related_name="portal_accesses"
    )
    invitation = models.ForeignKey(
        "accounts.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="portal_accesses",
    )
    # Offered to an account that already exists: its owner accepts it from her space (a
    # mistyped address must not hand a record to someone else without her doing anything).
    email = models.EmailField(blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["user", "pathway"],
                name="portal_access_active",
                condition=models.Q(revoked_at__isnull=True),
            )
        ]

    def __str__(self):
        return str(self.caregiver or self.pathway.person)


class PersonNote(PublicModel):
    """What the person (or her caregiver) adds from her space: her own goal, a comment, a
    request for change. The referent is told; the circle reads it next to the plan."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="person_notes")
    kind = models.CharField(max_length=10, choices=NoteKind.choices)
    text = models.TextField(_("texte"))
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.get_kind_display()
