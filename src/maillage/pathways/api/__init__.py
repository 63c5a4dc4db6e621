"""Support requests, triage, care circles, plans and follow-up through the API: the same
actions, inputs (pathways.inputs) and presenters (pathways.presenters) as the pages, the
same access rules (404 for what one may not see). One module per aggregate, as the actions.
"""

from ninja import Router

from maillage.pathways.api import (
    assessments,
    circle,
    closure,
    meetings,
    notebook,
    pathways,
    plan,
    portal,
    requests,
    stays,
)

router = Router(tags=["parcours"])
for module in (
    requests,
    circle,
    plan,
    pathways,
    notebook,
    stays,
    meetings,
    closure,
    portal,
    assessments,
):
    router.add_router("", module.router)
