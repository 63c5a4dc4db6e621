"""Reads on requests and pathways, always scoped to what the user may see (access.py)."""

import datetime as dt

from django.contrib.postgres.lookups import Unaccent
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.accounts.models import Membership, User
from maillage.core import audit
from maillage.core.dates import years_later
from maillage.core.models import AuditEvent, Outcome
from maillage.core.roles import PORTAL_ROLES, Role
from maillage.pathways import access
from maillage.pathways.enums import (
    CircleRole,
    MeetingState,
    MemberStatus,
    Need,
    ObjectiveStatus,
    PathwayState,
    RequestState,
    StayState,
)
from maillage.pathways.models import (
    Assessment,
    CircleMember,
    HospitalStay,
    Message,
    MessageAttachment,
    Objective,
    Pathway,
    Person,
    PlanAction,
    PortalAccess,
    ScreeningQuestion,
    SupportRequest,
    overdue_actions_q,
)
from maillage.territories.text import normalise_name


def requests_visible_to(user):
    if not user.is_authenticated:
        return SupportRequest.objects.none()
    return SupportRequest.objects.filter(
        Q(requester=user) | Q(platform_id__in=access.coordinated_platform_ids(user))
    )


def request_for(user, public_id):
    """One request, if this user may see it; None otherwise (the view answers 404)."""
    return (
        requests_visible_to(user)
        .select_related(
            "person__commune",
            "requester",
            "requester_organisation",
            "platform",
            "consent_recorded_by",
            "triaged_by",
            "pathway__referent",
        )
        .filter(public_id=public_id)
        .first()
    )


def triage_queue(user):
    """Requests still to sort on this coordinator's platforms: most urgent first, then the
    longest waiting."""
    return (
        SupportRequest.objects.filter(
            platform_id__in=access.coordinated_platform_ids(user), state=RequestState.RECEIVED
        )
        .select_related("person", "requester", "requester_organisation", "pathway")
        .order_by("urgency_rank", "received_at", "pk")
    )


def requests_handled(user, *, name: str = "", state: str = ""):
    """Requests already sorted (or withdrawn) on this coordinator's platforms, the latest
    first: found again, and reopened if closed too early. `name` keeps those whose
    person's name holds each of its words (accents and case aside), `state` one outcome."""
    handled = (
        SupportRequest.objects.filter(platform_id__in=access.coordinated_platform_ids(user))
        .exclude(state=RequestState.RECEIVED)
        .select_related("person", "requester", "triaged_by", "pathway")
        .order_by(F("triaged_at").desc(nulls_last=True), "-received_at", "-pk")
    )
    for word in normalise_name(name).split():
        handled = handled.filter(person__identity_key__contains=word)
    if state:
        handled = handled.filter(state=state)
    return handled


def requests_made_by(user):
    return (
        SupportRequest.objects.filter(requester=user)
        .select_related("person", "platform", "pathway", "requester")
        .order_by("-received_at", "-pk")
    )


def possible_duplicates(support_request) -> list[Person]:
    """Other records of the same person (same name and birth date, accents and case aside)
    that this request's platform already follows: an open pathway or a request to sort."""
    person = support_request.person
    followed = Exists(
        Pathway.objects.filter(
            person=OuterRef("pk"), platform=support_request.platform, state=PathwayState.OPEN
        )
    ) | Exists(
        SupportRequest.objects.filter(
            person=OuterRef("pk"),
            platform=support_request.platform,
            state__in=[RequestState.RECEIVED, RequestState.SUPPORT],
        ).exclude(pk=support_request.pk)
    )
    # Only what this platform holds: another platform's records stay out of sight.
    return list(
        Person.objects.filter(identity_key=person.identity_key)
        .filter(followed)
        .exclude(pk=person.pk)
        .prefetch_related(
            Prefetch(
                "pathways", queryset=Pathway.objects.filter(platform=support_request.platform)
            ),
            Prefetch(
                "requests",
                queryset=SupportRequest.objects.filter(platform=support_request.platform),
            ),
        )
        .order_by("created_at")
    )


def active_member_exists(user):
    return Exists(
        CircleMember.objects.filter(pathway=OuterRef("pk"), user=user, status=MemberStatus.ACTIVE)
    )


def in_circle(user, through: str):
    """A filter on rows that name a pathway by `through` (« pathway »): those whose care
    circle she is in — the referent, or an active member. For other apps' lists of people
    (cooperation's check calls): a name shows only to the person's circle."""
    return Q(**{f"{through}__referent": user}) | Exists(
        CircleMember.objects.filter(
            pathway=OuterRef(through), user=user, status=MemberStatus.ACTIVE
        )
    )


def pathways_visible_to(user):
    """Pathways where the user is an active circle member, or held by a platform where she
    coordinates."""
    if not user.is_authenticated:
        return Pathway.objects.none()
    return Pathway.objects.filter(
        active_member_exists(user) | Q(platform_id__in=access.coordinated_platform_ids(user))
    )


def pathway_for(user, public_id):
    """One pathway, if this user may see it; None otherwise (the view answers 404)."""
    return (
        pathways_visible_to(user)
        .select_related("person__commune", "referent", "platform", "request")
        .filter(public_id=public_id)
        .first()
    )


def circle_gps(pathway_id):
    """The active GPs of a pathway's care circle (memberships, with their accounts): the
    header of its pages, and the physicians regulation lets write a medical part."""
    return CircleMember.objects.filter(
        pathway_id=pathway_id, role=CircleRole.GP, status=MemberStatus.ACTIVE, user__is_active=True
    ).select_related("user")


def circle_gp(pathway_id):
    """The circle's GP (the first one named), if any."""
    return circle_gps(pathway_id).order_by("id").first()


def circle_of(pathway) -> list[CircleMember]:
    return list(
        pathway.members.exclude(status=MemberStatus.LEFT)
        .select_related("user", "organisation")
        .order_by("role", "user__full_name")
    )


def circle_member(pathway, public_id):
    return pathway.members.select_related("user").filter(public_id=public_id).first()


def professional_by_email(email: str):
    """The active account with this address, if any (case does not matter)."""

    return User.objects.filter(email__iexact=email.strip(), is_active=True).first()


def timeline_of(pathway, limit: int = 200):
    return list(pathway.events.select_related("actor")[:limit])


# What the work dashboard's tiles open: the list narrowed to what waits (see `my_pathways`),
# its link's words, and the list's title for her and for her team — whole sentences.
PATHWAY_TODO = {
    "retard": gettext_lazy("Actions en retard"),
    "revision": gettext_lazy("Plan à réviser"),
    "hopital": gettext_lazy("Personne hospitalisée"),
    "messages": gettext_lazy("Messages non lus"),
}
PATHWAY_TODO_TITLES = {
    ("retard", False): gettext_lazy("Parcours que je suis avec des actions en retard"),
    ("retard", True): gettext_lazy("Parcours de mon équipe avec des actions en retard"),
    ("revision", False): gettext_lazy("Parcours que je suis dont le plan est à réviser"),
    ("revision", True): gettext_lazy("Parcours de mon équipe dont le plan est à réviser"),
    ("hopital", False): gettext_lazy("Parcours que je suis dont la personne est hospitalisée"),
    ("hopital", True): gettext_lazy("Parcours de mon équipe dont la personne est hospitalisée"),
    ("messages", False): gettext_lazy("Parcours que je suis avec des messages non lus"),
    ("messages", True): gettext_lazy("Parcours de mon équipe avec des messages non lus"),
}


def followed_by(user, *, team: bool = False):
    """The pathways she follows (referent or active circle member) — with `team`, every
    pathway of the platforms she coordinates — archived ones left out."""
    followed = pathways_visible_to(user)
    if not team:
        followed = followed.filter(Q(referent=user) | active_member_exists(user))
    return followed.exclude(state=PathwayState.ARCHIVED)


def _overdue_exists(today):
    return Exists(
        PlanAction.objects.filter(objective__plan__pathway=OuterRef("pk")).filter(
            overdue_actions_q(today)
        )
    )


def _in_hospital():
    return Exists(HospitalStay.objects.filter(pathway=OuterRef("pk"), state=StayState.IN_HOSPITAL))


def _unread(user):
    """The notebook's messages of the pathway (OuterRef « pk ») that she has not read: she
    reads a notebook as a member of its circle, up to her mark; a coordinator outside the
    circle is no reader of it, and nothing is unread for her."""
    membership = CircleMember.objects.filter(
        pathway=OuterRef(OuterRef("pk")), user=user, status=MemberStatus.ACTIVE
    )
    return (
        Message.objects.filter(pathway=OuterRef("pk"))
        .exclude(created_by=user)
        .filter(Exists(membership))
        .filter(
            created_at__gt=Coalesce(
                Subquery(membership.values("notebook_read_at")[:1]),
                Value(dt.datetime(2000, 1, 1, tzinfo=dt.UTC)),
            )
        )
    )


def _waiting(followed, todo: str, user, today):
    if todo == "retard":
        followed = followed.filter(_overdue_exists(today))
    elif todo == "revision":
        followed = followed.filter(plan__revision_on__lte=today)
    elif todo == "hopital":
        followed = followed.filter(_in_hospital())
    elif todo == "messages":
        followed = followed.filter(Exists(_unread(user)))
    return followed.filter(state=PathwayState.OPEN)  # what waits is worked on: open ones


def pathway_todo_counts(user, today=None, *, team: bool = False) -> dict[str, int]:
    """For the dashboard's tiles, over every pathway she follows (no page limit): the overdue
    actions, the plans to revise, the people in hospital, the unread messages. Four queries."""
    today = today or timezone.localdate()
    followed = followed_by(user, team=team).filter(state=PathwayState.OPEN)
    overdue = PlanAction.objects.filter(objective__plan__pathway__in=followed.values("pk")).filter(
        overdue_actions_q(today)
    )
    messages = (
        followed.annotate(
            n=Coalesce(
                Subquery(
                    _unread(user).order_by().values("pathway").annotate(n=Count("*")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            )
        ).aggregate(total=Sum("n"))["total"]
        or 0
    )
    return {
        "retard": overdue.count(),
        "revision": followed.filter(plan__revision_on__lte=today).count(),
        "hopital": followed.filter(_in_hospital()).count(),
        "messages": messages,
    }


def my_pathways(
    user,
    today=None,
    limit: int = 200,
    *,
    team: bool = False,
    name: str = "",
    todo: str = "",
) -> list:
    """The pathways this user follows (circle member or referent) — with `team`, those of
    the platforms she coordinates — open first then the latest opened, each with its
    number of overdue actions, whether its plan is due for revision, the notebook's
    messages she has not read yet and whether the person is in hospital. Archived pathways
    are no longer worked on: they are left out. `name` keeps those whose person's name
    holds each of its words; `todo` (a key of PATHWAY_TODO) those where that waits —
    chosen before the limit, so that a referent of thousands finds every one of them.

    Two steps: the page's pathways are chosen first (a referent may hold thousands), then
    the counts are computed for those only — three queries whatever the numbers."""

    today = today or timezone.localdate()
    followed = followed_by(user, team=team)
    for word in normalise_name(name).split():  # « moreau lucie », accents and case aside
        followed = followed.filter(person__identity_key__contains=word)
    if todo:
        followed = _waiting(followed, todo, user, today)
    ids = list(
        followed.order_by(
            Case(When(state=PathwayState.OPEN, then=0), default=1), "-opened_at", "-id"
        ).values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return []
    unread = _unread(user).order_by().values("pathway").annotate(n=Count("*")).values("n")
    rows = (
        Pathway.objects.filter(pk__in=ids)
        .annotate(
            overdue=Count(
                "plan__objectives__actions",
                filter=overdue_actions_q(today, "plan__objectives__actions__"),
            ),
            revision_due=Case(When(plan__revision_on__lte=today, then=True), default=False),
            new_messages=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
            in_hospital=Exists(
                HospitalStay.objects.filter(pathway=OuterRef("pk"), state=StayState.IN_HOSPITAL)
            ),
        )
        .select_related("person", "referent")
    )
    by_id = {p.pk: p for p in rows}
    return [by_id[i] for i in ids if i in by_id]


def practising_gps_named(words, kinds) -> list:
    """Active accounts practising in a GP's place (`kinds` of organisation) whose name holds
    every one of `words` (accents and case aside), each with that organisation as
    `practice`: the few the GP named in a request may be."""
    memberships = (
        Membership.objects.filter(
            is_active=True,
            organisation__kind__in=kinds,
            user__is_active=True,
        )
        .select_related("user", "organisation")
        .annotate(bare=Unaccent(Lower("user__full_name")))
    )
    for word in words:
        memberships = memberships.filter(bare__contains=word)
    people = {}
    for membership in memberships.order_by("user_id", "pk")[:50]:
        membership.user.practice = membership.organisation
        people.setdefault(membership.user_id, membership.user)
    return list(people.values())


def coordinators_of(platform) -> list:
    """The active coordinators of a platform: who may be named referent."""

    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation=platform,
            memberships__role=Role.COORDINATOR,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("full_name")
    )


def platform_coordinator(platform, public_id):
    """The platform's active coordinator with this public id, if any."""
    return next((u for u in coordinators_of(platform) if str(u.public_id) == str(public_id)), None)


def screening_questions() -> list[ScreeningQuestion]:
    return list(ScreeningQuestion.objects.filter(is_active=True))


def assessments_of(pathway, limit: int = 12):
    """The pathway's assessments, newest first, with their domains (a fixed number of
    queries whatever their number)."""
    return list(pathway.assessments.select_related("assessor").prefetch_related("domains")[:limit])


def assessment_table(assessments) -> list:
    """Rows (domain label, one domain assessment or None per assessment) to read the
    assessments side by side."""

    rows = []
    for value, label in Need.choices:
        cells = []
        for assessment in assessments:
            by_domain = {d.domain: d for d in assessment.domains.all()}
            cells.append(by_domain.get(value))
        rows.append((label, cells))
    return rows


def plan_versions(plan, limit: int = 5) -> list:
    """The plan's recent versions with their validations (two queries)."""
    return list(plan.versions.prefetch_related("validations")[:limit])


def plan_action(plan, public_id):

    return (
        PlanAction.objects.filter(objective__plan=plan, public_id=public_id)
        .select_related("objective__plan")
        .first()
    )


# --- follow-up --------------------------------------------------------------------------------


def notebook_of(pathway, limit: int = 100) -> list:
    """The notebook's latest messages, newest first, with authors and documents."""
    return list(
        pathway.messages.select_related("created_by").prefetch_related("attachments")[:limit]
    )


def message_attachment(pathway, public_id):

    return (
        MessageAttachment.objects.filter(
            message__pathway=pathway, public_id=public_id, removed_at__isnull=True
        )
        .select_related("message__pathway")
        .first()
    )


def stays_of(pathway) -> list:
    """The hospital stays, current first, with their discharge checklists."""
    return list(pathway.stays.prefetch_related("checklist__done_by"))


def stay_for(pathway, public_id):
    return pathway.stays.filter(public_id=public_id).select_related("pathway").first()


def meetings_of(pathway) -> list:
    """Meetings to come first (soonest first), then past ones (latest first)."""
    return list(
        pathway.meetings.select_related("organiser", "pathway")
        .prefetch_related("attendees__user", "decisions__plan_action")
        .order_by(Case(When(state=MeetingState.PLANNED, then=0), default=1), "-starts_at")
    )


def meeting_for(pathway, public_id):
    return (
        pathway.meetings.filter(public_id=public_id)
        .select_related("pathway", "organiser")
        .prefetch_related("attendees__user", "decisions__plan_action")
        .first()
    )


def agenda_from_plan(pathway, today=None) -> str:
    """A first agenda drawn from the plan: the objectives in progress, the late actions,
    the revision if due."""

    today = today or timezone.localdate()
    lines = [_("1. Tour de table : la situation de la personne, ce qui a changé")]
    objectives = list(
        Objective.objects.filter(plan__pathway=pathway, status=ObjectiveStatus.OPEN).order_by(
            "created_at"
        )
    )
    if objectives:
        lines.append(_("2. Objectifs en cours :"))
        lines += [f"   - {o.text}" for o in objectives]
    late = list(
        PlanAction.objects.overdue(today)
        .filter(objective__plan__pathway=pathway)
        .order_by("due_on")
    )
    if late:
        lines.append(_("3. Actions en retard :"))
        lines += [f"   - {a.text} ({a.due_on:%d/%m/%Y})" for a in late]
    lines.append(_("4. Décisions et prochaines étapes"))
    return "\n".join(lines)


def plan_orientations_seen_by(user):
    """The ids of the orientations sent from the plans of the pathways this user sees (the
    circle reads them; it does not answer them)."""

    return PlanAction.objects.filter(
        orientation__isnull=False, objective__plan__pathway__in=pathways_visible_to(user)
    ).values("orientation_id")


# --- caregivers and the person's space --------------------------------------------------------


def caregivers_of(pathway) -> list:
    return list(pathway.caregivers.filter(removed_at__isnull=True))


def circle_invitations_of(pathway) -> list:
    """Professionals invited into the circle who have not joined yet (the invitation still
    open), for those who manage it."""
    return list(
        pathway.circle_invitations.filter(
            joined_at__isnull=True,
            invitation__accepted_at__isnull=True,
            invitation__revoked_at__isnull=True,
            invitation__expires_at__gt=timezone.now(),
        )
        .select_related("invitation")
        .order_by("created_at")
    )


def portal_accesses_of(pathway) -> list:
    return list(
        pathway.portal_accesses.filter(revoked_at__isnull=True).select_related(
            "caregiver", "invitation", "user"
        )
    )


def portal_users(pathway) -> set[int]:
    """The accounts (ids) of the person and her caregivers with an open space."""
    return set(
        pathway.portal_accesses.filter(revoked_at__isnull=True, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )


def portal_access_of(pathway, public_id):
    """One open access to the pathway's space, by its public id."""
    return (
        pathway.portal_accesses.filter(public_id=public_id, revoked_at__isnull=True)
        .select_related("caregiver", "invitation", "user")
        .first()
    )


def portal_pathways(user):
    """The pathways whose space this user may open: her own, or a person's who authorised
    her as caregiver. Archived pathways are left out."""
    if not user.is_authenticated:
        return Pathway.objects.none()

    return (
        Pathway.objects.filter(
            Exists(
                PortalAccess.objects.filter(
                    pathway=OuterRef("pk"), user=user, revoked_at__isnull=True
                )
            ),
            # Her portal role on the platform that holds the pathway: taking the role away
            # (accounts) closes the space as surely as closing the access.
            platform_id__in=portal_platform_ids(user),
        )
        .exclude(state=PathwayState.ARCHIVED)
        .select_related("person", "referent", "platform")
        .order_by(Case(When(state=PathwayState.OPEN, then=0), default=1), "-opened_at")
    )


def portal_platform_ids(user) -> list[int]:

    return [m.organisation_id for m in user.active_memberships() if m.role in PORTAL_ROLES]


def portal_offers(user) -> list:
    """Spaces offered to this existing account, waiting for her to accept them."""

    if not user.is_authenticated:
        return []
    return list(
        PortalAccess.objects.filter(
            user__isnull=True,
            revoked_at__isnull=True,
            invitation__isnull=True,
            email__iexact=user.email,
            pathway__platform_id__in=portal_platform_ids(user),
        )
        .exclude(email="")
        .select_related("pathway__platform")
    )


def portal_pathway(user, public_id):
    return portal_pathways(user).filter(public_id=public_id).first()


def current_stay(pathway):
    """Her hospital stay in progress, if any."""
    return (
        HospitalStay.objects.filter(pathway=pathway, state=StayState.IN_HOSPITAL)
        .order_by("-admitted_on")
        .first()
    )


def upcoming_meetings(pathway, now=None) -> list:

    now = now or timezone.now()
    return list(
        pathway.meetings.filter(state=MeetingState.PLANNED, starts_at__gte=now).order_by(
            "starts_at"
        )[:10]
    )


def record_object_ids(pathway) -> list[str]:
    """The public ids under which the audit trail names this person's record: the pathway,
    the person, her request, plan, assessments, meetings, messages, stays and orientations."""

    ids = [pathway.public_id, pathway.person.public_id]
    if pathway.request_id:
        ids.append(pathway.request.public_id)
    ids += pathway.assessments.values_list("public_id", flat=True)
    ids += pathway.meetings.values_list("public_id", flat=True)
    ids += pathway.messages.values_list("public_id", flat=True)
    ids += pathway.stays.values_list("public_id", flat=True)
    ids += pathway.person_notes.values_list("public_id", flat=True)
    plan = getattr(pathway, "plan", None)
    if plan is not None:
        ids.append(plan.public_id)
        ids += PlanAction.objects.filter(
            objective__plan=plan, orientation__isnull=False
        ).values_list("orientation__public_id", flat=True)
    return [str(i) for i in ids]


def record_accesses(pathway, limit: int = 300) -> list[dict]:
    """Who accessed the person's record, newest first: when, who (name, role,
    organisation), what, and whether it was refused. Two queries for the names."""

    events = list(
        AuditEvent.objects.filter(object_id__in=record_object_ids(pathway)).order_by("-id")[:limit]
    )
    # The same reading as the platform's audit log (core.audit.readable).
    return [
        {
            "at": row["event"].occurred_at,
            "who": row["who"],
            "actor_id": row["event"].actor_id,
            "role": row["role"] if row["event"].actor_role in Role.values else "",
            "organisation": row["organisation"],
            "action": row["event"].action,
            "what": row["what"],
            "denied": row["event"].outcome == Outcome.DENIED,
        }
        for row in audit.readable(events)
    ]


def crisis_candidates(
    platform,
    commune_codes,
    *,
    match: str = "any",
    lives_alone: bool = False,
    gir_max: int | None = None,
    min_age: int | None = None,
    fragility: bool = False,
    today=None,
) -> list[Pathway]:
    """The open pathways of a platform whose person lives in these communes and matches the
    risk criteria chosen (from her latest assessment: living alone, GIR 1 to `gir_max`, a
    fragility declared for crises; from her birth date: `min_age` and over) — all of them
    (`match="all"`) or one at least. Each with `referent_member_id`, the circle member who
    will call by default. One query."""
    today = today or timezone.localdate()
    latest = Assessment.objects.filter(pathway=OuterRef("pk")).order_by("-assessed_on", "-id")
    found = Pathway.objects.filter(
        platform=platform, state=PathwayState.OPEN, person__commune_id__in=list(commune_codes)
    ).annotate(
        last_gir=Subquery(latest.values("gir")[:1]),
        last_alone=Subquery(latest.values("lives_alone")[:1]),
        last_fragility=Subquery(latest.values("declared_fragility")[:1]),
        referent_member_id=Subquery(
            CircleMember.objects.filter(
                pathway=OuterRef("pk"),
                user=OuterRef("referent"),
                status=MemberStatus.ACTIVE,
            ).values("pk")[:1]
        ),
    )
    criteria = []
    if lives_alone:
        criteria.append(Q(last_alone=True))
    if gir_max:
        criteria.append(Q(last_gir__gte=1, last_gir__lte=gir_max))
    if min_age:
        born_by = years_later(today, -min_age)
        criteria.append(Q(person__birth_date__lte=born_by))
    if fragility:
        criteria.append(Q(last_fragility=True))
    if not criteria:
        return []
    combined = criteria[0]
    for more in criteria[1:]:
        combined = combined & more if match == "all" else combined | more
    return list(found.filter(combined).select_related("person").order_by("pk"))
