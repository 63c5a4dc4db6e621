"""Reads of regulation: scoped querysets for pages and API, and the bridge from the tables
to the engine (the households, the free places as classes, the rules in force)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from maillage.accounts.models import Membership, Organisation
from maillage.core.roles import Capability, roles_with
from maillage.directory.models import Structure
from maillage.pathways.enums import CircleRole, MemberStatus
from maillage.pathways.models import CircleMember
from maillage.pathways.queries import circle_gp, portal_pathways
from maillage.regulation import access, eligibility, matching, priority
from maillage.regulation.enums import (
    EMERGENCY_KINDS,
    KIND_BITS,
    OPEN_REQUEST_STATES,
    ApplicationState,
    Level,
    MemberRole,
    Mode,
    PlaceRequestState,
    PolicyState,
    ProposalState,
    Tier,
    VacancyState,
)
from maillage.regulation.models import (
    Application,
    CommissionSession,
    MatchRun,
    MedicalPart,
    Member,
    PlaceRequest,
    PriorityPolicy,
    Programme,
    Proposal,
    Refusal,
    Requirement,
    Unit,
    Vacancy,
    requirement_rule,
    unit_rules,
)


def regulators():
    """The organisations that regulate places (a SIAO): those where someone holds a role
    granting regulation."""
    holders = Membership.objects.filter(
        is_active=True, role__in=roles_with(Capability.REGULATE_PLACES)
    ).values("organisation")
    return Organisation.objects.filter(is_active=True, pk__in=holders).order_by("name")


def regulator_by_public_id(public_id):
    return regulators().filter(public_id=public_id).first()


# -- supply ---------------------------------------------------------------------------------


def programmes_managed_by(user):
    """The programmes of the user's structures, and those her SIAO regulates."""
    return Programme.objects.filter(
        Q(structure__organisation_id__in=access.receiving(user))
        | Q(regulator_id__in=access.regulating(user))
    ).select_related("structure", "commune", "regulator")


def programme_for(user, public_id):
    return (
        programmes_managed_by(user)
        .prefetch_related(
            Prefetch("units", queryset=Unit.objects.prefetch_related("requirements")),
            "requirements",
            "structure__place_requirements",
        )
        .filter(public_id=public_id)
        .first()
    )


def programme_for_output(pk: int):
    return (
        Programme.objects.select_related("structure", "commune", "regulator")
        .prefetch_related(
            Prefetch("units", queryset=Unit.objects.prefetch_related("requirements")),
            "requirements",
        )
        .get(pk=pk)
    )


def live_vacancies_of(programme) -> dict[int, Vacancy]:
    """Each unit's vacancy in progress (open or proposed), by unit id."""
    return {
        v.unit_id: v
        for v in Vacancy.objects.filter(
            unit__programme=programme, state__in=[VacancyState.OPEN, VacancyState.PROPOSED]
        )
    }


def vacancy_history(programme, limit: int = 50) -> list:
    return list(
        Vacancy.objects.filter(unit__programme=programme)
        .select_related("unit")
        .order_by("-created_at")[:limit]
    )


def structures_for_new_programme(user) -> list:
    """The structures a programme may be attached to: the user's own, and, for a SIAO, every
    structure already carrying a programme it regulates."""
    return list(
        Structure.objects.filter(
            Q(organisation_id__in=access.receiving(user))
            | Q(programmes__regulator_id__in=access.regulating(user))
        )
        .distinct()
        .order_by("name")[:500]
    )


def structure_for_programme(user, public_id):
    """A structure the user may attach a programme to: her own, or any directory structure
    for a regulator (the SIAO builds the inventory of the territory)."""
    found = Structure.objects.filter(public_id=public_id).first()
    if found is None or not access.can_create_programme(user, found):
        return None
    return found


def unit_of(programme, public_id):
    return programme.units.filter(public_id=public_id).first()


def vacancy_of(programme, public_id):
    return (
        Vacancy.objects.filter(unit__programme=programme, public_id=public_id)
        .select_related("unit__programme__structure")
        .first()
    )


def regulated_vacancy(regulator_id, public_id):
    return (
        Vacancy.objects.filter(unit__programme__regulator_id=regulator_id, public_id=public_id)
        .select_related("unit__programme__structure", "unit__programme__commune")
        .prefetch_related(
            "unit__requirements",
            "unit__programme__requirements",
            "unit__programme__structure__place_requirements",
        )
        .first()
    )


def tonight_places(regulators: list[int], today: dt.date) -> list[Vacancy]:
    """Tonight's free emergency places, at a glance."""
    return list(
        Vacancy.objects.filter(
            state=VacancyState.OPEN,
            available_from__lte=today,
            unit__programme__regulator_id__in=regulators,
            unit__programme__kind__in=list(EMERGENCY_KINDS),
            unit__programme__active=True,
        )
        .select_related("unit__programme__structure", "unit__programme__commune")
        .prefetch_related(
            "unit__requirements",
            "unit__programme__requirements",
            "unit__programme__structure__place_requirements",
        )
        .order_by("unit__programme__commune__name", "unit__programme__name", "unit__label")
    )


def open_vacancies(regulators: list[int]) -> list[Vacancy]:
    return list(
        Vacancy.objects.filter(
            state__in=[VacancyState.OPEN, VacancyState.PROPOSED],
            unit__programme__regulator_id__in=regulators,
        )
        .select_related("unit__programme__structure", "unit__programme__commune")
        .order_by("answer_due_on", "id")
    )


def regulator_counts(regulators: list[int], today: dt.date) -> dict:
    """What waits for the SIAO, as counts: each links to its list."""
    requests = PlaceRequest.objects.filter(regulator_id__in=regulators)
    vacancies = Vacancy.objects.filter(unit__programme__regulator_id__in=regulators)
    proposals = Proposal.objects.filter(request__regulator_id__in=regulators)
    return {
        "to_check": requests.filter(state=PlaceRequestState.SENT).count(),
        "waiting": requests.filter(state=PlaceRequestState.WAITING).count(),
        "suspended": requests.filter(state=PlaceRequestState.SUSPENDED).count(),
        "drafts": proposals.filter(state=ProposalState.DRAFT).count(),
        "awaiting_answer": proposals.filter(
            state__in=[ProposalState.SENT, ProposalState.STRUCTURE_ACCEPTED]
        ).count(),
        "stalled": proposals.filter(
            state__in=[ProposalState.SENT, ProposalState.STRUCTURE_ACCEPTED], expires_on__lt=today
        ).count(),
        "open_vacancies": vacancies.filter(state=VacancyState.OPEN).count(),
        "overdue_vacancies": vacancies.filter(
            state=VacancyState.OPEN, answer_due_on__lt=today
        ).count(),
    }


# -- demand ---------------------------------------------------------------------------------


def requests_visible_to(user):
    """Requests the user may see: her own as prescriber, her SIAO's, emergency requests for
    a 115 operator, those proposed or applied to her structure, those on the agenda of her
    commission, those sent from a pathway whose care circle she belongs to as referent or
    GP, and the dossiers whose medical part she was named to write."""
    if not user.is_authenticated:
        return PlaceRequest.objects.none()
    receiving = access.receiving(user)
    proposed = Proposal.objects.filter(
        request=OuterRef("pk"), vacancy__unit__programme__structure__organisation_id__in=receiving
    ).exclude(state__in=[ProposalState.DRAFT, ProposalState.APPROVED])
    applied = Application.objects.filter(
        request=OuterRef("pk"), programme__structure__organisation_id__in=receiving
    )
    on_agenda = Proposal.objects.filter(request=OuterRef("pk"), session__members=user)
    # From the person's care circle, her referent and her GP follow the request once it is
    # sent; the rest of the circle (home help, peer worker…) does not read her evaluation.
    circles = CircleMember.objects.filter(
        user=user, status=MemberStatus.ACTIVE, role__in=[CircleRole.REFERENT, CircleRole.GP]
    ).values("pathway_id")
    return PlaceRequest.objects.filter(
        Q(prescriber=user)
        | (Q(regulator_id__in=access.regulating(user)) & ~Q(state=PlaceRequestState.DRAFT))
        | Q(emergency=True, regulator_id__in=access.answering_calls(user))
        | (Q(pathway_id__in=circles) & ~Q(state=PlaceRequestState.DRAFT))
        | Q(medical__physician=user)
        | Exists(proposed)
        | Exists(applied)
        | Exists(on_agenda)
    )


def request_for(user, public_id):
    return (
        requests_visible_to(user)
        .select_related("regulator", "prescriber", "prescriber_organisation", "pathway__person")
        .prefetch_related("members")
        .filter(public_id=public_id)
        .first()
    )


def requests_listed(user, state: str = "", *, mine: bool = False, limit: int = 200) -> list:
    found = requests_visible_to(user)
    if mine:
        found = found.filter(prescriber=user)
    if state:
        found = found.filter(state=state)
    return list(
        found.select_related("regulator")
        .prefetch_related(
            Prefetch("members", queryset=Member.objects.filter(role=MemberRole.APPLICANT))
        )
        .order_by("-updated_at", "-id")[:limit]
    )


def requests_for_api(user, state: str = "", limit: int = 200) -> list:
    found = requests_visible_to(user)
    if state:
        found = found.filter(state=state)
    return list(
        found.select_related("regulator", "pathway")
        .prefetch_related("members")
        .order_by("-updated_at", "-id")[:limit]
    )


def commission_candidates(regulator_id: int) -> list:
    """Who may sit in the SIAO's commission: its own team and the teams of the structures
    whose places it regulates."""
    User = get_user_model()
    structures = Programme.objects.filter(regulator_id=regulator_id).values(
        "structure__organisation_id"
    )
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role__in=roles_with(Capability.REGULATE_PLACES)
            | roles_with(Capability.ANSWER_PLACE_PROPOSALS),
        )
        .filter(
            Q(memberships__organisation_id=regulator_id)
            | Q(memberships__organisation_id__in=structures)
        )
        .distinct()
        .order_by("full_name")[:200]
    )


def events_of(place_request) -> list:
    return list(place_request.events.select_related("actor").order_by("at", "id"))


def proposals_of(place_request) -> list:
    return list(
        place_request.proposals.select_related(
            "vacancy__unit__programme__structure", "vacancy__unit__programme__commune", "session"
        ).order_by("-created_at")
    )


def documents_of(place_request) -> list:
    return list(
        place_request.documents.filter(removed_at__isnull=True).order_by("created_at", "id")
    )


def document_of(place_request, public_id):
    return place_request.documents.filter(public_id=public_id, removed_at__isnull=True).first()


def applications_of(place_request) -> list:
    return list(
        place_request.applications.select_related("programme__structure", "programme__commune")
    )


def physician_of(place_request):
    """The physician named to write the medical part, if any."""
    return (
        get_user_model()
        .objects.filter(
            pk__in=MedicalPart.objects.filter(request=place_request).values("physician")
        )
        .first()
    )


def circle_gp_email(place_request) -> str:
    """The e-mail of the GP in the care circle of the request's pathway, offered as the
    physician to name."""
    member = circle_gp(place_request.pathway_id) if place_request.pathway_id else None
    return member.user.email if member else ""


def medical_of(place_request):
    return getattr(place_request, "medical", None)


def programmes_for_applications(place_request, public_ids) -> list:
    """The establishments' programmes a dossier may be sent to: active, of a kind the
    request is for."""
    return list(
        Programme.objects.filter(
            public_id__in=list(public_ids),
            active=True,
            kind__in=place_request.recommended_kinds,
        ).select_related("structure")
    )


def application_targets(place_request, limit: int = 200) -> list:
    return list(
        Programme.objects.filter(active=True, kind__in=place_request.recommended_kinds)
        .select_related("structure", "commune")
        .order_by("commune__name", "name")[:limit]
    )


def receivers_of_programme(programme) -> list:
    """The team of the structure that answers for this programme."""
    organisation = programme.structure.organisation_id
    if organisation is None:
        return []
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation,
            memberships__is_active=True,
            memberships__role__in=roles_with(Capability.ANSWER_PLACE_PROPOSALS),
        ).distinct()
    )


def regulator_team(regulator_id: int) -> list:
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=regulator_id,
            memberships__is_active=True,
            memberships__role__in=roles_with(Capability.REGULATE_PLACES),
        ).distinct()
    )


def possible_duplicates(place_request) -> list:
    if not place_request.identity_key:
        return []
    return list(
        PlaceRequest.objects.filter(
            identity_key=place_request.identity_key,
            state__in=list(OPEN_REQUEST_STATES),
            regulator_id=place_request.regulator_id,  # a link the regulator can follow
        )
        .exclude(pk=place_request.pk)
        .values_list("public_id", flat=True)[:10]
    )


def policy_in_force(regulator_id: int):
    return PriorityPolicy.objects.filter(
        regulator_id=regulator_id, state=PolicyState.PUBLISHED
    ).first()


def policies_of(regulators: list[int]) -> list:
    return list(
        PriorityPolicy.objects.filter(regulator_id__in=regulators)
        .select_related("regulator", "published_by")
        .order_by("regulator__name", "-number")
    )


def policy_for(user, public_id):
    return (
        PriorityPolicy.objects.filter(regulator_id__in=access.regulating(user), public_id=public_id)
        .select_related("regulator")
        .first()
    )


def policy_of(record) -> priority.Policy:
    return priority.Policy.from_data(record.data) if record is not None else priority.DEFAULT_POLICY


def proposals_visible_to(user):
    receiving = access.receiving(user)
    return Proposal.objects.filter(
        Q(request__regulator_id__in=access.regulating(user))
        | (
            Q(vacancy__unit__programme__structure__organisation_id__in=receiving)
            & ~Q(state__in=[ProposalState.DRAFT, ProposalState.APPROVED])
        )
        | Q(request__prescriber=user)
        | Q(session__members=user)
    )


def proposal_for(user, public_id):
    return (
        proposals_visible_to(user)
        .select_related(
            "request__regulator",
            "request__prescriber",
            "vacancy__unit__programme__structure",
            "vacancy__unit__programme__commune",
            "session",
            "run",
        )
        .filter(public_id=public_id)
        .distinct()
        .first()
    )


def proposals_received(user) -> list:
    """The proposals sent to the user's structures and waiting for their answer."""
    return list(
        Proposal.objects.filter(
            vacancy__unit__programme__structure__organisation_id__in=access.receiving(user),
            state__in=[ProposalState.SENT, ProposalState.STRUCTURE_ACCEPTED],
        )
        .select_related("vacancy__unit__programme__structure", "request")
        .order_by("expires_on", "id")
    )


def applications_received(user) -> list:
    return list(
        Application.objects.filter(
            programme__structure__organisation_id__in=access.receiving(user),
            state__in=[ApplicationState.SENT, ApplicationState.WAITLISTED],
        )
        .select_related("programme__structure", "request")
        .order_by("created_at", "id")
    )


def application_for(user, public_id):
    return (
        Application.objects.filter(
            Q(programme__structure__organisation_id__in=access.receiving(user))
            | Q(request__prescriber=user),
            public_id=public_id,
        )
        .select_related("programme__structure", "request__prescriber")
        .first()
    )


def sessions_of(regulators: list[int], user) -> list:
    return list(
        CommissionSession.objects.filter(Q(regulator_id__in=regulators) | Q(members=user))
        .distinct()
        .annotate(items=Count("proposals"))
        .order_by("-held_on", "-id")[:100]
    )


def session_for(user, public_id):
    return (
        CommissionSession.objects.filter(
            Q(regulator_id__in=access.regulating(user)) | Q(members=user), public_id=public_id
        )
        .distinct()
        .select_related("regulator")
        .prefetch_related("members")
        .first()
    )


def agenda_of(session) -> list:
    return list(
        session.proposals.select_related(
            "request", "vacancy__unit__programme__structure", "vacancy__unit__programme__commune"
        ).order_by("-weight", "id")
    )


def planned_sessions(regulator_id: int) -> list:
    return list(
        CommissionSession.objects.filter(
            regulator_id=regulator_id, state="planned", held_on__gte=timezone.localdate()
        ).order_by("held_on")
    )


def proposals_of_run(run) -> list:
    return list(
        run.proposals.select_related(
            "request", "vacancy__unit__programme__structure", "vacancy__unit__programme__commune"
        ).order_by("-weight", "id")
    )


def runs_of(regulators: list[int], limit: int = 10) -> list:
    return list(
        MatchRun.objects.filter(regulator_id__in=regulators)
        .select_related("policy")
        .order_by("-created_at")[:limit]
    )


def run_for(user, public_id):
    return (
        MatchRun.objects.filter(regulator_id__in=access.regulating(user), public_id=public_id)
        .select_related("policy", "regulator")
        .first()
    )


# -- from the tables to the engine ------------------------------------------------------------


def household_of(place_request, members, today: dt.date) -> eligibility.Household:
    """What eligibility reads of a request: counts and flags from its members and its
    evaluation."""
    adults, children, sexes, applicant_age, couple = 0, 0, set(), None, False
    for member in members:
        age = age_on(member.birth_date, today)
        is_child = member.role == MemberRole.CHILD or (age is not None and age < 18)
        if is_child:
            children += 1
        else:
            adults += 1
            sexes.add(member.sex)
        if member.role == MemberRole.PARTNER:
            couple = True
        if member.role == MemberRole.APPLICANT:
            applicant_age = age
    return eligibility.Household(
        household_size=len(members),
        adults=adults,
        children=children,
        adult_sexes=frozenset(sexes),
        applicant_age=applicant_age,
        couple=couple,
        pets=place_request.pets,
        reduced_mobility=place_request.reduced_mobility,
        gir=place_request.gir,
        resources=has_resources(place_request.resources, today),
        support_needed=place_request.support_needed,
    )


def has_resources(resources: list, today: dt.date) -> bool:
    for resource in resources or ():
        if resource.get("kind") in ("none", None):
            continue
        ends = resource.get("ends_on")
        if not ends or dt.date.fromisoformat(ends) >= today:
            return True
    return False


def age_on(birth: dt.date | None, today: dt.date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def standing_of(place_request, today: dt.date) -> priority.Standing:
    return priority.Standing(
        dalo=place_request.dalo,
        urgency=place_request.urgency,
        waiting_days=max(0, (today - place_request.first_requested_on).days),
        vulnerabilities=len(place_request.vulnerabilities),
        refusals=place_request.person_refusals,
    )


def kinds_mask(place_request) -> int:
    """The kinds recommended for the household, narrowed to those she accepts."""
    kinds = set(place_request.recommended_kinds)
    if place_request.preferred_kinds:
        kinds &= set(place_request.preferred_kinds)
    return sum(KIND_BITS[k] for k in kinds if k in KIND_BITS)


def rules_of_unit(unit, programme, structure_rules) -> tuple[eligibility.Rule, ...]:
    return eligibility.effective_rules(
        [
            (Level.STRUCTURE, structure_rules),
            (Level.PROGRAMME, [r.rule() for r in programme.requirements.all()]),
            (Level.UNIT, unit.own_rules() + [r.rule() for r in unit.requirements.all()]),
        ]
    )


@dataclass
class Board:
    """Everything a match run reads, from the tables, in a fixed number of queries."""

    requests: list  # PlaceRequest, row i of the demand
    demand: matching.Demand
    classes: list[matching.PlaceClass]  # units are Vacancy objects
    policy: priority.Policy
    today: dt.date


@dataclass(frozen=True)
class MemberFacts:
    role: str
    birth_date: dt.date | None
    sex: str


@dataclass
class RequestFacts:
    """What matching reads of a waiting request: no name, no free text (a board of 20,000
    requests is read as plain values, not as records)."""

    pk: int
    public_id: object
    first_requested_on: dt.date
    dalo: bool
    urgency: int
    vulnerabilities: list
    person_refusals: int
    recommended_kinds: list
    preferred_kinds: list
    preferred_communes: list
    pets: bool
    reduced_mobility: bool
    support_needed: bool
    gir: int | None
    resources: list
    members: list

    FIELDS = (
        "pk",
        "public_id",
        "first_requested_on",
        "dalo",
        "urgency",
        "vulnerabilities",
        "person_refusals",
        "recommended_kinds",
        "preferred_kinds",
        "preferred_communes",
        "pets",
        "reduced_mobility",
        "support_needed",
        "gir",
        "resources",
    )


def waiting_requests(regulator_id: int) -> list[RequestFacts]:
    """The SIAO's waiting requests, in a stable order (first request, then id), with their
    members: two queries."""
    found = [
        RequestFacts(*values, members=[])
        for values in PlaceRequest.objects.filter(
            regulator_id=regulator_id,
            state=PlaceRequestState.WAITING,
            mode=Mode.CENTRALISED,
            emergency=False,  # the 115's calls are answered tonight, not queued
        )
        .order_by("first_requested_on", "id")
        .values_list(*RequestFacts.FIELDS)
    ]
    by_pk = {r.pk: r for r in found}
    for request_id, role, birth_date, sex in (
        Member.objects.filter(
            request__regulator_id=regulator_id,
            request__state=PlaceRequestState.WAITING,
            request__mode=Mode.CENTRALISED,
            request__emergency=False,
        )
        .order_by("request_id", "position", "id")
        .values_list("request_id", "role", "birth_date", "sex")
    ):
        if request_id in by_pk:  # one that changed state between the two reads is not here
            by_pk[request_id].members.append(MemberFacts(role, birth_date, sex))
    return found


def board_for(regulator_id: int, policy: priority.Policy, today: dt.date | None = None) -> Board:
    """The SIAO's waiting requests and free places, as the engine reads them."""
    today = today or timezone.localdate()
    requests = waiting_requests(regulator_id)
    households = [household_of(r, r.members, today) for r in requests]
    standings = [standing_of(r, today) for r in requests]
    table = priority.StandingTable.of(standings)
    demand = matching.Demand(
        households=eligibility.HouseholdTable.of(households),
        kinds=np.fromiter((kinds_mask(r) for r in requests), np.int64, len(requests)),
        communes=[frozenset(r.preferred_communes) or None for r in requests],
        priority=priority.scores(policy, table),
        waiting_days=table.waiting_days,
    )
    return Board(requests, demand, free_classes(regulator_id, requests, today), policy, today)


def free_classes(regulator_id: int, requests: list, today: dt.date, horizon_days: int = 30):
    """The free places regulated by this SIAO, grouped: units alike (same programme, size,
    accessibility, rules, refused by no one) form one class with a capacity; a class's
    units are vacancy ids. Read as plain values, in four queries."""
    vacancies = list(
        Vacancy.objects.filter(
            state=VacancyState.OPEN,
            available_from__lte=today + dt.timedelta(days=horizon_days),
            unit__active=True,
            unit__programme__active=True,
            unit__programme__regulator_id=regulator_id,
        )
        .exclude(unit__programme__kind__in=list(EMERGENCY_KINDS))
        .order_by("available_from", "id")
        .values_list(
            "pk",
            "unit_id",
            "unit__persons",
            "unit__accessible",
            "unit__programme_id",
            "unit__programme__kind",
            "unit__programme__commune_id",
            "unit__programme__structure__commune_id",
            "unit__programme__structure_id",
        )
    )
    rules: dict[tuple, list] = defaultdict(list)  # (level, id) → the rules set there
    for programme_id, unit_id, structure_id, criterion, operator, number, values in (
        Requirement.objects.filter(
            Q(programme__regulator_id=regulator_id)
            | Q(unit__programme__regulator_id=regulator_id)
            | Q(structure__programmes__regulator_id=regulator_id)
        )
        .distinct()
        .values_list(
            "programme_id", "unit_id", "structure_id", "criterion", "operator", "number", "values"
        )
    ):
        level = (
            ("unit", unit_id)
            if unit_id
            else ("programme", programme_id)
            if programme_id
            else ("structure", structure_id)
        )
        rules[level].append(requirement_rule(criterion, operator, number, values, level[0]))
    row_of = {r.pk: i for i, r in enumerate(requests)}
    refused: dict[int, set[int]] = defaultdict(set)
    for request_id, unit_id in Refusal.objects.filter(
        unit__programme__regulator_id=regulator_id,
        request__regulator_id=regulator_id,
        request__state=PlaceRequestState.WAITING,
    ).values_list("request_id", "unit_id"):
        if request_id in row_of:
            refused[unit_id].add(row_of[request_id])
    grouped: dict[tuple, matching.PlaceClass] = {}
    in_force: dict[tuple, tuple] = {}  # the same place rules are evaluated once
    for (
        pk,
        unit_id,
        persons,
        accessible,
        programme_id,
        kind,
        commune,
        structure_commune,
        structure_id,
    ) in vacancies:
        own = ("unit", unit_id) in rules
        key_rules = (programme_id, persons, accessible, unit_id if own else None)
        place_rules = in_force.get(key_rules)
        if place_rules is None:
            place_rules = in_force[key_rules] = eligibility.effective_rules(
                [
                    (Level.STRUCTURE, rules.get(("structure", structure_id), ())),
                    (Level.PROGRAMME, rules.get(("programme", programme_id), ())),
                    (
                        Level.UNIT,
                        unit_rules(persons, accessible) + rules.get(("unit", unit_id), []),
                    ),
                ]
            )
        excluded = frozenset(refused.get(unit_id, ()))
        key = (
            programme_id,
            persons,
            tuple(r.key() for r in place_rules),
            unit_id if excluded else None,
        )
        place = grouped.get(key)
        if place is None:
            place = grouped[key] = matching.PlaceClass(
                units=[],
                kind=kind,
                commune=commune or structure_commune or "",
                persons=persons,
                rules=place_rules,
                excluded=excluded,
            )
        place.units.append(pk)
    return list(grouped.values())


def place_commune(programme) -> str:
    if programme.commune_id:
        return programme.commune_id
    return programme.structure.commune_id or ""


# -- the ranked list ----------------------------------------------------------------------------


@dataclass
class Ranked:
    total: int
    rows: list  # (rank, PlaceRequest, score, breakdown)


def score_sql(policy: priority.Policy, today: dt.date):
    """The policy's score of a request, computed by PostgreSQL: the same sum as
    priority.scores (tests/regulation/test_ranking.py checks that both agree)."""
    # date - date is a number of days in PostgreSQL (Django would make it an interval).
    days = Func(
        Value(today),
        F("first_requested_on"),
        template="(%(expressions)s)",
        arg_joiner="::date - ",
        output_field=IntegerField(),
    )
    waited = Greatest(days, Value(0))
    raw = {
        Tier.DALO: Case(When(dalo=True, then=Value(1)), default=Value(0)),
        Tier.URGENCY: F("urgency"),
        Tier.VULNERABILITY: Coalesce(
            Func(F("vulnerabilities"), function="cardinality", output_field=IntegerField()),
            Value(0),
        ),
        Tier.SENIORITY: waited - Value(policy.refusal_penalty_days) * F("person_refusals"),
    }
    total = Value(0, output_field=IntegerField())
    for tier in policy.tiers:
        units = Least(Greatest(raw[tier.tier], Value(0)), Value(tier.cap or priority.MAX_CAP))
        total = total + units * Value(tier.points)
    return ExpressionWrapper(total, output_field=IntegerField())


def ranked_requests(
    regulator_id: int, policy: priority.Policy, *, page: int = 1, per_page: int = 50, today=None
) -> Ranked:
    """The regulator's waiting requests in rank order (the highest score, then the longest
    wait, then the oldest record: the board's order), a page of them with the reasons of
    their rank; the ranking is PostgreSQL's, in three queries whatever the number."""
    today = today or timezone.localdate()
    waiting = PlaceRequest.objects.filter(
        regulator_id=regulator_id, state=PlaceRequestState.WAITING, emergency=False
    )
    total = waiting.count()
    page = max(1, min(page, (total + per_page - 1) // per_page or 1))  # a page that exists
    start = (page - 1) * per_page
    found = list(
        waiting.annotate(score=score_sql(policy, today))
        .order_by("-score", "first_requested_on", "id")
        .prefetch_related(
            Prefetch("members", queryset=Member.objects.filter(role=MemberRole.APPLICANT))
        )[start : start + per_page]
    )
    rows = [
        (
            position,
            record,
            record.score,
            priority.breakdown(policy, standing_of(record, today)),
        )
        for position, record in enumerate(found, start=start + 1)
    ]
    return Ranked(total, rows)


def portal_requests(user) -> list:
    """The place requests of the pathways whose space this user opens (hers, or those of
    the person she helps as caregiver)."""
    return list(
        PlaceRequest.objects.filter(pathway__in=portal_pathways(user).values("pk"))
        .exclude(state=PlaceRequestState.DRAFT)
        .select_related("regulator")
        .prefetch_related("members")
        .order_by("-updated_at")
    )


def rank_of(place_request, policy: priority.Policy, today: dt.date) -> int:
    """Her rank among the waiting requests of her SIAO (the list's order), counted by
    PostgreSQL without reading anyone else's request."""
    waiting = PlaceRequest.objects.filter(
        regulator_id=place_request.regulator_id, state=PlaceRequestState.WAITING, emergency=False
    ).annotate(score=score_sql(policy, today))
    mine = waiting.filter(pk=place_request.pk).values_list("score", flat=True).first()
    if mine is None:
        return 0
    ahead = waiting.filter(
        Q(score__gt=mine)
        | Q(score=mine, first_requested_on__lt=place_request.first_requested_on)
        | Q(
            score=mine, first_requested_on=place_request.first_requested_on, pk__lt=place_request.pk
        )
    ).count()
    return ahead + 1
