"""Triage of support requests: moves along REQUEST_TRANSITIONS, and the pathway opened on
acceptance."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.enums import OrganisationKind
from maillage.core import audit
from maillage.core.notify import notify
from maillage.pathways import access, queries
from maillage.pathways.actions._common import (
    _lock_request,
)
from maillage.pathways.enums import (
    COORDINATOR,
    REQUEST_TRANSITIONS,
    TRIAGE_STATES,
    CircleRole,
    ConsentMode,
    EventKind,
    MemberStatus,
    Recipient,
    RequesterKind,
    RequestState,
    TriageOutcome,
)
from maillage.pathways.inputs import TriageIn
from maillage.pathways.models import (
    CircleMember,
    Pathway,
    Plan,
    SupportRequest,
    TimelineEvent,
)
from maillage.pathways.scores import screening_score
from maillage.territories.text import normalise_name


def _move(support_request, to_state: str, sides) -> None:
    allowed = REQUEST_TRANSITIONS.get((support_request.state, to_state), frozenset())
    if not sides & allowed:
        if not sides:
            raise PermissionDenied
        raise ValidationError(
            _("Impossible de passer de « %(from)s » à « %(to)s ».")
            % {
                "from": RequestState(support_request.state).label,
                "to": RequestState(to_state).label if to_state in RequestState.values else to_state,
            }
        )
    support_request.state = to_state
    support_request.version += 1


GP_PRACTICES = frozenset(
    {OrganisationKind.GP_PRACTICE, OrganisationKind.HEALTH_CENTRE, OrganisationKind.MSP}
)


def same_physician(named: str, full_name: str) -> bool:
    """Whether the GP named in a request (« Dr Paul Martin ») is this account's holder
    (« Paul Martin »): names compared without accents, case, nor the title."""

    def bare(name: str) -> str:
        words = normalise_name(name).replace(".", " ").split()
        return " ".join(w for w in words if w not in ("dr", "docteur", "docteure"))

    return bool(named.strip()) and bare(named) == bare(full_name)


def named_gp(named: str):
    """The one account practising where GPs practise whose holder is the GP named (« Dr
    Paul Martin »); None when nobody, or more than one, answers to that name."""
    words = normalise_name(named).replace(".", " ").split()
    words = [w for w in words if w not in ("dr", "docteur", "docteure")]
    if not words:
        return None
    candidates = [
        user
        for user in queries.practising_gps_named(words, GP_PRACTICES)
        if same_physician(named, user.full_name)
    ]
    return candidates[0] if len(candidates) == 1 else None


def support_request_reopen(*, actor, support_request, acting=None) -> SupportRequest:
    """A request closed with information only goes back to the triage queue (a closure made
    too early); its requester is told."""
    with transaction.atomic():
        locked = _lock_request(support_request, None)
        _move(locked, RequestState.RECEIVED, access.request_sides(actor, locked) & {COORDINATOR})
        locked.save()
        audit.record("support_request.reopen", actor=audit.actor_of(actor, acting), obj=locked)
    if locked.requester_id and locked.requester_id != actor.pk:
        notify(
            users=[locked.requester],
            message=_("Votre demande d'appui est de nouveau à l'étude par la coordination."),
            link=reverse("pathways:request", kwargs={"public_id": locked.public_id}),
        )
    return locked


def support_request_triage(
    *, actor, support_request, data: TriageIn, acting=None, now=None
) -> SupportRequest:
    """The coordinator's decision: score the screening grid, then close with information,
    support the professional, or open a complex pathway with a named referent."""
    answers, outcome, comment, expected_version = (
        data.answers,
        data.outcome,
        data.comment,
        data.version,
    )
    now = now or timezone.now()
    if outcome not in TriageOutcome.values:
        raise ValidationError(_("Choisissez la suite donnée à la demande."))
    with transaction.atomic():
        locked = _lock_request(support_request, expected_version)
        sides = access.request_sides(actor, locked)
        _move(locked, TRIAGE_STATES[TriageOutcome(outcome)], sides & {COORDINATOR})
        if outcome == TriageOutcome.PATHWAY:
            referent = (
                queries.platform_coordinator(locked.platform, data.referent)
                if data.referent
                else actor
            )
            if referent is None or locked.platform_id not in access.coordinated_platform_ids(
                referent
            ):
                raise ValidationError(
                    _("Le ou la référent·e doit être coordinateur·rice de la plateforme.")
                )
        locked.screening_answers = sorted(set(answers))
        locked.screening_score = screening_score(answers)
        locked.triaged_at = now
        locked.triaged_by = actor
        locked.triage_outcome = outcome
        locked.triage_comment = comment.strip()
        locked.save()
        pathway = None
        if outcome == TriageOutcome.PATHWAY:
            pathway = _open_pathway(locked, referent=referent, actor=actor, now=now, acting=acting)
        audit.record(
            "support_request.triage",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"outcome": outcome, "score": locked.screening_score},
        )
        link = reverse("pathways:request", kwargs={"public_id": locked.public_id})
        notify(
            users=[locked.requester] if locked.requester_id != actor.pk else [],
            message=_("Votre demande d'appui a été traitée : %(state)s.")
            % {"state": RequestState(locked.state).label},
            link=link,
            email_subject=_("Votre demande d'appui a été traitée"),
        )
        if pathway is not None and referent.pk != actor.pk:
            notify(
                users=[referent],
                message=_("Vous êtes référent·e d'un nouveau parcours."),
                link=reverse("pathways:pathway", kwargs={"public_id": pathway.public_id}),
                email_subject=_("Nouveau parcours"),
            )
    return locked


def shares_with_circle(support_request) -> bool:
    """Whether the person agreed to her information reaching a care circle — or could not
    express herself (the exception path: she is told afterwards)."""
    return (
        Recipient.CIRCLE in support_request.recipients
        or support_request.consent_mode == ConsentMode.CANNOT_EXPRESS
    )


def _open_pathway(support_request, *, referent, actor, now, acting=None) -> Pathway:
    pathway = Pathway.objects.create(
        platform_id=support_request.platform_id,
        person_id=support_request.person_id,
        request=support_request,
        referent=referent,
        opened_at=now,
        created_by=actor,
    )
    Plan.objects.create(pathway=pathway)
    CircleMember.objects.create(
        pathway=pathway,
        user=referent,
        organisation_id=support_request.platform_id,
        role=CircleRole.REFERENT,
        status=MemberStatus.ACTIVE,
        joined_at=now,
        created_by=actor,
    )
    if support_request.requester_kind == RequesterKind.PROFESSIONAL and shares_with_circle(
        support_request
    ):
        # The professional who asked is in the circle from the start (the person agreed
        # to share with the circle when the request was made) — as her GP when she is the
        # GP the request names and writes from a place where GPs practise (a name alone is
        # hers to type; the referent may still change the role).
        organisation = support_request.requester_organisation
        is_gp = (
            organisation is not None
            and organisation.kind in GP_PRACTICES
            and same_physician(support_request.person.gp_name, support_request.requester.full_name)
        )
        CircleMember.objects.get_or_create(
            pathway=pathway,
            user=support_request.requester,
            defaults={
                "organisation_id": support_request.requester_organisation_id,
                "role": CircleRole.GP if is_gp else CircleRole.OTHER_PROFESSIONAL,
                "status": MemberStatus.ACTIVE,
                "joined_at": now,
                "created_by": actor,
            },
        )
    # Only when the person agreed to share with her GP and with a circle (both choices).
    named = (
        named_gp(support_request.person.gp_name)
        if Recipient.GP in support_request.recipients and shares_with_circle(support_request)
        else None
    )
    if named is not None and not pathway.members.filter(user=named).exists():
        # The GP the request names, when one account alone answers to that name among those
        # practising where GPs practise: proposed to the circle as her GP, the referent
        # confirms (a name may have a namesake; the person's data waits for a human yes).
        proposed = CircleMember.objects.create(
            pathway=pathway,
            user=named,
            organisation=named.practice,
            role=CircleRole.GP,
            status=MemberStatus.PENDING,
            created_by=actor,
        )
        audit.record(
            "circle.propose",
            actor=audit.actor_of(actor, acting),
            obj=proposed,
            details={"pathway": str(pathway.public_id), "role": CircleRole.GP, "named": 1},
        )
        notify(
            users=[referent],
            message=_(
                "Le médecin traitant nommé dans la demande est proposé pour le cercle de "
                "soins : confirmez-le."
            ),
            link=reverse("pathways:pathway", kwargs={"public_id": pathway.public_id}),
        )
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                pathway=pathway,
                occurred_at=support_request.received_at,
                kind=EventKind.REQUEST_RECEIVED,
                actor=support_request.requester,
            ),
            TimelineEvent(
                pathway=pathway, occurred_at=now, kind=EventKind.PATHWAY_OPENED, actor=actor
            ),
        ]
    )
    return pathway
