"""Programmes, their places and rules, the vacancies declared, tonight's free places."""

from uuid import UUID

from django.utils import timezone
from ninja import Router, Status

from maillage.core.pipeline import acting, require
from maillage.regulation import access, actions, presenters, queries, reads
from maillage.regulation.api._common import E, actor_of, programme_output, visible_programme
from maillage.regulation.inputs import NoteIn, ProgrammeIn, RequirementIn, UnitIn, VacancyIn
from maillage.regulation.schemas import ErrorOut, ProgrammeOut, VacancyOut

router = Router(tags=["régulation"])


@router.get(
    "/regulation/programmes",
    response={200: list[ProgrammeOut]},
    summary="Les dispositifs que je gère ou régule",
)
def programme_list(request):
    found = list(queries.programmes_managed_by(request.user).order_by("name")[:500])
    return [programme_output(p) for p in found]


@router.post(
    "/regulation/programmes",
    response={201: ProgrammeOut, **E},
    summary="Créer un dispositif sur une structure de l'annuaire",
)
@acting("programme.save")
def programme_create(request, payload: ProgrammeIn):
    created = actions.programme_create(actor=request.user, data=payload, acting=actor_of(request))
    return Status(201, programme_output(created))


@router.get(
    "/regulation/programmes/{public_id}",
    response={200: ProgrammeOut, 404: ErrorOut},
    summary="Un dispositif, ses places, ses critères",
)
def programme_detail(request, public_id: UUID):
    return programme_output(visible_programme(request, public_id))


@router.post(
    "/regulation/programmes/{public_id}/units",
    response={201: ProgrammeOut, **E},
    summary="Ajouter des places",
)
@acting("unit.save")
def unit_add(request, public_id: UUID, payload: UnitIn):
    programme = visible_programme(request, public_id)
    actions.unit_add(
        actor=request.user, programme=programme, data=payload, acting=actor_of(request)
    )
    return Status(201, programme_output(programme))


@router.post(
    "/regulation/programmes/{public_id}/requirements",
    response={201: ProgrammeOut, **E},
    summary="Fixer un critère d'admission (dispositif ou place)",
)
@acting("requirement.save")
def requirement_add(request, public_id: UUID, payload: RequirementIn):
    programme = visible_programme(request, public_id)
    actions.requirement_add(
        actor=request.user, programme=programme, data=payload, acting=actor_of(request)
    )
    return Status(201, programme_output(programme))


@router.delete(
    "/regulation/programmes/{public_id}/requirements/{requirement_id}",
    response={200: ProgrammeOut, **E},
    summary="Retirer un critère d'admission",
)
@acting("requirement.save")
def requirement_remove(request, public_id: UUID, requirement_id: UUID):
    programme = visible_programme(request, public_id)
    actions.requirement_remove(
        actor=request.user,
        programme=programme,
        requirement_id=requirement_id,
        acting=actor_of(request),
    )
    return programme_output(programme)


@router.post(
    "/regulation/programmes/{public_id}/vacancies",
    response={201: VacancyOut, **E},
    summary="Déclarer une place vacante",
)
@acting("vacancy.declare")
def vacancy_declare(request, public_id: UUID, payload: VacancyIn):
    programme = visible_programme(request, public_id)
    vacancy = actions.vacancy_declare(
        actor=request.user, programme=programme, data=payload, acting=actor_of(request)
    )
    return Status(201, presenters.vacancy_out(queries.vacancy_of(programme, vacancy.public_id)))


@router.post(
    "/regulation/programmes/{public_id}/vacancies/{vacancy_id}/withdraw",
    response={200: VacancyOut, **E},
    summary="Retirer une vacance",
)
@acting("vacancy.withdraw")
def vacancy_withdraw(request, public_id: UUID, vacancy_id: UUID, payload: NoteIn):
    programme = visible_programme(request, public_id)
    vacancy = reads.vacancy_in(programme, vacancy_id, "vacancy.withdraw")
    actions.vacancy_withdraw(
        actor=request.user, vacancy=vacancy, data=payload, acting=actor_of(request)
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
