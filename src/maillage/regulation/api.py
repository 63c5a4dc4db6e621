"""The regulation API: the same actions and reads as the pages, never logic of its own."""

from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from maillage.core import audit
from maillage.core.pipeline import Missing, acting, require
from maillage.regulation import access, actions, explain, presenters, queries, reads
from maillage.regulation.enums import PERSON, STRUCTURE
from maillage.regulation.inputs import (
    ApplicationAnswerIn,
    ApplicationsIn,
    CommissionDecisionIn,
    CommissionIn,
    CommissionMinutesIn,
    EmergencyCallIn,
    MatchRunIn,
    MedicalIn,
    NightIn,
    NoteIn,
    PhysicianIn,
    PlaceRequestIn,
    PlaceRequestUpdateIn,
    PolicyIn,
    ProgrammeIn,
    ProposalAnswerIn,
    RequestMoveIn,
    RequirementIn,
    UnitIn,
    VacancyIn,
)
from maillage.regulation.schemas import (
    ApplicationOut,
    ErrorOut,
    NightOut,
    PlaceRequestOut,
    PolicyOut,
    ProgrammeOut,
    ProposalOut,
    RankingOut,
    RunOut,
    SessionOut,
    SimulationOut,
    VacancyOut,
    WhyNotOut,
)

router = Router(tags=["régulation"])
E = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _acting(request):
    return audit.Actor.of(request)


def _regulator(request, regulator_id, action):
    found = queries.regulators().filter(public_id=regulator_id).first()
    if found is None or found.pk not in access.regulating(request.user):
        raise Missing(
            action, object_type="accounts.organisation", object_id=regulator_id, what="SIAO"
        )
    return found


def _programme(request, public_id):
    return reads.visible_programme(public_id=public_id, acting=_acting(request))


def _programme_out(programme):
    fresh = queries.programme_for_output(programme.pk)
    return presenters.programme_out(fresh, queries.live_vacancies_of(fresh))


def _proposal_out(request, proposal):
    """The runners-up and the weights are the SIAO's, not the structure's nor the
    prescriber's."""
    regulates = access.can_regulate_request(request.user, proposal.request)
    return presenters.proposal_out(proposal, reveal=regulates)


def _request(request, public_id):
    return reads.visible_request(public_id=public_id, acting=_acting(request))


def _request_out(request, place_request):
    side = access.side_on_request(request.user, place_request)
    fresh = queries.request_for(request.user, place_request.public_id) or place_request
    return presenters.request_out(fresh, events=queries.events_of(fresh), side=side)


# -- supply -----------------------------------------------------------------------------------


@router.get(
    "/regulation/programmes",
    response={200: list[ProgrammeOut]},
    summary="Les dispositifs que je gère ou régule",
)
def programme_list(request):
    found = list(queries.programmes_managed_by(request.user).order_by("name")[:500])
    return [_programme_out(p) for p in found]


@router.post(
    "/regulation/programmes",
    response={201: ProgrammeOut, **E},
    summary="Créer un dispositif sur une structure de l'annuaire",
)
@acting("programme.save")
def programme_create(request, payload: ProgrammeIn):
    created = actions.programme_create(actor=request.user, data=payload, acting=_acting(request))
    return Status(201, _programme_out(created))


@router.get(
    "/regulation/programmes/{public_id}",
    response={200: ProgrammeOut, 404: ErrorOut},
    summary="Un dispositif, ses places, ses critères",
)
def programme_detail(request, public_id: UUID):
    return _programme_out(_programme(request, public_id))


@router.post(
    "/regulation/programmes/{public_id}/units",
    response={201: ProgrammeOut, **E},
    summary="Ajouter des places",
)
@acting("unit.save")
def unit_add(request, public_id: UUID, payload: UnitIn):
    programme = _programme(request, public_id)
    actions.unit_add(actor=request.user, programme=programme, data=payload, acting=_acting(request))
    return Status(201, _programme_out(programme))


@router.post(
    "/regulation/programmes/{public_id}/requirements",
    response={201: ProgrammeOut, **E},
    summary="Fixer un critère d'admission (dispositif ou place)",
)
@acting("requirement.save")
def requirement_add(request, public_id: UUID, payload: RequirementIn):
    programme = _programme(request, public_id)
    actions.requirement_add(
        actor=request.user, programme=programme, data=payload, acting=_acting(request)
    )
    return Status(201, _programme_out(programme))


@router.delete(
    "/regulation/programmes/{public_id}/requirements/{requirement_id}",
    response={200: ProgrammeOut, **E},
    summary="Retirer un critère d'admission",
)
@acting("requirement.save")
def requirement_remove(request, public_id: UUID, requirement_id: UUID):
    programme = _programme(request, public_id)
    actions.requirement_remove(
        actor=request.user,
        programme=programme,
        requirement_id=requirement_id,
        acting=_acting(request),
    )
    return _programme_out(programme)


@router.post(
    "/regulation/programmes/{public_id}/vacancies",
    response={201: VacancyOut, **E},
    summary="Déclarer une place vacante",
)
@acting("vacancy.declare")
def vacancy_declare(request, public_id: UUID, payload: VacancyIn):
    programme = _programme(request, public_id)
    vacancy = actions.vacancy_declare(
        actor=request.user, programme=programme, data=payload, acting=_acting(request)
    )
    return Status(201, presenters.vacancy_out(queries.vacancy_of(programme, vacancy.public_id)))


@router.post(
    "/regulation/programmes/{public_id}/vacancies/{vacancy_id}/withdraw",
    response={200: VacancyOut, **E},
    summary="Retirer une vacance",
)
@acting("vacancy.withdraw")
def vacancy_withdraw(request, public_id: UUID, vacancy_id: UUID, payload: NoteIn):
    programme = _programme(request, public_id)
    vacancy = reads.vacancy_in(programme, vacancy_id, "vacancy.withdraw")
    actions.vacancy_withdraw(
        actor=request.user, vacancy=vacancy, data=payload, acting=_acting(request)
    )
    return presenters.vacancy_out(queries.vacancy_of(programme, vacancy_id))


@router.get(
    "/regulation/tonight",
    response={200: list[VacancyOut], 403: ErrorOut},
    summary="Les places d'urgence libres ce soir",
)
@acting("emergency.call")
def tonight(request):
    siaos = sorted(set(access.regulating(request.user)) | set(access.answering_calls(request.user)))
    require(bool(siaos), "emergency.call")
    return [presenters.vacancy_out(v) for v in queries.tonight_places(siaos, timezone.localdate())]


# -- demand -----------------------------------------------------------------------------------


class ListFilter(Schema):
    state: str = ""


@router.get(
    "/regulation/requests",
    response={200: list[PlaceRequestOut], 403: ErrorOut},
    summary="Les demandes de place que je peux voir",
)
@acting("place_request.read")
def place_request_list(request, filters: Query[ListFilter]):
    require(access.can_use_regulation(request.user), "place_request.read")
    found = queries.requests_for_api(request.user, filters.state)
    if found:
        audit.record(
            "place_request.read",
            actor=_acting(request),
            object_type="regulation.placerequest",
            details={"shown": [str(r.public_id) for r in found]},
        )
    return [presenters.request_out(r) for r in found]


@router.post(
    "/regulation/requests",
    response={201: PlaceRequestOut, **E},
    summary="Rédiger une demande de place (brouillon)",
)
@acting("place_request.create")
def place_request_create(request, payload: PlaceRequestIn):
    created = actions.place_request_create(
        actor=request.user, data=payload, acting=_acting(request)
    )
    return Status(201, _request_out(request, created))


@router.get(
    "/regulation/requests/{public_id}",
    response={200: PlaceRequestOut, 404: ErrorOut},
    summary="Une demande de place, son ménage, son histoire",
)
def place_request_detail(request, public_id: UUID):
    place_request = _request(request, public_id)
    reads.request_record_read(place_request=place_request, acting=_acting(request))
    return _request_out(request, place_request)


@router.put(
    "/regulation/requests/{public_id}",
    response={200: PlaceRequestOut, **E},
    summary="Mettre à jour une demande (version lue : 409 si elle a changé)",
)
@acting("place_request.update")
def place_request_update(request, public_id: UUID, payload: PlaceRequestUpdateIn):
    place_request = _request(request, public_id)
    actions.place_request_update(
        actor=request.user, place_request=place_request, data=payload, acting=_acting(request)
    )
    return _request_out(request, place_request)


@router.post(
    "/regulation/requests/{public_id}/state",
    response={200: PlaceRequestOut, **E},
    summary="Faire avancer une demande dans ses états",
)
@acting("place_request.move")
def place_request_move(request, public_id: UUID, payload: RequestMoveIn):
    place_request = _request(request, public_id)
    actions.place_request_move(
        actor=request.user, place_request=place_request, data=payload, acting=_acting(request)
    )
    return _request_out(request, place_request)


@router.post(
    "/regulation/requests/{public_id}/signature",
    response={200: PlaceRequestOut, **E},
    summary="La personne signe le volet administratif",
)
@acting("place_request.sign")
def place_request_sign(request, public_id: UUID):
    place_request = _request(request, public_id)
    actions.place_request_sign(
        actor=request.user, place_request=place_request, acting=_acting(request)
    )
    return _request_out(request, place_request)


class MedicalOut(Schema):
    gir: int | None
    diagnoses: str
    treatments: str
    care_needs: str
    complete: bool


def _medical_out(medical) -> dict:
    return {
        "gir": medical.gir,
        "diagnoses": medical.diagnoses,
        "treatments": medical.treatments,
        "care_needs": medical.care_needs,
        "complete": medical.completed_at is not None,
    }


@router.get(
    "/regulation/requests/{public_id}/medical",
    response={200: MedicalOut, 404: ErrorOut},
    summary="Le volet médical (médecins coordonnateurs destinataires, et le médecin qui l'a écrit)",
)
def medical_detail(request, public_id: UUID):
    place_request = _request(request, public_id)
    medical = reads.medical_read(
        place_request=place_request,
        applications=queries.applications_of(place_request),
        acting=_acting(request),
    )
    if medical is None:
        raise Missing("medical.read", obj=place_request, what="volet médical")
    return _medical_out(medical)


@router.put(
    "/regulation/requests/{public_id}/physician",
    response={200: PlaceRequestOut, **E},
    summary="Désigner le médecin qui remplit le volet médical",
)
@acting("medical.name")
def physician_name(request, public_id: UUID, payload: PhysicianIn):
    place_request = _request(request, public_id)
    actions.physician_name(
        actor=request.user, place_request=place_request, data=payload, acting=_acting(request)
    )
    return _request_out(request, place_request)


@router.put(
    "/regulation/requests/{public_id}/medical",
    response={200: MedicalOut, **E},
    summary="Écrire le volet médical",
)
@acting("medical.save")
def medical_save(request, public_id: UUID, payload: MedicalIn):
    place_request = _request(request, public_id)
    medical = actions.medical_save(
        actor=request.user, place_request=place_request, data=payload, acting=_acting(request)
    )
    return _medical_out(medical)


@router.post(
    "/regulation/requests/{public_id}/applications",
    response={201: list[ApplicationOut], **E},
    summary="Envoyer le dossier à plusieurs établissements",
)
@acting("application.send")
def applications_send(request, public_id: UUID, payload: ApplicationsIn):
    place_request = _request(request, public_id)
    created = actions.applications_send(
        actor=request.user, place_request=place_request, data=payload, acting=_acting(request)
    )
    return Status(201, [presenters.application_out(a) for a in created])


@router.get(
    "/regulation/applications/{public_id}",
    response={200: ApplicationOut, 404: ErrorOut},
    summary="Une candidature reçue",
)
def application_detail(request, public_id: UUID):
    return presenters.application_out(
        reads.visible_application(public_id=public_id, acting=_acting(request))
    )


@router.post(
    "/regulation/applications/{public_id}/answer",
    response={200: ApplicationOut, **E},
    summary="Répondre à une candidature : liste d'attente, refus motivé ou admission",
)
@acting("application.answer")
def application_answer(request, public_id: UUID, payload: ApplicationAnswerIn):
    found = reads.visible_application(public_id=public_id, acting=_acting(request))
    answered = actions.application_answer(
        actor=request.user, application=found, data=payload, acting=_acting(request)
    )
    return presenters.application_out(answered)


@router.get(
    "/regulation/requests/{public_id}/why-not/{vacancy_id}",
    response={200: WhyNotOut, 404: ErrorOut},
    summary="Pourquoi cette place n'est pas proposée à cette demande",
)
@acting("place_request.read")
def why_not(request, public_id: UUID, vacancy_id: UUID):
    place_request = _request(request, public_id)
    _vacancy, answer = reads.why_not(
        place_request=place_request, vacancy_id=vacancy_id, acting=_acting(request)
    )
    return answer


@router.post(
    "/regulation/emergency",
    response={201: PlaceRequestOut, **E},
    summary="115 : enregistrer un appel (mise à l'abri demandée ce soir)",
)
@acting("emergency.call")
def emergency_call(request, payload: EmergencyCallIn):
    created = actions.emergency_call(actor=request.user, data=payload, acting=_acting(request))
    return Status(201, _request_out(request, created))


@router.post(
    "/regulation/requests/{public_id}/night",
    response={201: NightOut, **E},
    summary="115 : ce que devient la nuit (mise à l'abri, ou non pourvue et pourquoi)",
)
@acting("emergency.shelter")
def emergency_night(request, public_id: UUID, payload: NightIn):
    place_request = _request(request, public_id)
    night = actions.emergency_night(
        actor=request.user, place_request=place_request, data=payload, acting=_acting(request)
    )
    return Status(
        201,
        {
            "request": place_request.public_id,
            "night": night.night,
            "outcome": night.outcome,
            "reason": night.reason,
        },
    )


# -- the regulator's tools --------------------------------------------------------------------


class Page(Schema):
    page: int = Field(default=1, ge=1, le=1_000_000)


@router.get(
    "/regulation/regulators/{regulator_id}/ranking",
    response={200: RankingOut, 404: ErrorOut},
    summary="Les demandes en attente, classées, avec la raison de chaque rang",
)
@acting("ranking.read")
def ranking(request, regulator_id: UUID, page: Query[Page]):
    regulator = _regulator(request, regulator_id, "ranking.read")
    policy = queries.policy_of(queries.policy_in_force(regulator.pk))
    number = max(1, page.page)
    ranked = queries.ranked_requests(regulator.pk, policy, page=number, per_page=100)
    reads.ranking_read(regulator=regulator, rows=ranked.rows, acting=_acting(request))
    today = timezone.localdate()
    return {
        "total": ranked.total,
        "page": number,
        "rows": [
            {
                "rank": rank,
                "request": record.public_id,
                "score": score,
                "waiting_days": max(0, (today - record.first_requested_on).days),
                "breakdown": [{"tier": b.tier, "points": b.points, "text": b.text} for b in lines],
            }
            for rank, record, score, lines in ranked.rows
        ],
    }


@router.get(
    "/regulation/regulators/{regulator_id}/policies",
    response={200: list[PolicyOut], 404: ErrorOut},
    summary="Les politiques de priorité, en vigueur et brouillons",
)
@acting("policy.save")
def policy_list(request, regulator_id: UUID):
    regulator = _regulator(request, regulator_id, "policy.save")
    return [presenters.policy_out(p) for p in queries.policies_of([regulator.pk])]


@router.post(
    "/regulation/regulators/{regulator_id}/policies",
    response={201: PolicyOut, **E},
    summary="Écrire un brouillon de politique de priorité",
)
@acting("policy.save")
def policy_create(request, regulator_id: UUID, payload: PolicyIn):
    regulator = _regulator(request, regulator_id, "policy.save")
    created = actions.policy_create(
        actor=request.user, regulator=regulator, data=payload, acting=_acting(request)
    )
    return Status(201, presenters.policy_out(created))


def _policy(request, public_id):
    return reads.visible_policy(public_id=public_id, acting=_acting(request))


@router.put(
    "/regulation/policies/{public_id}",
    response={200: PolicyOut, **E},
    summary="Modifier un brouillon de politique",
)
@acting("policy.save")
def policy_update(request, public_id: UUID, payload: PolicyIn):
    updated = actions.policy_update(
        actor=request.user,
        policy=_policy(request, public_id),
        data=payload,
        acting=_acting(request),
    )
    return presenters.policy_out(updated)


@router.post(
    "/regulation/policies/{public_id}/publish",
    response={200: PolicyOut, **E},
    summary="Publier un brouillon : il remplace la politique en vigueur",
)
@acting("policy.publish")
def policy_publish(request, public_id: UUID):
    published = actions.policy_publish(
        actor=request.user, policy=_policy(request, public_id), acting=_acting(request)
    )
    return presenters.policy_out(published)


@router.get(
    "/regulation/policies/{public_id}/simulation",
    response={200: SimulationOut, 404: ErrorOut},
    summary="Et si ? Ce que le brouillon changerait aujourd'hui",
)
def policy_simulate(request, public_id: UUID):
    record = _policy(request, public_id)
    current = queries.policy_in_force(record.regulator_id)
    result = explain.simulate(
        record.regulator_id, queries.policy_of(record), queries.policy_of(current)
    )
    audit.record("policy.simulate", actor=_acting(request), obj=record)
    return result


@router.post(
    "/regulation/regulators/{regulator_id}/runs",
    response={201: RunOut, **E},
    summary="Calculer des propositions (les deux moteurs côte à côte)",
)
@acting("match.run")
def match_run(request, regulator_id: UUID, payload: MatchRunIn):
    regulator = _regulator(request, regulator_id, "match.run")
    run = actions.match_run(
        actor=request.user, regulator=regulator, data=payload, acting=_acting(request)
    )
    return Status(201, presenters.run_out(run))


@router.get(
    "/regulation/runs/{public_id}",
    response={200: RunOut, 404: ErrorOut},
    summary="Un calcul : chiffres des deux moteurs",
)
def run_detail(request, public_id: UUID):
    return presenters.run_out(reads.visible_run(public_id=public_id, acting=_acting(request)))


@router.get(
    "/regulation/proposals/{public_id}",
    response={200: ProposalOut, 404: ErrorOut},
    summary="Une proposition : règles passées, priorité, suivants",
)
def proposal_detail(request, public_id: UUID):
    proposal = reads.visible_proposal(public_id=public_id, acting=_acting(request))
    return _proposal_out(request, proposal)


@router.post(
    "/regulation/proposals/{public_id}/structure",
    response={200: ProposalOut, **E},
    summary="La structure accepte ou refuse (motivé) le ménage proposé",
)
@acting("proposal.answer")
def proposal_structure(request, public_id: UUID, payload: ProposalAnswerIn):
    proposal = reads.visible_proposal(public_id=public_id, acting=_acting(request))
    answered = actions.proposal_answer(
        actor=request.user, proposal=proposal, data=payload, side=STRUCTURE, acting=_acting(request)
    )
    return _proposal_out(request, answered)


@router.post(
    "/regulation/proposals/{public_id}/person",
    response={200: ProposalOut, **E},
    summary="La personne accepte ou refuse la place",
)
@acting("proposal.answer")
def proposal_person(request, public_id: UUID, payload: ProposalAnswerIn):
    proposal = reads.visible_proposal(public_id=public_id, acting=_acting(request))
    answered = actions.proposal_answer(
        actor=request.user, proposal=proposal, data=payload, side=PERSON, acting=_acting(request)
    )
    return _proposal_out(request, answered)


@router.post(
    "/regulation/regulators/{regulator_id}/sessions",
    response={201: SessionOut, **E},
    summary="Programmer une commission",
)
@acting("commission.create")
def commission_create(request, regulator_id: UUID, payload: CommissionIn):
    regulator = _regulator(request, regulator_id, "commission.create")
    created = actions.commission_create(
        actor=request.user, regulator=regulator, data=payload, acting=_acting(request)
    )
    return Status(201, presenters.session_out(created))


def _session(request, public_id):
    return reads.visible_session(public_id=public_id, acting=_acting(request))


@router.get(
    "/regulation/sessions/{public_id}",
    response={200: SessionOut, 404: ErrorOut},
    summary="Une commission et son ordre du jour",
)
def session_detail(request, public_id: UUID):
    found = _session(request, public_id)
    return presenters.session_out(found, queries.agenda_of(found))


@router.post(
    "/regulation/sessions/{public_id}/decisions",
    response={200: ProposalOut, **E},
    summary="Décider d'une proposition de l'ordre du jour",
)
@acting("commission.decide")
def commission_decide(request, public_id: UUID, payload: CommissionDecisionIn):
    decided = actions.commission_decide(
        actor=request.user,
        session=_session(request, public_id),
        data=payload,
        acting=_acting(request),
    )
    return presenters.proposal_out(decided)


@router.post(
    "/regulation/sessions/{public_id}/close",
    response={200: SessionOut, **E},
    summary="Clore la commission avec son compte rendu",
)
@acting("commission.close")
def commission_close(request, public_id: UUID, payload: CommissionMinutesIn):
    closed = actions.commission_close(
        actor=request.user,
        session=_session(request, public_id),
        data=payload,
        acting=_acting(request),
    )
    return presenters.session_out(closed, queries.agenda_of(closed))
