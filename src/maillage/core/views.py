import json
import logging
import re
import sys
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from maillage.core import access, actions, audit, dashboard, middleware, pipeline, queries
from maillage.core.actions import platform_settings_update
from maillage.core.forms import PlatformSettingsForm
from maillage.core.inputs import is_uuid
from maillage.core.middleware import ACTIVE_MEMBERSHIP_KEY
from maillage.core.models import AuditEvent, Outcome, PlatformSettings
from maillage.core.roles import PORTAL_ROLES, Capability, Role

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


CSP_REPORT_MAX_BYTES = 8192


@login_not_required
@csrf_exempt
@require_POST
def csp_report(request):
    """Browsers post here what the Content-Security-Policy blocked. Logged for the operators
    (the directive, the blocked origin, the page's path: never the page's query string nor
    the sample, which may hold what someone typed); the answer is always 204."""
    try:
        body = request.body
    except (RawPostDataException, SuspiciousOperation):
        body = b""  # a form post read as one already, or over the upload limit
    try:
        report = json.loads(body).get("csp-report", {}) if len(body) <= CSP_REPORT_MAX_BYTES else {}
    except (ValueError, AttributeError, RecursionError):
        report = {}  # not a report
    if isinstance(report, dict) and report:
        logger.warning(
            "csp violation: %s blocked %s on %s",
            str(report.get("effective-directive") or report.get("violated-directive"))[:80],
            _origin_only(report.get("blocked-uri")),
            urlsplit(str(report.get("document-uri") or "")).path[:200],
        )
    return HttpResponse(status=204)


def _origin_only(uri) -> str:
    parts = urlsplit(str(uri or ""))
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else str(uri or "")[:20]


def bad_request(request, exception=None):
    """Django's 400 (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a host it refuses…): French,
    and JSON for the API."""
    return middleware.bad_request(
        request, _("La requête est trop grande ou mal formée : rien n'a été enregistré.")
    )


def page_not_found(request, exception=None):
    """Not found, or not the user's to see: she is told the same (a `Missing` was audited
    by core.middleware.RefusalAuditMiddleware)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "introuvable"}, status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    """A 500, unless the error is a statement PostgreSQL cancelled (the 503 then, wherever it
    was raised); JSON for the API. Rendered without the database, which may be the cause."""
    error = sys.exc_info()[1]
    if middleware.is_query_cancelled(error):
        return middleware.timed_out(request)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": "erreur interne : l'équipe technique est prévenue, réessayez"},
            status=500,
        )
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def permission_denied(request, exception=None):
    """Every refusal is audited once: under the name a `Denied` carries (or the operation's,
    `pipeline.acting`), with its record; any other 403 (a decorator, a view not yet
    written that way) under `access.denied` with the URL name."""
    if not audit.denial_recorded():
        action, target = pipeline.denial_of(request, exception, "access.denied")
        match = getattr(request, "resolver_match", None)
        details = {} if target else {"view": match.view_name if match else ""}
        audit.deny(action, request=request, details=details, **target)
    return render(request, "403.html", status=403)


def home(request):
    """The home page adapts to the active role: each module adds its own block."""
    user = request.user
    membership = request.active_membership
    role = membership.role if membership else None
    settings_row = PlatformSettings.current()
    team = request.GET.get("vue") == "equipe" and dashboard.has_team(user)
    context = {
        "role": role,
        "is_portal": role in PORTAL_ROLES,
        "portal_role": role,
        "tiles": []
        if role in PORTAL_ROLES
        else dashboard.tiles_for(
            user, team=team, today=timezone.localdate(), acting=audit.Actor.of(request)
        ),
        "team": team,
        "has_team": role not in PORTAL_ROLES and dashboard.has_team(user),
        "memberships": user.active_memberships(),
        "platform": settings_row,
        "Capability": Capability,
        "Role": Role,
    }
    return render(request, "core/home.html", context)


@require_POST
def switch_role(request):
    wanted = request.POST.get("membership", "")
    if any(str(m.public_id) == wanted for m in request.user.active_memberships()):
        request.session[ACTIVE_MEMBERSHIP_KEY] = wanted
    return redirect("core:home")


def platform_settings(request):
    if not access.can_administer_platform(request.user):
        raise pipeline.Denied("platform.settings")
    settings_row = PlatformSettings.current()
    form = PlatformSettingsForm(request.POST or None, instance=settings_row)
    if request.method == "POST" and form.is_valid():
        platform_settings_update(
            actor=request.user,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
            acting=audit.Actor.of(request),
        )
        return redirect("core:platform_settings")
    return render(
        request,
        "core/platform_settings.html",
        {"form": form, "saved": request.GET.get("ok") == "1"},
    )


def audit_log(request):
    if not access.can_view_audit_log(request.user):
        raise pipeline.Denied("audit.view")
    events = AuditEvent.objects.order_by("-id")
    # What was done, chosen in words: one action, or every action of an app (« app:… »).
    groups = audit.declared_by_app()
    action = request.GET.get("action", "").strip()[:80]
    by_app = {f"app:{label}": [name for name, _words in names] for label, _n, names in groups}
    if action in by_app:
        events = events.filter(action__in=by_app[action])
    elif action in audit.declared():
        events = events.filter(action=action)
    else:
        action = ""
    outcome = request.GET.get("resultat", "")
    if outcome in Outcome.values:
        events = events.filter(outcome=outcome)
    # A record's public id: the events whose object it is (its reads, its changes; the
    # lists that showed it name it in their details, not as their object).
    record = request.GET.get("objet", "")
    if is_uuid(record):
        events = events.filter(object_id=record)
    else:
        record = ""
    account = request.GET.get("compte", "")  # a public id: never a name in an address
    if is_uuid(account):
        events = events.filter(actor_id=account)
    since = parse_date(request.GET.get("du", "") or "") if _is_iso(request.GET.get("du")) else None
    until = parse_date(request.GET.get("au", "") or "") if _is_iso(request.GET.get("au")) else None
    if since:
        events = events.filter(occurred_at__date__gte=since)
    if until:
        events = events.filter(occurred_at__date__lte=until)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    rows = audit.readable(list(page))
    audit.record("audit.view", request=request)
    query = {
        k: v
        for k, v in {
            "action": action,
            "resultat": outcome if outcome in Outcome.values else "",
            "compte": account if is_uuid(account) else "",
            "objet": record,
            "du": since.isoformat() if since else "",
            "au": until.isoformat() if until else "",
        }.items()
        if v
    }
    return render(
        request,
        "core/audit_log.html",
        {
            "page": page,
            "rows": rows,
            "action": action,
            "outcome": query.get("resultat", ""),
            "outcomes": Outcome.choices,
            "account": query.get("compte", ""),
            "record": record,
            "groups": groups,
            "since": query.get("du", ""),
            "until": query.get("au", ""),
            "query": urlencode(query),
            "title": _("Journal d'audit"),
        },
    )


def _is_iso(value) -> bool:
    return bool(value) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))


@require_POST
def notification_preferences(request):
    actions.reminder_preference_set(
        user=request.user,
        weekly_digest=request.POST.get("weekly_digest") == "1",
        acting=audit.Actor.of(request),
    )
    messages.success(request, _("Préférence enregistrée."))
    return redirect("core:notifications")


def notifications(request):
    """My on-site notices, newest first; opening the page marks them read."""
    items = queries.notifications_of(request.user)
    unread = frozenset(n.pk for n in items if n.read_at is None)
    actions.notifications_mark_read(user=request.user, notifications=items)
    return render(request, "core/notifications.html", {"items": items, "unread": unread})
