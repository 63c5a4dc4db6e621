"""The 115: a call taken, tonight's outcome recorded."""

from uuid import UUID

from ninja import Router, Status

from maillage.core.pipeline import acting
from maillage.regulation import actions
from maillage.regulation.api._common import E, actor_of, request_output, visible_request
from maillage.regulation.inputs import EmergencyCallIn, NightIn
from maillage.regulation.schemas import NightOut, PlaceRequestOut

router = Router(tags=["régulation"])


@router.post(
    "/regulation/emergency",
    response={201: PlaceRequestOut, **E},
    summary="115 : enregistrer un appel (mise à l'abri demandée ce soir)",
)
@acting("emergency.call")
def emergency_call(request, payload: EmergencyCallIn):
    created = actions.emergency_call(actor=request.user, data=payload, acting=actor_of(request))
    return Status(201, request_output(request, created))


@router.post(
    "/regulation/requests/{public_id}/night",
    response={201: NightOut, **E},
    summary="115 : ce que devient la nuit (mise à l'abri, ou non pourvue et pourquoi)",
)
@acting("emergency.shelter")
def emergency_night(request, public_id: UUID, payload: NightIn):
    place_request = visible_request(request, public_id)
    night = actions.emergency_night(
        actor=request.user, place_request=place_request, data=payload, acting=actor_of(request)
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
