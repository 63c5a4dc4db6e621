"""The person's own place requests, in her space: where each one is, what is waited for,
and where she stands in the queue, with her own reasons — never anyone else's."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core import audit
from maillage.regulation import presenters, priority, queries
from maillage.regulation.enums import Mode, PlaceRequestState

WAITED_FOR = {
    PlaceRequestState.SENT: gettext_lazy("Le SIAO va lire votre demande."),
    PlaceRequestState.INCOMPLETE: gettext_lazy(
        "Il manque des informations : votre référent·e vous en parlera."
    ),
    PlaceRequestState.CHECKED: gettext_lazy(
        "Votre demande est vérifiée : elle va entrer dans la liste d'attente."
    ),
    PlaceRequestState.WAITING: gettext_lazy("On cherche une place qui vous convient."),
    PlaceRequestState.PROPOSED: gettext_lazy(
        "Une place est proposée : la commission et la structure vont répondre."
    ),
    PlaceRequestState.ADMITTED: gettext_lazy("Une place vous est attribuée."),
    PlaceRequestState.REFUSED: gettext_lazy(
        "Votre demande n'a pas été retenue : votre référent·e vous dira pourquoi."
    ),
    PlaceRequestState.SUSPENDED: gettext_lazy(
        "Votre demande attend une mise à jour : parlez-en à votre référent·e."
    ),
    PlaceRequestState.CANCELLED: gettext_lazy("Votre demande est annulée."),
}


def band_of(rank: int) -> str:
    if rank <= 10:
        return _("Vous êtes parmi les 10 premières demandes.")
    if rank <= 50:
        return _("Vous êtes entre la 11e et la 50e demande.")
    return _("Plus de 50 demandes passent avant la vôtre pour l'instant.")


def portal(request):
    today = timezone.localdate()
    found = queries.portal_requests(request.user)
    shown = []
    for place_request in found:
        view = presenters.request_out(place_request, events=queries.events_of(place_request))
        band = reasons = None
        if (
            place_request.state == PlaceRequestState.WAITING
            and place_request.mode == Mode.CENTRALISED
        ):
            policy = queries.policy_of(queries.policy_in_force(place_request.regulator_id))
            band = band_of(queries.rank_of(place_request, policy, today))
            reasons = [
                line.text
                for line in priority.breakdown(policy, queries.standing_of(place_request, today))
                if line.points
            ]
        # A dossier sent to establishments: where it went and what each one answered.
        applications = (
            [
                {
                    "establishment": a.programme.name,
                    "state": a.get_state_display(),
                    "answered_at": a.answered_at,
                    "sent_at": a.created_at,
                }
                for a in queries.applications_of(place_request)
            ]
            if place_request.mode == Mode.APPLICATIONS
            else []
        )
        shown.append(
            {
                "view": view,
                "waited_for": WAITED_FOR.get(place_request.state, ""),
                "band": band,
                "reasons": reasons,
                "applications": applications,
            }
        )
    if found:
        audit.record(
            "place_request.read",
            request=request,
            object_type="regulation.placerequest",
            details={"shown": [str(r.public_id) for r in found], "portal": True},
        )
    return render(request, "regulation/portal.html", {"requests": shown})
