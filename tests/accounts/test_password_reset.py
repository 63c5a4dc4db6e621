import re

from django.core import mail
from django.test import override_settings
from django.urls import reverse

from maillage.core.models import AuditEvent
from tests.factories import PASSWORD


def test_a_forgotten_password_is_reset_through_an_emailed_link(client, cast):
    response = client.post(reverse("accounts:password_reset"), {"email": cast.professional.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.professional.email]
    assert "nouveau mot de passe" in message.body
    link = re.search(r"https?://[^/]+(/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "une phrase de passe toute neuve"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    cast.professional.refresh_from_db()
    assert cast.professional.check_password(new_password)
    assert not cast.professional.check_password(PASSWORD)
    reset = AuditEvent.objects.filter(action="auth.password_reset").latest("id")
    assert reset.actor_id == cast.professional.public_id
    assert AuditEvent.objects.filter(action="auth.password_reset_requested").exists()


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@exemple.fr"})
    assert response.status_code == 302
    assert mail.outbox == []


@override_settings(PASSWORD_RESET_PER_HOUR=2)
def test_password_reset_requests_are_limited_per_address_without_saying_so(client, cast):
    for _ in range(4):
        response = client.post(
            reverse("accounts:password_reset"), {"email": cast.professional.email}
        )
        assert response.status_code == 302
        assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="auth.password_reset_requested").count() == 2
