"""Audited reads of the pathways: what a request names, fetched through the scoped
queries, and each reading (or refusal) written to the audit trail — the same for pages and API."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from maillage.core import audit
from maillage.core.pipeline import found
from maillage.pathways import access, queries
from maillage.pathways.enums import (
    MemberStatus,
)


def visible_request(*, public_id, acting):
    """The support request, if the user may see it; else `Missing` (404 on a page or in the
    API, the denial audited once by the pipeline's handlers)."""
    return found(
        queries.request_for(acting.user, public_id),
        "support_request.read",
        "pathways.supportrequest",
        public_id,
        "demande",
    )


def visible_pathway(*, public_id, acting):
    """The pathway, if the user may see it; else `Missing` (404, audited)."""
    return found(
        queries.pathway_for(acting.user, public_id),
        "pathway.read",
        "pathways.pathway",
        public_id,
        "parcours",
    )


def pathways_listed(*, acting, name: str = "", team: bool = False, todo: str = "") -> list:
    """The pathways the user follows, with the ids shown written to the audit trail — the
    same for the page and the API. Refused (PermissionDenied, audited) to those who neither
    coordinate nor ask for support."""
    user = acting.user
    if not (access.can_triage(user) or access.can_request_support(user)):
        audit.deny("pathway.list", actor=acting)
        raise PermissionDenied
    team = team and access.can_triage(user)  # her team: the platforms she coordinates
    pathways = queries.my_pathways(user, name=name, team=team, todo=todo)
    if pathways or name:
        # A search by name is traced (what was shown, that it was a search), never the
        # name typed: it would be personal data in the trail's details.
        audit.record(
            "pathway.list",
            actor=acting,
            object_type="pathways.pathway",
            details={
                "shown": [str(p.public_id) for p in pathways],
                **({"search": 1} if name else {}),
                **({"team": 1} if team else {}),
            },
        )
    return pathways


HANDLED_PAGE = 50


def support_requests_listed(
    *,
    acting,
    api: bool = False,
    handled_too: bool = False,
    name: str = "",
    state: str = "",
    page: int = 1,
):
    """The triage queue (for a coordinator) and the user's own requests — and, with
    `handled_too`, a page of those her platforms already sorted, found by the person's
    name and the outcome — with the ids shown written to the audit trail, the same for
    the page and the API. Returns the queue, her requests, the sorted page and whether
    an older page follows."""
    user = acting.user
    queue = list(queries.triage_queue(user)[:200]) if access.can_triage(user) else []
    mine = list(queries.requests_made_by(user)[:100])
    handled, more = [], False
    if handled_too:
        start = (max(page, 1) - 1) * HANDLED_PAGE
        handled = list(
            queries.requests_handled(user, name=name, state=state)[start : start + HANDLED_PAGE + 1]
        )
        more, handled = len(handled) > HANDLED_PAGE, handled[:HANDLED_PAGE]
    shown = [str(r.public_id) for r in queue + mine + handled]
    if shown or name:
        # As for the pathways: that a name was searched is traced, never the name.
        details = {"shown": shown, **({"api": 1} if api else {}), **({"search": 1} if name else {})}
        audit.record(
            "support_request.list",
            actor=acting,
            object_type="pathways.supportrequest",
            details=details,
        )
    return queue, mine, handled, more


def support_request_record_read(*, support_request, acting, duplicates=()) -> None:
    """The read, and the other people's records shown beside it as possible duplicates."""
    details = {"duplicates": [str(p.public_id) for p in duplicates]} if duplicates else None
    audit.record("support_request.read", actor=acting, obj=support_request, details=details)


def pathway_record_read(*, pathway, acting) -> None:
    audit.record("pathway.read", actor=acting, obj=pathway)


def assessments_record_read(*, pathway, assessments, acting) -> None:
    audit.record(
        "assessment.read",
        actor=acting,
        obj=pathway,
        details={"shown": [str(a.public_id) for a in assessments]},
    )


def plan_record_read(*, plan, acting) -> None:
    audit.record("plan.read", actor=acting, obj=plan)


def notebook_record_read(*, pathway, messages, acting, now=None) -> None:
    """The reader has seen the notebook up to now; the messages shown are audited."""
    now = now or timezone.now()
    pathway.members.filter(user=acting.user, status=MemberStatus.ACTIVE).update(
        notebook_read_at=now
    )
    audit.record(
        "notebook.read",
        actor=acting,
        obj=pathway,
        details={"messages": [str(m.public_id) for m in messages]},
    )


def message_attachment_record_read(*, attachment, acting) -> None:
    audit.record(
        "notebook.attachment.read",
        actor=acting,
        obj=attachment.message,
        details={"attachment": str(attachment.public_id)},
    )


def stays_record_read(*, pathway, stays, acting) -> None:
    audit.record(
        "stay.read",
        actor=acting,
        obj=pathway,
        details={"stays": [str(s.public_id) for s in stays]},
    )


def meeting_record_read(*, meeting, acting) -> None:
    audit.record("meeting.read", actor=acting, obj=meeting)


def portal_record_read(*, pathway, acting, what: str = "portal.read") -> None:
    audit.record(what, actor=acting, obj=pathway)


# --- what a pathway holds, looked up within it --------------------------------------------
# A record of another pathway, or none: `Missing` (404, audited under `action`), for the
# pages and the API alike.


def meeting_in(pathway, meeting_id, action: str = "meeting.read"):
    return found(
        queries.meeting_for(pathway, meeting_id), action, "pathways.meeting", meeting_id, "réunion"
    )


def stay_in(pathway, stay_id, action: str):
    return found(
        queries.stay_for(pathway, stay_id),
        action,
        "pathways.hospitalstay",
        stay_id,
        "hospitalisation",
    )


def member_in(pathway, member_id, action: str = "circle.read"):
    return found(
        queries.circle_member(pathway, member_id),
        action,
        "pathways.circlemember",
        member_id,
        "membre",
    )
