import pytest
from django.test import override_settings
from django.urls import reverse

from maillage.accounts.actions import throttle_delay
from maillage.core.models import AuditEvent, Outcome
from tests.factories import PASSWORD

LOGIN = reverse("accounts:login")


def _login(client, email, password=PASSWORD):
    return client.post(LOGIN, {"email": email, "password": password})


def test_a_professional_logs_in_with_email_and_password(client, cast):
    response = _login(client, cast.professional.email.upper())
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    home = client.get(reverse("core:home"))
    assert "Bonjour Professionnelle" in home.content.decode()
    event = AuditEvent.objects.filter(action="auth.login").latest("id")
    assert event.actor_id == cast.professional.public_id
    assert event.outcome == Outcome.ALLOWED


def test_passwords_are_hashed_with_argon2(cast):
    cast.professional.set_password("un autre mot de passe 2026")
    assert cast.professional.password.startswith("argon2$argon2id$")


def test_a_wrong_password_is_refused_in_french_and_audited(client, cast):
    response = _login(client, cast.professional.email, "mauvais")
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    assert event.outcome == Outcome.DENIED
    assert event.actor_id == cast.professional.public_id


def test_an_unknown_address_gets_the_same_answer_as_a_wrong_password(client, db):
    response = _login(client, "personne@nulle-part.fr", "mauvais")
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()


@override_settings(LOGIN_FAILURE_THRESHOLD=3)
def test_repeated_failures_are_slowed_down_even_with_the_right_password(client, cast):
    for _ in range(4):
        _login(client, cast.professional.email, "mauvais")
    response = _login(client, cast.professional.email)  # right password, but within 2 s
    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_throttled").exists()


@override_settings(LOGIN_FAILURE_THRESHOLD=3, LOGIN_FAILURE_IP_THRESHOLD=4)
def test_an_address_spraying_many_accounts_is_slowed_down(client, cast):
    for persona in (cast.professional, cast.colleague, cast.outsider, cast.observer, cast.person):
        _login(client, persona.email, "mauvais")
    response = _login(client, cast.coordinator.email)
    assert response.status_code == 429


@override_settings(LOGIN_FAILURE_THRESHOLD=3)
def test_colleagues_behind_one_address_are_not_locked_out_by_someone_elses_typos(client, cast):
    for n in range(6):
        _login(client, f"inconnu{n}@exemple.fr", "mauvais")
    assert _login(client, cast.coordinator.email).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_client_address_comes_from_x_forwarded_for(client, cast):
    client.post(
        LOGIN,
        {"email": cast.professional.email, "password": "mauvais"},
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
    )
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("id")
    assert event.ip == "198.51.100.7"  # the left entry could be forged by the client


def test_ipv6_addresses_are_stored_and_chained_in_one_canonical_form(client, cast):
    from maillage.core import audit

    for address in ("::ffff:10.0.0.1", "2001:DB8::1"):
        client.post(
            LOGIN, {"email": cast.professional.email, "password": "mauvais"}, REMOTE_ADDR=address
        )
    events = AuditEvent.objects.filter(action="auth.login_failed").order_by("-id")[:2]
    assert {e.ip for e in events} == {"::ffff:10.0.0.1", "2001:db8::1"}
    assert audit.verify()[1] == []


@pytest.mark.parametrize(
    ("failures", "expected"), [(0, 0), (4, 0), (5, 1), (6, 2), (8, 8), (40, 900)]
)
def test_the_delay_doubles_past_the_threshold_and_is_capped(failures, expected):
    assert throttle_delay(failures, threshold=5, max_delay=900) == expected


def test_logout_needs_a_post_and_ends_the_session(client, cast):
    client.force_login(cast.professional)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302


def test_the_next_parameter_cannot_redirect_to_another_site(client, cast):
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {"email": cast.professional.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.url == reverse("core:home")


@override_settings(SESSION_IDLE_TIMEOUT=60)
def test_an_idle_session_is_logged_out(client, cast):
    from maillage.core.middleware import LAST_ACTIVITY_KEY

    client.force_login(cast.professional)
    assert client.get(reverse("core:home")).status_code == 200
    session = client.session
    session[LAST_ACTIVITY_KEY] = session[LAST_ACTIVITY_KEY] - 3600
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_session_cookie_is_httponly_and_samesite(client, cast):
    response = _login(client, cast.professional.email)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def _session_ends(client):
    """The session is over (the browser keeps its other cookies, as a real one does)."""
    from django.conf import settings

    del client.cookies[settings.SESSION_COOKIE_NAME]


@override_settings(LOGIN_FAILURE_THRESHOLD=3)
def test_someone_guessing_cannot_lock_the_owner_out_of_her_usual_browser(client, cast):
    from django.test import Client

    owner = client
    assert _login(owner, cast.professional.email).status_code == 302  # her usual browser
    _session_ends(owner)
    attacker = Client()
    for _ in range(6):
        _login(attacker, cast.professional.email, "mauvais")
    assert _login(attacker, cast.professional.email).status_code == 429  # the guesser is held
    assert _login(owner, cast.professional.email).status_code == 302  # the owner is not
    assert "_auth_user_id" in owner.session


@override_settings(LOGIN_FAILURE_THRESHOLD=3)
def test_a_device_cookie_counts_its_own_failures_and_only_for_its_account(client, cast):
    from django.test import Client

    from maillage.accounts.actions import DEVICE_COOKIE

    assert _login(client, cast.professional.email).status_code == 302
    _session_ends(client)
    for _ in range(4):
        _login(client, cast.professional.email, "mauvais")
    assert _login(client, cast.professional.email).status_code == 429  # her own typos count
    other = Client()
    other.cookies[DEVICE_COOKIE] = client.cookies[DEVICE_COOKIE].value
    for _ in range(4):
        _login(other, cast.colleague.email, "mauvais")
    # Another account's device cookie is no pass: that browser is throttled like any other.
    assert _login(other, cast.colleague.email).status_code == 429
    forged = Client()
    forged.cookies[DEVICE_COOKIE] = "forged:value"
    assert _login(forged, cast.colleague.email).status_code == 429


@override_settings(LOGIN_FAILURE_THRESHOLD=3)
def test_a_password_reset_lifts_the_throttle_of_the_account(client, cast):
    from maillage.accounts import actions

    for _ in range(4):
        _login(client, cast.professional.email, "mauvais")
    assert _login(client, cast.professional.email).status_code == 429
    actions.login_failures_forget(user=cast.professional)
    assert _login(client, cast.professional.email).status_code == 302


@override_settings(LOGIN_FAILURE_THRESHOLD=3, LOGIN_FAILURE_ACCOUNT_THRESHOLD=10)
def test_a_guesser_at_one_address_does_not_hold_back_the_owner_on_a_new_browser(client, cast):
    from django.test import Client

    attacker = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(8):
        _login(attacker, cast.professional.email, "mauvais")
    assert _login(attacker, cast.professional.email).status_code == 429
    owner = Client(REMOTE_ADDR="198.51.100.20")  # another place, no device cookie yet
    assert _login(owner, cast.professional.email).status_code == 302


@override_settings(LOGIN_FAILURE_THRESHOLD=3, LOGIN_FAILURE_ACCOUNT_THRESHOLD=6)
def test_guesses_spread_over_many_addresses_are_slowed_down_for_the_account(client, cast):
    from django.test import Client

    for n in range(3):
        guesser = Client(REMOTE_ADDR=f"203.0.113.{n + 1}")
        for _ in range(2):
            _login(guesser, cast.professional.email, "mauvais")
    newcomer = Client(REMOTE_ADDR="203.0.113.99")
    assert _login(newcomer, cast.professional.email).status_code == 429
