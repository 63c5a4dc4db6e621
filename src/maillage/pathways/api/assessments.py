"""Multidimensional assessments: the levels of need per domain, AGGIR, the mini-Zarit."""

from uuid import UUID

from ninja import Router, Status

from maillage.core import audit
from maillage.core.pipeline import acting
from maillage.pathways import actions, presenters, queries, reads
from maillage.pathways.api._common import visible_pathway
from maillage.pathways.inputs import AssessmentIn
from maillage.pathways.schemas import AssessmentOut, ErrorOut

router = Router(tags=["parcours"])


@router.get(
    "/pathways/{public_id}/assessments",
    response={200: list[AssessmentOut], 404: ErrorOut},
    summary="Les évaluations du parcours, de la plus récente à la plus ancienne",
)
def assessment_list(request, public_id: UUID):
    pathway = visible_pathway(request, public_id)
    found = queries.assessments_of(pathway)
    reads.assessments_record_read(
        pathway=pathway, assessments=found, acting=audit.Actor.of(request)
    )
    return [presenters.assessment_out(a) for a in found]


@router.post(
    "/pathways/{public_id}/assessments",
    response={201: AssessmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Enregistrer une évaluation : chaque domaine, les mots de la personne, et si "
    "besoin la grille AGGIR (→ GIR) et le mini-Zarit de l'aidant·e",
)
@acting("assessment.create")
def assessment_create(request, public_id: UUID, payload: AssessmentIn):
    pathway = visible_pathway(request, public_id)
    assessment = actions.assessment_record(
        actor=request.user, pathway=pathway, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, presenters.assessment_out(assessment))
