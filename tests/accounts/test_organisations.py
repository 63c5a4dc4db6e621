import html
import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.models import Invitation, Membership, Organisation, User
from maillage.core.models import AuditEvent
from maillage.core.roles import Role
from tests.conftest import login_verified


def _detail(org):
    return reverse("accounts:organisation_detail", kwargs={"public_id": org.public_id})


def _invite(client, org, email="nouvelle@exemple.fr", role=Role.PROFESSIONAL):
    # The email leaves once the transaction commits: run those callbacks here.
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(_detail(org), {"email": email, "role": role})


def _link_from_last_mail() -> str:
    return re.search(r"https?://[^/]+(/\S+)", mail.outbox[-1].body).group(1)


def test_platform_admin_creates_an_organisation_with_checked_identifiers(client, cast):
    login_verified(client, cast.platform_admin)
    bad = client.post(
        reverse("accounts:organisation_create"),
        {"name": "EHPAD Les Tilleuls", "kind": "ehpad", "siret": "12345678901234"},
    )
    assert "clé de contrôle" in html.unescape(bad.content.decode())
    assert not Organisation.objects.filter(name="EHPAD Les Tilleuls").exists()
    response = client.post(
        reverse("accounts:organisation_create"),
        {
            "name": "EHPAD Les Tilleuls",
            "kind": "ehpad",
            "siret": "73282932000074",
            "finess": "850000019",
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="EHPAD Les Tilleuls")
    assert AuditEvent.objects.filter(action="organisation.create", object_id=str(org.public_id))


def test_organisation_admin_invites_a_member_who_joins_with_a_new_account(client, cast):
    client.force_login(cast.organisation_admin)
    response = _invite(client, cast.organisation)
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["nouvelle@exemple.fr"]
    link = _link_from_last_mail()
    client.logout()

    page = client.get(link, follow=True)
    accept = reverse("accounts:invitation_accept")
    assert page.redirect_chain[-1][0] == accept, "the token leaves the address bar"
    assert cast.organisation.name in html.unescape(page.content.decode())
    weak = client.post(accept, {"full_name": "Nouvelle", "password1": "123", "password2": "123"})
    assert weak.status_code == 200
    assert not User.objects.filter(email="nouvelle@exemple.fr").exists()
    response = client.post(
        accept,
        {
            "full_name": "Nouvelle Recrue",
            "password1": "un très bon mot de passe",
            "password2": "un très bon mot de passe",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@exemple.fr")
    assert user.roles == {Role.PROFESSIONAL}
    assert client.get(link).status_code == 410, "a link works once"


def test_an_expired_invitation_link_is_refused(client, cast):
    client.force_login(cast.organisation_admin)
    _invite(client, cast.organisation)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.logout()
    response = client.get(_link_from_last_mail())
    assert response.status_code == 410
    assert "expiré" in html.unescape(response.content.decode())


def test_only_the_hash_of_the_invitation_token_is_stored(client, cast):
    client.force_login(cast.organisation_admin)
    _invite(client, cast.organisation)
    token = _link_from_last_mail().rstrip("/").rsplit("/", 1)[-1]
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert Invitation.objects.filter(token_hash=Invitation.hash_token(token)).exists()


def test_an_organisation_admin_cannot_manage_another_organisation(client, cast):
    client.force_login(cast.organisation_admin)
    assert client.get(_detail(cast.other_organisation)).status_code == 404
    assert _invite(client, cast.other_organisation).status_code == 404
    assert not Invitation.objects.filter(organisation=cast.other_organisation).exists()


def test_an_organisation_admin_cannot_grant_platform_wide_roles(client, cast):
    client.force_login(cast.organisation_admin)
    response = _invite(client, cast.organisation, role=Role.PLATFORM_ADMIN)
    assert response.status_code == 200  # the choice is not offered: form error
    assert not Invitation.objects.exists()


def test_a_professional_sees_her_organisation_but_cannot_invite(client, cast):
    client.force_login(cast.professional)
    assert client.get(_detail(cast.organisation)).status_code == 200
    assert _invite(client, cast.organisation).status_code == 403
    assert AuditEvent.objects.filter(action="invitation.send", outcome="denied").exists()


def test_revoking_a_role_ends_access_and_is_audited(client, cast):
    membership = Membership.objects.get(user=cast.colleague)
    client.force_login(cast.organisation_admin)
    response = client.post(
        reverse("accounts:membership_revoke", kwargs={"public_id": membership.public_id})
    )
    assert response.status_code == 302
    cast.colleague.refresh_from_db()
    assert cast.colleague.roles == frozenset()
    assert AuditEvent.objects.filter(action="membership.revoke").exists()


def test_the_organisation_list_runs_a_constant_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    login_verified(client, cast.platform_admin)
    client.get(reverse("accounts:organisation_list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:organisation_list"))
    assert response.status_code == 200
    for n in range(10):
        Organisation.objects.create(name=f"Structure en plus {n}", kind="association")
    with django_assert_max_num_queries(12):
        client.get(reverse("accounts:organisation_list"))


def test_the_member_list_runs_a_constant_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    from tests.factories import member

    client.force_login(cast.organisation_admin)
    url = _detail(cast.organisation)
    client.get(url)
    with django_assert_max_num_queries(14):
        client.get(url)
    for _ in range(10):
        member(Role.PROFESSIONAL, cast.organisation)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.content.decode().count("Retirer…<span") >= 14


def test_an_unverified_session_must_pass_the_second_factor_before_accepting(client, cast):
    from tests.factories import totp_device

    client.force_login(cast.organisation_admin)
    _invite(client, cast.organisation, email=cast.outsider.email)
    link = _link_from_last_mail()
    totp_device(cast.outsider)
    client.force_login(cast.outsider)  # password only: the code is still to be entered
    response = client.get(link, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_verify"))
    client.post(reverse("accounts:invitation_accept"))
    assert Role.PROFESSIONAL not in {
        m.role
        for m in Membership.objects.filter(user=cast.outsider, organisation=cast.organisation)
    }


def test_the_person_supported_never_sees_the_staff_of_the_platform(client, cast):
    login_verified(client, cast.person)
    assert client.get(_detail(cast.platform)).status_code == 404
    listing = client.get(reverse("accounts:organisation_list")).content.decode()
    assert cast.platform.name not in listing


def test_members_do_not_see_the_people_supported_nor_colleagues_emails(client, cast):
    client.force_login(cast.coordinator)
    page = html.unescape(client.get(_detail(cast.platform)).content.decode())
    assert cast.platform_admin.full_name in page
    assert cast.person.full_name not in page
    assert cast.platform_admin.email not in page


def test_an_organisation_admin_cannot_grant_a_role_equivalent_to_a_reserved_one(cast):
    import pytest
    from django.core.exceptions import PermissionDenied

    from maillage.accounts import actions

    for role in (Role.USER_REPRESENTATIVE, Role.OBSERVER, Role.PERSON, Role.COORDINATOR):
        with pytest.raises(PermissionDenied):
            actions.invitation_send(
                actor=cast.organisation_admin,
                organisation=cast.organisation,
                email="x@exemple.fr",
                role=role,
            )


def test_nobody_invites_herself(cast):
    import pytest
    from django.core.exceptions import ValidationError

    from maillage.accounts import actions

    with pytest.raises(ValidationError, match="vous-même"):
        actions.invitation_send(
            actor=cast.organisation_admin,
            organisation=cast.organisation,
            email=cast.organisation_admin.email.upper(),
            role=Role.ORGANISATION_ADMIN,
        )


def test_revoking_in_another_organisation_is_not_found_and_audited(client, cast):
    outsider_membership = Membership.objects.get(user=cast.outsider)
    client.force_login(cast.organisation_admin)
    response = client.post(
        reverse("accounts:membership_revoke", kwargs={"public_id": outsider_membership.public_id})
    )
    assert response.status_code == 404
    outsider_membership.refresh_from_db()
    assert outsider_membership.is_active
    assert AuditEvent.objects.filter(
        action="membership.revoke", outcome="denied", object_id=str(outsider_membership.public_id)
    ).exists()


def test_a_nul_byte_in_a_query_string_gets_a_french_400_page(client, cast):
    login_verified(client, cast.platform_admin)
    response = client.get(reverse("core:audit_log") + "?action=a%00b")
    assert response.status_code == 400
    assert "caractère nul (U+0000)" in response.content.decode()
    assert "Requête refusée" in response.content.decode()


def test_a_nul_byte_in_a_form_is_shown_on_its_field_and_nothing_is_recorded(client, cast):
    client.force_login(cast.organisation_admin)
    response = client.post(
        _detail(cast.organisation), {"email": "nou\x00velle@exemple.fr", "role": "professional"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le texte contient un caractère nul (U+0000)" in page
    assert 'value="nouvelle@exemple.fr"' in page  # what was typed, without the NUL
    assert not Invitation.objects.exists()


def test_an_organisation_admin_cancels_a_pending_invitation_and_its_link_dies(client, cast):
    client.force_login(cast.organisation_admin)
    _invite(client, cast.organisation)
    link = _link_from_last_mail()
    invitation = Invitation.objects.get(email="nouvelle@exemple.fr")
    response = client.post(
        reverse("accounts:invitation_revoke", kwargs={"public_id": invitation.public_id})
    )
    assert response.status_code == 302
    client.logout()
    assert client.get(link).status_code == 410
    assert AuditEvent.objects.filter(action="invitation.revoke", outcome="allowed").exists()
