"""What the regulation API's modules share: the errors they answer, who is acting, and
the records they look up the same way as the pages (404 for what one may not see)."""

from maillage.core import audit
from maillage.core.pipeline import Missing
from maillage.regulation import access, presenters, queries, reads
from maillage.regulation.schemas import ErrorOut

E = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def actor_of(request):
    return audit.Actor.of(request)


def regulator_for(request, regulator_id, action):
    found = queries.regulators().filter(public_id=regulator_id).first()
    if found is None or found.pk not in access.regulating(request.user):
        raise Missing(
            action, object_type="accounts.organisation", object_id=regulator_id, what="SIAO"
        )
    return found


def visible_programme(request, public_id):
    return reads.visible_programme(public_id=public_id, acting=actor_of(request))


def programme_output(programme):
    fresh = queries.programme_for_output(programme.pk)
    return presenters.programme_out(fresh, queries.live_vacancies_of(fresh))


def proposal_output(request, proposal):
    """The runners-up and the weights are the SIAO's, not the structure's nor the
    prescriber's."""
    regulates = access.can_regulate_request(request.user, proposal.request)
    return presenters.proposal_out(proposal, reveal=regulates)


def visible_request(request, public_id):
    return reads.visible_request(public_id=public_id, acting=actor_of(request))


def request_output(request, place_request):
    side = access.side_on_request(request.user, place_request)
    fresh = queries.request_for(request.user, place_request.public_id) or place_request
    return presenters.request_out(fresh, events=queries.events_of(fresh), side=side)
