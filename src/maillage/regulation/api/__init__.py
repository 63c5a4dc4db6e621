"""The regulation API: the same actions and reads as the pages, never logic of its own. One
module per aggregate, as the actions."""

from ninja import Router

from maillage.regulation.api import commission, emergency, proposals, ranking, requests, supply

router = Router(tags=["régulation"])
for module in (supply, requests, emergency, ranking, proposals, commission):
    router.add_router("", module.router)
