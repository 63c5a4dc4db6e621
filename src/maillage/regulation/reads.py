"""Audited reads of regulation: what a request names, fetched through the scoped queries,
each reading of personal data (or its refusal) written to the audit trail — the same for
pages and API."""

from __future__ import annotations

from maillage.core import audit
from maillage.core.pipeline import Missing, found, require
from maillage.regulation import access, explain, queries


def visible_request(*, public_id, acting):
    return found(
        queries.request_for(acting.user, public_id),
        "place_request.read",
        "regulation.placerequest",
        public_id,
        "demande de place",
    )


def request_record_read(*, place_request, acting) -> None:
    audit.record("place_request.read", actor=acting, obj=place_request)


def visible_proposal(*, public_id, acting):
    proposal = found(
        queries.proposal_for(acting.user, public_id),
        "proposal.read",
        "regulation.proposal",
        public_id,
        "proposition",
    )
    audit.record(
        "proposal.read",
        actor=acting,
        obj=proposal,
        details={"request": str(proposal.request.public_id)},
    )
    return proposal


def visible_programme(*, public_id, acting):
    return found(
        queries.programme_for(acting.user, public_id),
        "programme.save",
        "regulation.programme",
        public_id,
        "dispositif",
    )


def visible_session(*, public_id, acting):
    session = found(
        queries.session_for(acting.user, public_id),
        "commission.read",
        "regulation.commissionsession",
        public_id,
        "commission",
    )
    audit.record("commission.read", actor=acting, obj=session)
    return session


def visible_application(*, public_id, acting):
    application = found(
        queries.application_for(acting.user, public_id),
        "application.answer",
        "regulation.application",
        public_id,
        "candidature",
    )
    audit.record(
        "place_request.read",
        actor=acting,
        obj=application.request,
        details={"application": str(application.public_id)},
    )
    return application


def visible_policy(*, public_id, acting):
    return found(
        queries.policy_for(acting.user, public_id),
        "policy.save",
        "regulation.prioritypolicy",
        public_id,
        "politique",
    )


def visible_run(*, public_id, acting):
    return found(
        queries.run_for(acting.user, public_id),
        "match.run",
        "regulation.matchrun",
        public_id,
        "calcul",
    )


def medical_read(*, place_request, applications, acting):
    """The medical part, for those who may read it (the reading audited); None for others,
    who are not told what it holds."""
    medical = queries.medical_of(place_request)
    if medical is None or not access.can_read_medical(acting.user, place_request, applications):
        return None
    audit.record("medical.read", actor=acting, obj=place_request)
    return medical


def ranking_read(*, regulator, rows, acting) -> None:
    if rows:
        audit.record(
            "ranking.read",
            actor=acting,
            obj=regulator,
            details={"shown": [str(row[1].public_id) for row in rows]},
        )


def vacancy_in(programme, public_id, action: str):
    return found(
        queries.vacancy_of(programme, public_id),
        action,
        "regulation.vacancy",
        public_id,
        "vacance",
    )


def why_not(*, place_request, vacancy_id, acting):
    """« Pourquoi pas moi ? » for the regulator of the request: the place (of her SIAO, else
    `Missing`) and the answer, the reading of the request audited."""
    require(
        access.can_regulate_request(acting.user, place_request),
        "place_request.read",
        obj=place_request,
    )
    vacancy = queries.regulated_vacancy(place_request.regulator_id, vacancy_id)
    if vacancy is None:
        raise Missing(
            "place_request.read",
            object_type="regulation.vacancy",
            object_id=vacancy_id,
            what="vacance",
        )
    request_record_read(place_request=place_request, acting=acting)
    policy = queries.policy_of(queries.policy_in_force(place_request.regulator_id))
    return vacancy, explain.why_not(place_request, vacancy, policy)


def document_read(*, place_request, public_id, acting):
    """A document of a request the user sees; its download audited."""
    document = queries.document_of(place_request, public_id)
    document = found(
        document if document is not None and document.path.exists() else None,
        "place_request.document_read",
        "regulation.requestdocument",
        public_id,
        "document",
    )
    audit.record(
        "place_request.document_read",
        actor=acting,
        obj=place_request,
        details={"document": str(document.public_id)},
    )
    return document


def requests_listed_read(*, requests, acting) -> None:
    """A list of requests shows the applicants' names: the ids shown are traced."""
    if requests:
        audit.record(
            "place_request.read",
            actor=acting,
            object_type="regulation.placerequest",
            details={"shown": [str(r.public_id) for r in requests]},
        )
