"""Proposals: computed by both engines, examined by the commission, answered by the
structure and the person; an admission closes the request."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.notify import notify
from maillage.core.versions import lock_version
from maillage.regulation import access, explain, queries
from maillage.regulation.actions._common import (
    cancel_applications,
    placement_opened,
    record_move,
    refusal_checked,
    vacancies_move,
    vacancy_move,
)
from maillage.regulation.enums import (
    PERSON,
    PLATFORM,
    PROPOSAL_TRANSITIONS,
    STRUCTURE,
    Party,
    PlaceRequestState,
    ProposalState,
    SessionState,
    VacancyState,
    move_allowed,
)
from maillage.regulation.inputs import MatchRunIn, ProposalAnswerIn
from maillage.regulation.models import (
    CommissionSession,
    MatchRun,
    PlaceRequest,
    Proposal,
    Refusal,
    RequestEvent,
    Vacancy,
)

STALE = _("Quelqu'un a déjà répondu à cette proposition : relisez où elle en est.")


def match_run(*, actor, regulator, data: MatchRunIn, acting=None, now=None) -> MatchRun:
    """Compute proposals on today's waiting requests and free places with the policy in
    force, both engines side by side; the chosen engine's matches become proposals for the
    commission (never admissions)."""
    now = now or timezone.now()
    if regulator.pk not in access.regulating(actor):
        raise PermissionDenied
    session = None
    if data.session is not None:
        session = CommissionSession.objects.filter(
            regulator=regulator, public_id=data.session, state=SessionState.PLANNED
        ).first()
        if session is None:
            raise ValidationError({"session": _("Choisissez une commission à venir de ce SIAO.")})
    record = queries.policy_in_force(regulator.pk)
    if record is None:
        raise ValidationError(
            _("Publiez d'abord une politique de priorité : elle dit qui passe avant.")
        )
    with transaction.atomic():
        # One run at a time per SIAO, without locking the SIAO's row: a 115 call filed
        # meanwhile (its request points at that row) is not kept waiting by the run.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))",
                [f"regulation.match_run.{regulator.pk}"],
            )
        board = queries.board_for(regulator.pk, queries.policy_of(record), timezone.localdate(now))
        comparison = explain.compare(board)
        rank = explain.ranks(board)
        run = MatchRun.objects.create(
            regulator=regulator,
            policy=record,
            chosen=data.engine,
            figures=comparison.figures(),
            created_by=actor,
        )
        chosen = comparison.outcomes[data.engine].assignment
        pairs = [
            (c, vacancy, row)
            for c, rows in enumerate(chosen.matches)
            for vacancy, row in zip(board.classes[c].units, rows, strict=False)
        ]
        # Read before the lock: a request cancelled or a place withdrawn since is left out.
        waiting = set(
            PlaceRequest.objects.select_for_update()
            .filter(
                pk__in=[board.requests[row].pk for _c, _v, row in pairs],
                state=PlaceRequestState.WAITING,
            )
            .values_list("pk", flat=True)
        )
        free = set(
            Vacancy.objects.select_for_update()
            .filter(pk__in=[v for _c, v, _row in pairs], state=VacancyState.OPEN)
            .values_list("pk", flat=True)
        )
        created = [
            Proposal(
                request_id=board.requests[row].pk,
                vacancy_id=vacancy,
                run=run,
                session=session,
                engine=data.engine,
                weight=details["weight"],
                explanation=details,
                created_by=actor,
            )
            for c, vacancy, row in pairs
            if board.requests[row].pk in waiting and vacancy in free
            for details in (explain.explanation(comparison, data.engine, c, row, rank),)
        ]
        Proposal.objects.bulk_create(created, batch_size=1000)
        proposed = [p.request_id for p in created]
        vacancies_move(
            [p.vacancy_id for p in created], VacancyState.OPEN, VacancyState.PROPOSED, PLATFORM
        )
        PlaceRequest.objects.filter(pk__in=proposed).update(
            state=PlaceRequestState.PROPOSED, version=F("version") + 1, updated_at=now
        )
        note = _("Place proposée à la commission")
        RequestEvent.objects.bulk_create(
            [
                RequestEvent(
                    request_id=pk,
                    at=now,
                    actor=actor,
                    from_state=PlaceRequestState.WAITING,
                    to_state=PlaceRequestState.PROPOSED,
                    note=note,
                )
                for pk in proposed
            ],
            batch_size=2000,
        )
        run.figures = {**run.figures, "proposals": len(created)}
        run.save(update_fields=["figures"])
        audit.record(
            "match.run",
            actor=audit.actor_of(actor, acting),
            obj=run,
            details={"engine": data.engine, "proposals": len(created)},
        )
    return run


def proposal_send(proposal, *, actor, now) -> None:
    """The commission approved: the structure receives the proposal, with a delay to answer."""
    programme = proposal.vacancy.unit.programme
    proposal.state = ProposalState.SENT
    proposal.sent_at = now
    proposal.expires_on = timezone.localdate(now) + dt.timedelta(days=programme.answer_within_days)
    link = reverse("regulation:proposal", kwargs={"public_id": proposal.public_id})
    notify(
        users=queries.receivers_of_programme(programme),
        message=_("Le SIAO vous propose un ménage pour une place de %(p)s.")
        % {"p": programme.name},
        link=link,
        email_subject=_("Proposition du SIAO pour une place vacante"),
    )
    notify(
        users=[proposal.request.prescriber],
        message=_("Une place est proposée pour la demande que vous suivez."),
        link=link,
        email_subject=_("Une place est proposée"),
    )


def proposal_answer(*, actor, proposal, data: ProposalAnswerIn, side: str, acting=None, now=None):
    """The structure's answer (sent → accepted or refused), then the person's (accepted →
    admission, or refused). Two answers at once: one wins, the other gets a 409."""
    now = now or timezone.now()
    if side not in (STRUCTURE, PERSON):
        raise ValidationError(_("Réponse de qui ?"))

    def check(row):
        allowed = (
            access.can_answer_for_structure if side == STRUCTURE else access.can_answer_for_person
        )
        if not allowed(actor, row):
            raise PermissionDenied

    with transaction.atomic():
        # The request first, then the proposal: the order every action takes, so that an
        # answer and a cancellation meeting on one request wait, never deadlock.
        PlaceRequest.objects.select_for_update().get(pk=proposal.request_id)
        locked = lock_version(Proposal.objects.all(), proposal.pk, data.version, STALE, check=check)
        target = (
            (ProposalState.STRUCTURE_ACCEPTED if side == STRUCTURE else ProposalState.ADMITTED)
            if data.accept
            else ProposalState.REFUSED
        )
        if not move_allowed(PROPOSAL_TRANSITIONS, locked.state, target, side):
            raise ValidationError(
                _("Cette proposition attend la réponse de la structure.")
                if side == PERSON
                else _("Cette proposition n'attend plus la réponse de la structure.")
            )
        request = PlaceRequest.objects.select_for_update().get(pk=locked.request_id)
        vacancy = Vacancy.objects.select_for_update().get(pk=locked.vacancy_id)
        locked.state = target
        locked.answered_at = now
        locked.version += 1
        if not data.accept:
            reason, text = refusal_checked(data.reason, data.text)
            Refusal.objects.create(
                request=request,
                unit=vacancy.unit,
                proposal=locked,
                party=Party.STRUCTURE if side == STRUCTURE else Party.PERSON,
                reason=reason,
                text=text,
                at=now,
                by=actor,
            )
            if side == PERSON:
                request.person_refusals += 1
                request.save(update_fields=["person_refusals"])
            vacancy_move(vacancy, VacancyState.OPEN, PLATFORM)
            record_move(
                request, PlaceRequestState.WAITING, actor=actor, note=_("Place refusée"), now=now
            )
        elif target == ProposalState.ADMITTED:
            vacancy_move(vacancy, VacancyState.FILLED, PLATFORM)
            vacancy.closed_at, vacancy.closed_by = now, actor
            cancel_applications(
                request.applications.all(),
                now,
                _("Un dossier reçu est annulé : la personne est admise ailleurs."),
            )
            place = f"{vacancy.unit.programme.name} — {vacancy.unit.label}"
            record_move(request, PlaceRequestState.ADMITTED, actor=actor, note=place, now=now)
            placement_opened(request, place, actor, acting, now)
        vacancy.save()
        locked.save()
        audit.record(
            "proposal.answer",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"side": side, "accept": data.accept, "state": target},
        )
        _tell_answer(locked, request, side, data.accept)
    return locked


def _tell_answer(proposal, request, side, accepted) -> None:
    link = reverse("regulation:proposal", kwargs={"public_id": proposal.public_id})
    users = [request.prescriber]
    if request.regulator_id:
        users += queries.regulator_team(request.regulator_id)
    if side == STRUCTURE:
        message = (
            _("La structure accepte le ménage proposé : la personne doit donner sa réponse.")
            if accepted
            else _("La structure refuse le ménage proposé : la place est de nouveau vacante.")
        )
    else:
        message = (
            _("La personne accepte la place : l'admission est enregistrée.")
            if accepted
            else _(
                "La personne refuse la place : la demande reste en attente, "
                "sans pénalité par défaut."
            )
        )
    notify(
        users=users,
        message=message,
        link=link,
        email_subject=_("Réponse à une proposition de place"),
    )


def proposals_expire(*, today=None) -> int:
    """Offers left without an answer past their delay expire; the SIAO is told (escalation),
    the place is vacant again and the request waits again."""
    today = today or timezone.localdate()
    now = timezone.now()
    count = 0
    late = Proposal.objects.filter(
        state__in=[ProposalState.SENT, ProposalState.STRUCTURE_ACCEPTED], expires_on__lt=today
    ).values_list("pk", flat=True)
    for pk in list(late):
        with transaction.atomic():
            proposal = Proposal.objects.select_for_update().select_related("request").get(pk=pk)
            if not move_allowed(
                PROPOSAL_TRANSITIONS, proposal.state, ProposalState.EXPIRED, PLATFORM
            ):
                continue
            proposal.state = ProposalState.EXPIRED
            proposal.version += 1
            proposal.save(update_fields=["state", "version", "updated_at"])
            vacancies_move(
                [proposal.vacancy_id], VacancyState.PROPOSED, VacancyState.OPEN, PLATFORM
            )
            request = PlaceRequest.objects.select_for_update().get(pk=proposal.request_id)
            if request.state == PlaceRequestState.PROPOSED:
                record_move(
                    request,
                    PlaceRequestState.WAITING,
                    actor=None,
                    note=_("Proposition expirée sans réponse"),
                    now=now,
                )
            audit.record("proposal.expire", obj=proposal)
            if request.regulator_id:
                notify(
                    users=queries.regulator_team(request.regulator_id),
                    message=_("Une proposition de place a expiré sans réponse : à relancer."),
                    link=reverse("regulation:proposal", kwargs={"public_id": proposal.public_id}),
                    email_subject=_("Proposition de place expirée"),
                )
            count += 1
    return count
