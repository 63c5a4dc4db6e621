"""Place requests: written, moved, signed; the medical part and its physician; the
applications of the multi-application mode."""

from uuid import UUID

from ninja import Query, Router, Schema, Status

from maillage.core import audit
from maillage.core.pipeline import Missing, acting, require
from maillage.regulation import access, actions, presenters, queries, reads
from maillage.regulation.api._common import E, actor_of, request_output, visible_request
from maillage.regulation.inputs import (
    ApplicationAnswerIn,
    ApplicationsIn,
    MedicalIn,
    PhysicianIn,
    PlaceRequestIn,
    PlaceRequestUpdateIn,
    RequestMoveIn,
)
from maillage.regulation.schemas import ApplicationOut, ErrorOut, PlaceRequestOut

router = Router(tags=["régulation"])


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
            actor=actor_of(request),
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
        actor=request.user, data=payload, acting=actor_of(request)
    )
    return Status(201, request_output(request, created))


@router.get(
    "/regulation/requests/{public_id}",
    response={200: PlaceRequestOut, 404: ErrorOut},
    summary="Une demande de place, son ménage, son histoire",
)
def place_request_detail(request, public_id: UUID):
    place_request = visible_request(request, public_id)
    reads.request_record_read(place_request=place_request, acting=actor_of(request))
    return request_output(request, place_request)


@router.put(
    "/regulation/requests/{public_id}",
    response={200: PlaceRequestOut, **E},
    summary="Mettre à jour une demande (version lue : 409 si elle a changé)",
)
@acting("place_request.update")
def place_request_update(request, public_id: UUID, payload: PlaceRequestUpdateIn):
    place_request = visible_request(request, public_id)
    actions.place_request_update(
        actor=request.user, place_request=place_request, data=payload, acting=actor_of(request)
    )
    return request_output(request, place_request)


@router.post(
    "/regulation/requests/{public_id}/state",
    response={200: PlaceRequestOut, **E},
    summary="Faire avancer une demande dans ses états",
)
@acting("place_request.move")
def place_request_move(request, public_id: UUID, payload: RequestMoveIn):
    place_request = visible_request(request, public_id)
    actions.place_request_move(
        actor=request.user, place_request=place_request, data=payload, acting=actor_of(request)
    )
    return request_output(request, place_request)


@router.post(
    "/regulation/requests/{public_id}/signature",
    response={200: PlaceRequestOut, **E},
    summary="La personne signe le volet administratif",
)
@acting("place_request.sign")
def place_request_sign(request, public_id: UUID):
    place_request = visible_request(request, public_id)
    actions.place_request_sign(
        actor=request.user, place_request=place_request, acting=actor_of(request)
    )
    return request_output(request, place_request)


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
    place_request = visible_request(request, public_id)
    medical = reads.medical_read(
        place_request=place_request,
        applications=queries.applications_of(place_request),
        acting=actor_of(request),
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
    place_request = visible_request(request, public_id)
    actions.physician_name(
        actor=request.user, place_request=place_request, data=payload, acting=actor_of(request)
    )
    return request_output(request, place_request)


@router.put(
    "/regulation/requests/{public_id}/medical",
    response={200: MedicalOut, **E},
    summary="Écrire le volet médical",
)
@acting("medical.save")
def medical_save(request, public_id: UUID, payload: MedicalIn):
    place_request = visible_request(request, public_id)
    medical = actions.medical_save(
        actor=request.user, place_request=place_request, data=payload, acting=actor_of(request)
    )
    return _medical_out(medical)


@router.post(
    "/regulation/requests/{public_id}/applications",
    response={201: list[ApplicationOut], **E},
    summary="Envoyer le dossier à plusieurs établissements",
)
@acting("application.send")
def applications_send(request, public_id: UUID, payload: ApplicationsIn):
    place_request = visible_request(request, public_id)
    created = actions.applications_send(
        actor=request.user, place_request=place_request, data=payload, acting=actor_of(request)
    )
    return Status(201, [presenters.application_out(a) for a in created])


@router.get(
    "/regulation/applications/{public_id}",
    response={200: ApplicationOut, 404: ErrorOut},
    summary="Une candidature reçue",
)
def application_detail(request, public_id: UUID):
    return presenters.application_out(
        reads.visible_application(public_id=public_id, acting=actor_of(request))
    )


@router.post(
    "/regulation/applications/{public_id}/answer",
    response={200: ApplicationOut, **E},
    summary="Répondre à une candidature : liste d'attente, refus motivé ou admission",
)
@acting("application.answer")
def application_answer(request, public_id: UUID, payload: ApplicationAnswerIn):
    found = reads.visible_application(public_id=public_id, acting=actor_of(request))
    answered = actions.application_answer(
        actor=request.user, application=found, data=payload, acting=actor_of(request)
    )
    return presenters.application_out(answered)
