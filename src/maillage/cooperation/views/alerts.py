"""Territorial alerts: the list of one's alerts, an alert's page (its news, who read it),
issuing one, its news, its end and archive. Thin: parse, check, call, render."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.cooperation import access, actions, inputs, queries, reads
from maillage.cooperation.enums import ALERT_TRANSITIONS, AlertState
from maillage.cooperation.forms import AlertForm, AlertUpdateForm
from maillage.core import audit
from maillage.core.pipeline import Denied, posted, refusal_returns_to, refusals_on


def _professional(request, action):
    if not access.party_organisation_ids(request.user):
        raise Denied(action)  # the person's and her caregivers' spaces receive none


def alert_list(request):
    """Her alerts (received, or issued by the platform she coordinates); `?archives=1`
    shows the archived ones."""
    _professional(request, "alert.list")
    archived = request.GET.get("archives") == "1"
    alerts = queries.alert_list(request.user, archived=archived)
    if alerts:
        audit.record(
            "alert.list",
            request=request,
            details={"shown": [str(a.public_id) for a in alerts]},
        )
    return render(
        request,
        "cooperation/alert_list.html",
        {
            "alerts": alerts,
            "archived": archived,
            "can_alert": access.can_alert(request.user),
            "keeping": {p.pk for p in access.alerting_platforms(request.user)},
            "campaigns": [] if archived else queries.campaign_list(request.user),
        },
    )


def alert_new(request):
    if not access.can_alert(request.user):
        raise Denied("alert.issue")
    form = AlertForm(request.POST or None, territories=queries.alert_territories())
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            alert = actions.alert_issue(
                actor=request.user, data=form.to_input(), acting=audit.Actor.of(request)
            )
        if submitted.done:
            messages.success(
                request, _("Alerte envoyée à %(n)s destinataires.") % {"n": alert.receipts.count()}
            )
            return redirect("cooperation:alert", public_id=alert.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "cooperation/alert_form.html", {"form": form}, status=status)


def alert_detail(request, public_id, status=200, update_form=None):
    alert = reads.visible_alert(request.user, public_id)
    keeper = access.keeps_alert(request.user, alert)
    audit.record("alert.read", request=request, obj=alert)
    return render(
        request,
        "cooperation/alert_detail.html",
        {
            "alert": alert,
            "keeper": keeper,
            "update_form": update_form or (AlertUpdateForm() if keeper else None),
            "moves": [(s, AlertState(s).label) for s in ALERT_TRANSITIONS[alert.state]]
            if keeper
            else [],
        },
        status=status,
    )


def _kept(request, public_id, action):
    alert = reads.visible_alert(request.user, public_id, action)
    if not access.keeps_alert(request.user, alert):
        raise Denied(action, obj=alert)
    return alert


@require_POST
def alert_update(request, public_id):
    alert = _kept(request, public_id, "alert.update")
    form = AlertUpdateForm(request.POST)
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.alert_update(
                actor=request.user,
                alert=alert,
                data=form.to_input(),
                acting=audit.Actor.of(request),
            )
        if submitted.done:
            messages.success(request, _("Nouvelles envoyées."))
            return redirect("cooperation:alert", public_id=public_id)
        return alert_detail(request, public_id, status=submitted.status, update_form=form)
    return alert_detail(request, public_id, status=400, update_form=form)


@require_POST
@refusal_returns_to("cooperation:alert", "public_id")
def alert_move(request, public_id):
    alert = _kept(request, public_id, "alert.move")
    moved = actions.alert_move(
        actor=request.user,
        alert=alert,
        data=posted(request, inputs.AlertMoveIn),
        acting=audit.Actor.of(request),
    )
    messages.success(request, _("L'alerte est %(state)s.") % {"state": moved.get_state_display()})
    return redirect("cooperation:alert", public_id=public_id)


@require_POST
@refusal_returns_to("cooperation:alert", "public_id")
def alert_acknowledge(request, public_id):
    alert = reads.visible_alert(request.user, public_id, "alert.acknowledge")
    actions.alert_acknowledge(actor=request.user, alert=alert, acting=audit.Actor.of(request))
    messages.success(request, _("Lecture notée : merci."))
    return redirect("cooperation:alert", public_id=public_id)
