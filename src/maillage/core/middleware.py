import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from maillage.accounts.access import second_factor_step

LAST_ACTIVITY_KEY = "maillage_last_activity"
ACTIVE_MEMBERSHIP_KEY = "maillage_active_membership"


def _is_public(view_func) -> bool:
    return getattr(view_func, "login_required", True) is False


class RejectNulBytesMiddleware:
    """PostgreSQL text cannot hold NUL: a request carrying one anywhere gets a clear 400
    instead of reaching a query and failing there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or (request.method == "POST" and _has_nul(request.POST))
        ):
            return HttpResponseBadRequest(
                _("La requête contient un caractère invalide."), content_type="text/plain"
            )
        return self.get_response(request)


def _has_nul(query_dict) -> bool:
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in query_dict.lists()
    )


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
