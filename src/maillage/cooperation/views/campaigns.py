"""Check-call campaigns: launching one, its board (each sees the people of her circles
only), a call's outcome, the campaign's close. Thin: parse, check, call, render."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.cooperation import access, actions, queries, reads
from maillage.cooperation.enums import CALL_TRANSITIONS, CallState, CampaignState
from maillage.cooperation.forms import CallMoveForm, CampaignForm
from maillage.core import audit
from maillage.core.pipeline import Denied, posted_version, refusal_returns_to, refusals_on


def campaign_new(request):
    if not access.can_alert(request.user):
        raise Denied("campaign.create")
    form = CampaignForm(
        request.POST or None,
        territories=queries.alert_territories(),
        alerts=queries.alerts_for_campaigns(request.user),
    )
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            campaign = actions.campaign_create(
                actor=request.user, data=form.to_input(), acting=audit.Actor.of(request)
            )
        if submitted.done:
            messages.success(request, _("Campagne lancée : les appels sont dans les plans."))
            return redirect("cooperation:campaign", public_id=campaign.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "cooperation/campaign_form.html", {"form": form}, status=status)


def _page(request) -> int:
    try:
        return min(max(int(request.GET.get("page", 1)), 1), 1000)
    except ValueError:
        return 1


def campaign_detail(request, public_id, status=200, forms=None):
    campaign = reads.visible_campaign(request.user, public_id)
    state = request.GET.get("etat", "")
    state = state if state in CallState.values else ""
    page = _page(request)
    calls, more = queries.campaign_board(request.user, campaign, state=state, page=page)
    audit.record(
        "campaign.read",
        request=request,
        obj=campaign,
        details={"shown": [str(c.pathway.public_id) for c in calls]},
    )
    # Each row's little form is written by the template (a hundred Django forms would cost
    # more than the whole board); a call refused on POST comes back with its bound form.
    forms = forms or {}
    moves = {s: [(t, CallState(t).label) for t in CALL_TRANSITIONS[s]] for s in CallState.values}
    rows = [(call, forms.get(call.pk), moves[call.state]) for call in calls]
    counts = [(s, CallState(s).label, getattr(campaign, f"n_{s}")) for s in CallState.values]
    return render(
        request,
        "cooperation/campaign_detail.html",
        {
            "campaign": campaign,
            "rows": rows,
            "counts": counts,
            "state": state,
            "page": page,
            "more": more,
            "running": campaign.state == CampaignState.RUNNING,
            "keeper": access.keeps_campaign(request.user, campaign),
        },
        status=status,
    )


@require_POST
def call_move(request, public_id, call_id):
    campaign = reads.visible_campaign(request.user, public_id, "call.move")
    call = reads.call_of(request.user, campaign, call_id)
    form = CallMoveForm(
        request.POST,
        prefix=f"c{call.pk}",
        moves=[(s, CallState(s).label) for s in CALL_TRANSITIONS[call.state]],
    )
    status = 400
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.call_move(
                actor=request.user, call=call, data=form.to_input(), acting=audit.Actor.of(request)
            )
        if submitted.done:
            messages.success(request, _("Appel noté."))
            return redirect("cooperation:campaign", public_id=public_id)
        status = submitted.status  # 409: someone noted it meanwhile
    return campaign_detail(request, public_id, status=status, forms={call.pk: form})


@require_POST
@refusal_returns_to("cooperation:campaign", "public_id")
def campaign_close(request, public_id):
    campaign = reads.visible_campaign(request.user, public_id, "campaign.close")
    actions.campaign_close(
        actor=request.user,
        campaign=campaign,
        version=posted_version(request),
        acting=audit.Actor.of(request),
    )
    messages.success(request, _("Campagne close."))
    return redirect("cooperation:campaign", public_id=public_id)
