"""Commission sessions: the agenda from the proposals, decisions with reasons, minutes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.notify import notify
from maillage.core.versions import lock_version
from maillage.regulation import access, queries
from maillage.regulation.actions._common import record_move, vacancies_move
from maillage.regulation.actions.proposals import proposal_send
from maillage.regulation.enums import (
    PLATFORM,
    CommissionDecision,
    DecisionReason,
    Party,
    PlaceRefusalReason,
    PlaceRequestState,
    ProposalState,
    SessionState,
    VacancyState,
)
from maillage.regulation.inputs import CommissionDecisionIn, CommissionIn, CommissionMinutesIn
from maillage.regulation.models import CommissionSession, PlaceRequest, Proposal, Refusal


def commission_create(
    *, actor, regulator, data: CommissionIn, acting=None, now=None
) -> CommissionSession:
    now = now or timezone.now()
    if regulator.pk not in access.regulating(actor):
        raise PermissionDenied
    if data.held_on < timezone.localdate(now):
        raise ValidationError(
            {"held_on": _("Une commission se programme aujourd'hui ou plus tard.")}
        )
    # Members come from the SIAO's own team and the teams of the structures whose places it
    # regulates (the same list the page offers): nobody else sits in, and reads, its agenda.
    candidates = {u.public_id: u for u in queries.commission_candidates(regulator.pk)}
    members = [candidates[m] for m in set(data.members) if m in candidates]
    if len(members) != len(set(data.members)):
        raise ValidationError(
            {
                "members": _(
                    "Un membre choisi ne fait partie ni de l'équipe du SIAO, ni d'une structure "
                    "dont il régule les places."
                )
            }
        )
    with transaction.atomic():
        session = CommissionSession.objects.create(
            regulator=regulator, held_on=data.held_on, created_by=actor
        )
        session.members.set(members or [actor])
        # Proposals waiting for a commission (computed without one, or adjourned) are put
        # on this one's agenda.
        Proposal.objects.filter(
            request__regulator=regulator, state=ProposalState.DRAFT, session__isnull=True
        ).update(session=session)
        audit.record("commission.create", actor=audit.actor_of(actor, acting), obj=session)
    return session


def commission_decide(
    *, actor, session, data: CommissionDecisionIn, acting=None, now=None
) -> Proposal:
    """The commission's decision on one proposal of its agenda: approved (the structure
    receives it), not retained (the place and the request are free again, this place is
    never proposed to this household again), or adjourned."""
    now = now or timezone.now()
    if not access.can_decide_in(actor, session):
        raise PermissionDenied
    if session.state != SessionState.PLANNED:
        raise ValidationError(_("Cette commission est close."))
    text = data.text.strip()
    if data.reason == DecisionReason.OTHER and not text:
        raise ValidationError({"text": _("Précisez le motif de la décision.")})
    proposal = session.proposals.filter(public_id=data.proposal).first()
    if proposal is None:
        raise ValidationError({"proposal": _("Cette proposition n'est pas à l'ordre du jour.")})
    with transaction.atomic():
        locked = lock_version(
            Proposal.objects.select_related("vacancy__unit__programme", "request"),
            proposal.pk,
            data.version,
            _("Une décision a déjà été enregistrée sur cette proposition : relisez-la."),
        )
        if locked.state != ProposalState.DRAFT:
            raise ValidationError(_("Une décision a déjà été enregistrée sur cette proposition."))
        locked.decision, locked.decision_reason, locked.decision_text = (
            data.decision,
            data.reason,
            text,
        )
        locked.version += 1
        if data.decision == CommissionDecision.APPROVED:
            proposal_send(locked, actor=actor, now=now)
        elif data.decision == CommissionDecision.REJECTED:
            locked.state = ProposalState.REFUSED
            request = PlaceRequest.objects.select_for_update().get(pk=locked.request_id)
            Refusal.objects.create(
                request=request,
                unit=locked.vacancy.unit,
                proposal=locked,
                party=Party.COMMISSION,
                reason=PlaceRefusalReason.NEEDS_NOT_MET
                if data.reason == DecisionReason.NEEDS_NOT_MET
                else PlaceRefusalReason.OTHER,
                text=text or str(DecisionReason(data.reason).label),
                at=now,
                by=actor,
            )
            vacancies_move([locked.vacancy_id], VacancyState.PROPOSED, VacancyState.OPEN, PLATFORM)
            record_move(
                request,
                PlaceRequestState.WAITING,
                actor=actor,
                note=_("Non retenue en commission"),
                now=now,
            )
        else:
            locked.session = None  # back to the next commission's agenda
        locked.save()
        audit.record(
            "commission.decide",
            actor=audit.actor_of(actor, acting),
            obj=session,
            details={"proposal": str(locked.public_id), "decision": data.decision},
        )
    if data.decision != CommissionDecision.APPROVED:
        # Approved, the structure and the prescriber are told when the proposal is sent.
        request = locked.request
        notify(
            users=[request.prescriber],
            message=(
                _("La commission n'a pas retenu la place proposée : la demande reste en attente.")
                if data.decision == CommissionDecision.REJECTED
                else _("La commission a reporté l'examen d'une proposition de place.")
            ),
            link=reverse("regulation:request", kwargs={"public_id": request.public_id}),
            email_subject=_("Décision de la commission"),
        )
    return locked


def commission_close(
    *, actor, session, data: CommissionMinutesIn, acting=None
) -> CommissionSession:
    if session.regulator_id not in access.regulating(actor):
        raise PermissionDenied
    with transaction.atomic():
        locked = lock_version(
            CommissionSession.objects.all(),
            session.pk,
            data.version,
            _("Le compte rendu a été modifié entre-temps : relisez-le."),
        )
        if locked.proposals.filter(state=ProposalState.DRAFT).exists():
            raise ValidationError(_("Des propositions attendent encore une décision."))
        locked.minutes = data.minutes.strip()
        locked.state = SessionState.HELD
        locked.version += 1
        locked.save()
        audit.record("commission.close", actor=audit.actor_of(actor, acting), obj=locked)
    return locked
