"""What several regulation pages share: the scoped lookups (a record the user may not see
is a `Missing`: 404, audited) and the SIAO the user acts for."""

from maillage.core import audit
from maillage.core.pipeline import Denied
from maillage.regulation import access, queries, reads


def acting(request):
    return audit.Actor.of(request)


def regulator_of(request, action: str):
    """The SIAO the user acts for: the organisation of the membership in use when it
    regulates, else the first she regulates; `Denied` for those who regulate nothing."""
    regulating = access.regulating(request.user)
    if not regulating:
        raise Denied(action)
    membership = getattr(request, "active_membership", None)
    chosen = (
        membership.organisation_id
        if membership and membership.organisation_id in regulating
        else regulating[0]
    )
    return queries.regulators().get(pk=chosen)


def visible_request(request, public_id):
    return reads.visible_request(public_id=public_id, acting=acting(request))


def visible_programme(request, public_id):
    return reads.visible_programme(public_id=public_id, acting=acting(request))


def visible_proposal(request, public_id):
    return reads.visible_proposal(public_id=public_id, acting=acting(request))
