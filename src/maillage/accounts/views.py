import logging
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.accounts import access, actions, queries
from maillage.accounts.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    InvitationForm,
    LoginForm,
    OrganisationForm,
    OtpTokenForm,
)
from maillage.accounts.models import Invitation, Membership
from maillage.core import audit
from maillage.core.middleware import second_factor_exempt
from maillage.core.pipeline import Denied, Missing, refusals_on
from maillage.core.roles import Role

logger = logging.getLogger(__name__)


def _next_url(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_not_required
@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        result = actions.login_attempt(
            request=request,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
        )
        if result.user is not None:
            login(request, result.user)
            response = redirect(_next_url(request))
            if result.device_cookie:
                response.set_cookie(
                    actions.DEVICE_COOKIE,
                    result.device_cookie,
                    max_age=actions.DEVICE_COOKIE_AGE,
                    httponly=True,
                    secure=settings.HTTPS,
                    samesite="Lax",
                )
            return response
        if result.retry_after:
            form.add_error(
                None,
                _("Trop de tentatives de connexion. Réessayez dans %(seconds)s secondes.")
                % {"seconds": result.retry_after},
            )
            status = 429
        else:
            form.add_error(None, _("Adresse e-mail ou mot de passe incorrect."))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": request.GET.get("next", "")},
        status=status,
    )


@require_POST
@second_factor_exempt
def logout_view(request):
    audit.record("auth.logout", request=request)
    logout(request)
    messages.info(request, _("Vous êtes déconnecté·e."))
    return redirect("accounts:login")


# -- password reset (Django's views, audited) ------------------------------------------------
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        if actions.password_reset_rate_exceeded(request=self.request):
            # Same answer as a sent link: the page must not become a way to probe or to
            # flood someone's mailbox, nor the audit trail.
            logger.warning("password reset requests throttled for one address")
            return redirect(self.success_url)
        # The address typed is not recorded: it may not even belong to an account.
        audit.record("auth.password_reset_requested", request=self.request)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        actions.login_failures_forget(user=self.user)
        audit.record(
            "auth.password_reset",
            request=self.request,
            actor=audit.Actor(user_id=self.user.public_id),
        )
        return response


# -- second factor ------------------------------------------------------------------------------
@second_factor_exempt
@never_cache
def otp_verify(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:otp_setup")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        for device in TOTPDevice.objects.devices_for_user(request.user, confirmed=True):
            if device.verify_token(token):
                otp_login(request, device)
                audit.record("auth.second_factor", request=request)
                return redirect(_next_url(request))
        audit.deny("auth.second_factor", request=request)
        form.add_error("token", _("Ce code n'est pas valide. Vérifiez l'heure de votre téléphone."))
    return render(request, "accounts/otp_verify.html", {"form": form})


@second_factor_exempt
@never_cache
def otp_setup(request):
    """Enrol a TOTP application: scan the QR code (or type the key), then confirm a code."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        messages.info(request, _("La double authentification est déjà active."))
        return redirect("core:home")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Application"), confirmed=False)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record("auth.second_factor_enabled", request=request)
            messages.success(request, _("La double authentification est activée."))
            return redirect("core:home")
        form.add_error("token", _("Ce code n'est pas valide. Réessayez avec le code suivant."))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": mark_safe(  # noqa: S308 - SVG generated by segno from our own URL
                qr.svg_inline(scale=4, title=_("QR code de configuration"))
            ),
            "secret": b32encode(device.bin_key).decode().rstrip("="),
        },
    )


# -- organisations and members ----------------------------------------------------------------
def organisation_list(request):
    organisations = queries.organisations_visible_to(request.user)
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "organisations": organisations,
            "can_create": access.can_manage_any_organisation(request.user),
        },
    )


def organisation_create(request):
    if not access.can_manage_any_organisation(request.user):
        raise Denied("organisation.create")
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            organisation = actions.organisation_create(
                actor=request.user, acting=audit.Actor.of(request), **form.cleaned_data
            )
        if submitted.done:
            messages.success(request, _("La structure a été créée."))
            return redirect("accounts:organisation_detail", public_id=organisation.public_id)
    return render(request, "accounts/organisation_form.html", {"form": form})


def _organisation_for(request, public_id):
    organisation = queries.organisations_visible_to(request.user).filter(public_id=public_id)
    organisation = organisation.first()
    if organisation is None:
        raise Missing(
            "organisation.view", object_type="accounts.organisation", object_id=str(public_id)
        )
    return organisation


def organisation_detail(request, public_id):
    organisation = _organisation_for(request, public_id)
    can_manage = access.can_manage_members(request.user, organisation)
    allowed_roles = [r for r in Role.values if access.can_grant_role(request.user, organisation, r)]
    form = InvitationForm(request.POST or None, allowed_roles=allowed_roles)
    if request.method == "POST":
        if not can_manage:
            raise Denied("invitation.send", obj=organisation)
        if form.is_valid():
            try:
                actions.invitation_send(
                    actor=request.user,
                    organisation=organisation,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    acting=audit.Actor.of(request),
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(request, _("L'invitation a été envoyée."))
                return redirect("accounts:organisation_detail", public_id=organisation.public_id)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": queries.organisation_members(organisation, include_portal=can_manage),
            "show_contacts": access.can_see_member_contacts(request.user, organisation),
            "invitations": queries.pending_invitations(organisation) if can_manage else [],
            "can_manage": can_manage,
            "form": form,
        },
    )


@require_POST
def membership_revoke(request, public_id):
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(public_id=public_id, is_active=True)
        .first()
    )
    if membership is None or not access.can_view_organisation(
        request.user, membership.organisation
    ):
        raise Missing(
            "membership.revoke", object_type="accounts.membership", object_id=str(public_id)
        )
    try:
        actions.membership_revoke(
            actor=request.user, membership=membership, acting=audit.Actor.of(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Le rôle a été retiré."))
    return redirect("accounts:organisation_detail", public_id=membership.organisation.public_id)


@require_POST
def invitation_revoke(request, public_id):
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(public_id=public_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None or not access.can_view_organisation(
        request.user, invitation.organisation
    ):
        raise Missing(
            "invitation.revoke", object_type="accounts.invitation", object_id=str(public_id)
        )
    actions.invitation_revoke(
        actor=request.user, invitation=invitation, acting=audit.Actor.of(request)
    )
    messages.success(request, _("L'invitation a été annulée : son lien ne fonctionne plus."))
    return redirect("accounts:organisation_detail", public_id=invitation.organisation.public_id)


INVITATION_SESSION_KEY = "maillage_invitation_token"


@login_not_required
@never_cache
def invitation_open(request, token):
    """The emailed link: keep the token in the session and continue on a URL without it,
    so that it does not linger in the address bar, the history or referrers."""
    invitation = actions.invitation_find(token)
    if invitation is None or not invitation.is_usable:
        return render(request, "accounts/invitation_invalid.html", status=410)
    request.session[INVITATION_SESSION_KEY] = token
    return redirect("accounts:invitation_accept")


@login_not_required
@sensitive_post_parameters("password1", "password2")
@never_cache
def invitation_accept(request):
    token = request.session.get(INVITATION_SESSION_KEY, "")
    invitation = actions.invitation_find(token) if token else None
    if invitation is None or not invitation.is_usable:
        return render(request, "accounts/invitation_invalid.html", status=410)
    user = request.user if request.user.is_authenticated else None
    if user is not None and access.second_factor_step(user) == "verify":
        # A password-only session must not gain a role before the second factor.
        return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
    form = None if user else AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            user = actions.invitation_accept(
                invitation=invitation,
                user=user,
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
                acting=audit.Actor.of(request),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if not request.user.is_authenticated:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(
                request,
                _("Bienvenue : vous avez rejoint %(organisation)s.")
                % {"organisation": invitation.organisation.name},
            )
            return redirect("core:home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form},
    )


def api_tokens(request):
    """My API tokens: create one (shown once), see when each was last used, revoke."""
    if not access.can_use_api_tokens(request.user):
        raise Denied("api_token.list")
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            _token, created = actions.api_token_create(
                actor=request.user, name=form.cleaned_data["name"], acting=audit.Actor.of(request)
            )
        if submitted.done:
            form = ApiTokenForm()
    tokens = queries.api_tokens_of(request.user)
    response = render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "created": created, "now": timezone.now()},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def api_token_revoke(request, public_id):
    token = queries.api_token_of(request.user, public_id)
    if token is None:
        raise Http404
    actions.api_token_revoke(actor=request.user, token=token, acting=audit.Actor.of(request))
    messages.success(request, _("Jeton révoqué : il ne donne plus accès à l'API."))
    return redirect("accounts:api_tokens")
