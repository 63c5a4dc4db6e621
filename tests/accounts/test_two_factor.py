import html

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.core.models import AuditEvent, PlatformSettings
from tests.factories import PASSWORD, totp_device


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_professional_enables_totp_by_confirming_a_code(client, cast):
    client.force_login(cast.professional)
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=cast.professional)
    assert not device.confirmed

    response = client.post(reverse("accounts:otp_setup"), {"token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="auth.second_factor_enabled").exists()


def test_a_wrong_enrolment_code_is_refused_and_the_device_stays_unconfirmed(client, cast):
    client.force_login(cast.professional)
    client.get(reverse("accounts:otp_setup"))
    wrong = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    assert "Ce code n'est pas valide" in html.unescape(wrong.content.decode())
    assert not TOTPDevice.objects.get(user=cast.professional).confirmed


def test_after_the_password_a_user_with_a_device_must_enter_a_code(client, cast):
    device = totp_device(cast.coordinator)
    client.post(reverse("accounts:login"), {"email": cast.coordinator.email, "password": PASSWORD})
    response = client.get(reverse("territories:list"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:otp_verify")

    bad = client.post(reverse("accounts:otp_verify"), {"token": "12345"})
    assert "Saisissez les 6 chiffres" in bad.content.decode()
    client.post(reverse("accounts:otp_verify"), {"token": _code(device)})
    assert client.get(reverse("territories:list")).status_code == 200


def test_a_wrong_code_is_audited_as_denied(client, cast):
    totp_device(cast.coordinator)
    client.force_login(cast.coordinator)
    client.post(reverse("accounts:otp_verify"), {"token": "000000"})
    assert AuditEvent.objects.filter(action="auth.second_factor", outcome="denied").exists()


def test_the_admin_can_make_2fa_mandatory_for_professional_roles(client, cast):
    client.force_login(cast.professional)
    assert client.get(reverse("core:home")).status_code == 200

    settings_row = PlatformSettings.current()
    settings_row.require_2fa_for_professionals = True
    settings_row.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:otp_setup")
    # The observer (funder) is not a professional role: no second factor imposed.
    client.force_login(cast.observer)
    assert client.get(reverse("core:home")).status_code == 200


def test_the_person_and_her_caregiver_always_need_a_second_factor(client, cast):
    for persona in (cast.person, cast.caregiver):
        client.force_login(persona)
        response = client.get(reverse("core:home"))
        assert response.status_code == 302
        assert response.url == reverse("accounts:otp_setup")
