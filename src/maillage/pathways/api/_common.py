"""The scoped lookups every pathway endpoint starts with: what the user may not see is a
`Missing` (404, audited), never a hint that it exists."""

from maillage.core import audit
from maillage.pathways import reads


def visible_request(request, public_id):
    return reads.visible_request(public_id=public_id, acting=audit.Actor.of(request))


def visible_pathway(request, public_id):
    return reads.visible_pathway(public_id=public_id, acting=audit.Actor.of(request))
