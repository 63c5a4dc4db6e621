"""The regulation home: what waits for this user, by what she does."""

from django.shortcuts import render
from django.utils import timezone

from maillage.core import audit
from maillage.core.pipeline import Denied
from maillage.regulation import access, queries, reads
from maillage.regulation.enums import PlaceRequestState


def home(request):
    user = request.user
    if not access.can_use_regulation(user):
        raise Denied("place_request.read")
    today = timezone.localdate()
    regulating = access.regulating(user)
    mine = (
        queries.requests_listed(user, mine=True, limit=20)
        if access.can_request_places(user)
        else []
    )
    reads.requests_listed_read(requests=mine, acting=audit.Actor.of(request))
    counts = queries.regulator_counts(regulating, today) if regulating else {}
    return render(
        request,
        "regulation/home.html",
        {
            "regulates": bool(regulating),
            "takes_calls": access.can_take_calls(user),
            "requests_places": access.can_request_places(user),
            "receives": bool(access.receiving(user)),
            "counts": counts,
            "tonight": queries.tonight_places(regulating or access.answering_calls(user), today),
            "received": queries.proposals_received(user),
            "applications": queries.applications_received(user),
            "mine": mine,
            "states": PlaceRequestState,
        },
    )
