import logging
import time
from dataclasses import replace
from urllib.parse import urlparse

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from psycopg import errors as psycopg_errors

from maillage.core import audit, pipeline
from maillage.core.access import second_factor_step
from maillage.core.inputs import strip_forbidden, text_problem

logger = logging.getLogger(__name__)

LAST_ACTIVITY_KEY = "maillage_last_activity"
ACTIVE_MEMBERSHIP_KEY = "maillage_active_membership"


def _is_public(view_func) -> bool:
    return getattr(view_func, "login_required", True) is False


class StatementTimeoutMiddleware:
    """Every request's statements are bounded by settings.STATEMENT_TIMEOUT (connections
    start with the longer JOB_STATEMENT_TIMEOUT); one cancelled by PostgreSQL gets a French
    503 — a page, or JSON for the API — instead of a 500, and nothing was written (its
    transaction was rolled back)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        use_statement_timeout(settings.STATEMENT_TIMEOUT)
        return self.get_response(request)

    def process_exception(self, request, exception):
        return timed_out(request) if is_query_cancelled(exception) else None


def timed_out(request):
    """The French 503 of a statement PostgreSQL cancelled (core.views.server_error gives it
    too, for one cancelled outside a view: in a middleware, in lazy template rendering)."""
    logger.warning("statement timeout on %s", request.path)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("la requête a pris trop de temps et a été interrompue : réessayez")},
            status=503,
        )
    else:
        response = HttpResponse(
            loader.render_to_string("503.html"), status=503, content_type="text/html"
        )
    response["Retry-After"] = "30"
    return response


def use_statement_timeout(seconds: int) -> None:
    """Bound this thread's database statements to `seconds` (0: no limit). Set once per
    connection, on the driver's own connection so that it is not counted as a query of the
    request; a new connection starts from the settings' OPTIONS again."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    # Inside a transaction (tests run each in one) the setting may yet be rolled back.
    already = getattr(wrapper, "maillage_timeout", None) == seconds
    if wrapper.connection is not None and already and not wrapper.in_atomic_block:
        return
    try:
        wrapper.ensure_connection()
        wrapper.connection.execute(
            "SELECT set_config('statement_timeout', %s, false)", [f"{seconds * 1000}"]
        )
    except (DatabaseError, psycopg_errors.Error):
        return  # the database is away: the view says so (healthz answers 503)
    wrapper.maillage_timeout = seconds


@receiver(connection_created)
def _new_connection(sender, connection, **kwargs):
    connection.maillage_timeout = None  # as the OPTIONS set it: the jobs' timeout


def is_query_cancelled(exception) -> bool:
    while exception is not None:
        if isinstance(exception, psycopg_errors.QueryCanceled):
            return True
        exception = exception.__cause__
    return False


class NoStoreMiddleware:
    """Pages and API answers are never stored by a browser or a proxy (a record page left in
    a shared computer's cache, or in a proxy's): `Cache-Control: no-store` on every dynamic
    response that did not set its own caching. Static files (WhiteNoise, before this) keep
    theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


class InputMiddleware:
    """The one input normalisation (core.inputs) for what a request carries outside a JSON
    body (the API's parser checks those): a cookie holding a forbidden character is dropped
    (a session id with a NUL failed every page at the session lookup); one in the path or
    the query string gets a French 400; in a posted form, it is taken out of request.POST,
    so that no view can send it to the database, and each field it was in is named in
    `request.POST.input_problems`, which Maillage's forms (core.forms.CheckedInput) show as
    that field's error, the rest of what was typed being shown again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name, value in list(request.COOKIES.items()):
            if text_problem(name) or text_problem(value):
                del request.COOKIES[name]  # as if the browser had not sent it
        problem = text_problem(request.path) or _first_problem(request.GET)
        if problem:
            return bad_request(request, problem)
        if request.method == "POST" and request.content_type in FORM_TYPES:
            cleaned = _cleaned(request.POST)
            if cleaned is not None:
                request.POST = cleaned
        return self.get_response(request)


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _first_problem(query_dict) -> str | None:
    for key, values in query_dict.lists():
        for text in (key, *values):
            problem = text_problem(text)
            if problem:
                return _("Paramètre « %(name)s » : %(problem)s.") % {
                    "name": strip_forbidden(key)[:40],
                    "problem": problem,
                }
    return None


def _cleaned(query_dict):
    """A copy without forbidden characters, with `input_problems` {field: reason}; None when
    there was nothing to take out."""
    problems = {}
    for key, values in query_dict.lists():
        for text in (key, *values):
            problem = text_problem(text)
            if problem:
                problems.setdefault(strip_forbidden(key), problem)
    if not problems:
        return None
    cleaned = QueryDict(mutable=True)
    for key, values in query_dict.lists():
        cleaned.setlist(strip_forbidden(key), [strip_forbidden(v) for v in values])
    cleaned._mutable = False
    cleaned.input_problems = problems
    return cleaned


def bad_request(request, reason: str):
    """A French 400: JSON for the API, a page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": reason}, status=400)
    return render(request, "400.html", {"reason": reason}, status=400)


class HtmxMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.htmx = request.headers.get("HX-Request") == "true"
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Log out a session left idle longer than SESSION_IDLE_TIMEOUT seconds.

    Public views (health check, login page) skip it so they never need the session store.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _is_public(view_func) or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        session = request.session
        if BACKEND_SESSION_KEY not in session:
            return None
        now = int(time.time())
        last = session.get(LAST_ACTIVITY_KEY, now)
        if now - last > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
            messages.info(request, _("Votre session a expiré après une période d'inactivité."))
            return None
        # Write at most once a minute: the session row need not change on every click.
        if now - last >= 60 or LAST_ACTIVITY_KEY not in session:
            session[LAST_ACTIVITY_KEY] = now
        return None


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Login by default (Django's), then the second factor where it applies.

    A user who has a confirmed TOTP device must enter a code after the password; a user
    whose roles require a second factor and who has none is sent to set one up. Views
    marked `second_factor_exempt` (the 2FA pages themselves, logout) stay reachable.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.namespace == "api":
            # The API authenticates each operation itself (ninja `auth=`) and answers 401 in
            # JSON; a redirect to the login page would mean nothing to a client program.
            return None
        response = super().process_view(request, view_func, view_args, view_kwargs)
        if response is not None or _is_public(view_func):
            return response
        user = request.user
        request.active_membership = _active_membership(request)
        if getattr(view_func, "second_factor_exempt", False):
            return None
        step = second_factor_step(user)
        if step == "verify":
            return redirect("accounts:otp_verify")
        if step == "setup":
            return redirect("accounts:otp_setup")
        return None


class RefusalAuditMiddleware:
    """A page's `Denied` or `Missing` (core.pipeline) is written to the audit trail here,
    once, under the action and record it carries — whatever renders the answer afterwards
    (the 403/404 handlers, or Django's debug pages under MAILLAGE_DEBUG, which skip the
    404 handler). The API audits its own in its exception handlers (maillage/api.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        audit.new_request()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, pipeline.Refusal) and not audit.denial_recorded():
            action, target = pipeline.denial_of(request, exception, "access.denied")
            audit.deny(action, request=request, **target)
        return None


def _active_membership(request):
    memberships = request.user.active_memberships()
    if not memberships:
        return None
    chosen = request.session.get(ACTIVE_MEMBERSHIP_KEY)
    for membership in memberships:
        if str(membership.public_id) == chosen:
            return membership
    return memberships[0]


def second_factor_exempt(view_func):
    view_func.second_factor_exempt = True
    return view_func


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY), with the configured tile
    server's origin allowed for images."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        origin = tile_origin(settings.MAP_TILES_URL)
        if report_only or not origin:
            return parts
        update = dict(parts.update or {})
        update["img-src"] = [*update.get("img-src", []), origin]
        return replace(parts, update=update)


def tile_origin(url: str) -> str:
    """The origin of a tile URL template; `{s}` (Leaflet's subdomains) becomes a wildcard."""
    parsed = urlparse(url or "")
    netloc = parsed.netloc.replace("{s}", "*")
    return f"{parsed.scheme}://{netloc}" if parsed.scheme in {"http", "https"} and netloc else ""
