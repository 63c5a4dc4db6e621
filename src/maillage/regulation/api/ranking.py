"""The regulator's tools: the ranked list, « pourquoi pas ? », the priority policies and
their simulation."""

from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from maillage.core import audit
from maillage.core.pipeline import acting
from maillage.regulation import actions, explain, presenters, queries, reads
from maillage.regulation.api._common import E, actor_of, regulator_for, visible_request
from maillage.regulation.inputs import PolicyIn
from maillage.regulation.schemas import ErrorOut, PolicyOut, RankingOut, SimulationOut, WhyNotOut

router = Router(tags=["régulation"])


@router.get(
    "/regulation/requests/{public_id}/why-not/{vacancy_id}",
    response={200: WhyNotOut, 404: ErrorOut},
    summary="Pourquoi cette place n'est pas proposée à cette demande",
)
@acting("place_request.read")
def why_not(request, public_id: UUID, vacancy_id: UUID):
    place_request = visible_request(request, public_id)
    _vacancy, answer = reads.why_not(
        place_request=place_request, vacancy_id=vacancy_id, acting=actor_of(request)
    )
    return answer


class Page(Schema):
    page: int = Field(default=1, ge=1, le=1_000_000)


@router.get(
    "/regulation/regulators/{regulator_id}/ranking",
    response={200: RankingOut, 404: ErrorOut},
    summary="Les demandes en attente, classées, avec la raison de chaque rang",
)
@acting("ranking.read")
def ranking(request, regulator_id: UUID, page: Query[Page]):
    regulator = regulator_for(request, regulator_id, "ranking.read")
    policy = queries.policy_of(queries.policy_in_force(regulator.pk))
    number = max(1, page.page)
    ranked = queries.ranked_requests(regulator.pk, policy, page=number, per_page=100)
    reads.ranking_read(regulator=regulator, rows=ranked.rows, acting=actor_of(request))
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
    regulator = regulator_for(request, regulator_id, "policy.save")
    return [presenters.policy_out(p) for p in queries.policies_of([regulator.pk])]


@router.post(
    "/regulation/regulators/{regulator_id}/policies",
    response={201: PolicyOut, **E},
    summary="Écrire un brouillon de politique de priorité",
)
@acting("policy.save")
def policy_create(request, regulator_id: UUID, payload: PolicyIn):
    regulator = regulator_for(request, regulator_id, "policy.save")
    created = actions.policy_create(
        actor=request.user, regulator=regulator, data=payload, acting=actor_of(request)
    )
    return Status(201, presenters.policy_out(created))


def _policy(request, public_id):
    return reads.visible_policy(public_id=public_id, acting=actor_of(request))


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
        acting=actor_of(request),
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
        actor=request.user, policy=_policy(request, public_id), acting=actor_of(request)
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
    audit.record("policy.simulate", actor=actor_of(request), obj=record)
    return result
