"""The API's session authentication enforces the second factor like the pages do."""

from django.test import RequestFactory

from maillage.api import session_auth
from maillage.core.models import PlatformSettings
from tests.factories import totp_device


def _request(user, verified):
    request = RequestFactory().get("/api/v1/")
    user.is_verified = lambda: verified  # what django_otp's middleware attaches
    request.user = user
    return request


def test_a_password_only_session_of_a_user_with_a_device_is_refused(cast):
    totp_device(cast.coordinator)
    assert session_auth.authenticate(_request(cast.coordinator, False), None) is None
    assert session_auth.authenticate(_request(cast.coordinator, True), None) == cast.coordinator


def test_roles_that_must_use_two_factors_are_refused_without_it(cast):
    assert session_auth.authenticate(_request(cast.person, False), None) is None
    assert session_auth.authenticate(_request(cast.professional, False), None) == cast.professional
    settings_row = PlatformSettings.current()
    settings_row.require_2fa_for_professionals = True
    settings_row.save()
    assert session_auth.authenticate(_request(cast.professional, False), None) is None
