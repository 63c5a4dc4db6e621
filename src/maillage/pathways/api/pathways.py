"""The pathways one follows, one pathway, and its FHIR export."""

import json
from uuid import UUID

from django.http import HttpResponse
from ninja import Router

from maillage.core import audit
from maillage.core.pipeline import acting
from maillage.pathways import fhir, presenters, reads
from maillage.pathways.api._common import visible_pathway
from maillage.pathways.schemas import ErrorOut, PathwayOut, PathwaySummaryOut

router = Router(tags=["parcours"])


@router.get(
    "/pathways/{public_id}/fhir",
    response={200: dict, 404: ErrorOut},
    summary="Le parcours en Bundle FHIR R4 (Patient, CareTeam, CarePlan, Goal, Task, Consent…)",
    openapi_extra={"x-media-types": {200: ["application/fhir+json"]}},
)
def pathway_fhir(request, public_id: UUID):
    pathway = visible_pathway(request, public_id)
    audit.record("pathway.export_fhir", request=request, obj=pathway)
    return HttpResponse(
        json.dumps(fhir.bundle(pathway), ensure_ascii=False),
        content_type="application/fhir+json",
    )


@router.get(
    "/pathways",
    response={200: list[PathwaySummaryOut], 403: ErrorOut},
    summary="Les parcours que je suis : actions en retard, révision due, nouveaux messages",
)
@acting("pathway.list")
def pathway_list(request):
    pathways = reads.pathways_listed(acting=audit.Actor.of(request))
    return [presenters.pathway_summary_out(p) for p in pathways]


@router.get(
    "/pathways/{public_id}",
    response={200: PathwayOut, 404: ErrorOut},
    summary="Un parcours : état, référent·e, cercle de soins, clôture",
)
def pathway_detail(request, public_id: UUID):
    pathway = visible_pathway(request, public_id)
    reads.pathway_record_read(pathway=pathway, acting=audit.Actor.of(request))
    return presenters.pathway_out(pathway)
