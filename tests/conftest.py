"""Shared fixtures: the real PostgreSQL (embedded unless DATABASE_URL), the French
territories loaded once per session, and the fixed cast of personas (DESIGN.md habit 7)."""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django_otp import DEVICE_ID_SESSION_KEY

from maillage.core.roles import Role
from tests.factories import OrganisationFactory, member, totp_device


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    if settings.EMBEDDED_DATABASE:
        from maillage.database import embedded_server

        embedded_server().ensure_running()


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """Always create the test database, even when the collected tests carry no django_db
    marker: the session fixtures below commit data and must never reach the real database."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session")
def committed(django_db_setup, django_db_blocker):
    """Database access outside any test transaction (data other processes must see).
    Use `with committed():` and give the rows unique values: nothing is rolled back."""
    from django.db import connection

    test_name = settings.DATABASES["default"]["TEST"]["NAME"]
    assert connection.settings_dict["NAME"] == test_name, "refusing to write outside the test DB"
    return django_db_blocker.unblock


@pytest.fixture(scope="session")
def territories(committed):
    """The whole French pack, loaded once and committed for the session."""
    from maillage.territories.loader import load_pack

    with committed():
        load_pack()


@dataclass
class Cast:
    platform: object
    organisation: object  # the organisation of the professional and of the org admin
    other_organisation: object
    platform_admin: object
    coordinator: object
    professional: object
    colleague: object  # professional, same organisation, no special link to anything
    outsider: object  # professional of another organisation
    organisation_admin: object
    peer_worker: object
    user_representative: object
    observer: object
    person: object
    caregiver: object
    siao: object  # the SIAO of the territory
    regulator: object
    emergency_operator: object
    coordinating_physician: object  # of an EHPAD

    def personas(self) -> dict:
        return {
            "platform_admin": self.platform_admin,
            "coordinator": self.coordinator,
            "professional": self.professional,
            "colleague": self.colleague,
            "outsider": self.outsider,
            "organisation_admin": self.organisation_admin,
            "peer_worker": self.peer_worker,
            "user_representative": self.user_representative,
            "observer": self.observer,
            "person": self.person,
            "caregiver": self.caregiver,
            "regulator": self.regulator,
            "emergency_operator": self.emergency_operator,
            "coordinating_physician": self.coordinating_physician,
        }


@pytest.fixture
def cast(db) -> Cast:
    platform = OrganisationFactory(platform=True)
    organisation = OrganisationFactory(name="Maison de santé test")
    other = OrganisationFactory(name="Autre structure", hospital=True)
    siao = OrganisationFactory(name="SIAO", kind="siao")
    return Cast(
        platform=platform,
        organisation=organisation,
        other_organisation=other,
        platform_admin=member(Role.PLATFORM_ADMIN, platform, full_name="Admin"),
        coordinator=member(Role.COORDINATOR, platform, full_name="Coordinatrice"),
        professional=member(Role.PROFESSIONAL, organisation, full_name="Professionnelle"),
        colleague=member(Role.PROFESSIONAL, organisation, full_name="Collègue"),
        outsider=member(Role.PROFESSIONAL, other, full_name="Extérieure"),
        organisation_admin=member(Role.ORGANISATION_ADMIN, organisation, full_name="Responsable"),
        peer_worker=member(Role.PEER_WORKER, organisation, full_name="Pair"),
        user_representative=member(Role.USER_REPRESENTATIVE, other, full_name="Représentante"),
        observer=member(Role.OBSERVER, OrganisationFactory(name="ARS"), full_name="Financeur"),
        person=member(Role.PERSON, platform, full_name="Personne accompagnée"),
        caregiver=member(Role.CAREGIVER, platform, full_name="Aidant"),
        siao=siao,
        regulator=member(Role.REGULATOR, siao, full_name="Régulatrice"),
        emergency_operator=member(Role.EMERGENCY_OPERATOR, siao, full_name="Écoutant 115"),
        coordinating_physician=member(
            Role.COORDINATING_PHYSICIAN,
            OrganisationFactory(name="EHPAD", kind="ehpad"),
            full_name="Médecin coordonnatrice",
        ),
    )


def login_verified(client, user):
    """Log in as after password + second factor (the portal roles always need the latter)."""
    client.force_login(user)
    device = totp_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture(autouse=True)
def _no_search_cache(settings):
    """Each test rolls its data back, so two tests can reach the same read-model generation
    with different directories: cached results would leak from one to the other. The cache
    is off by default here and switched on by the tests about it."""
    settings.SEARCH_CACHE_SECONDS = 0
    # An audit name no app declares fails the test that writes it (core.audit.declared).
    settings.MAILLAGE_AUDIT_STRICT = True
    # Text messages are kept in core.sms.outbox, as Django keeps e-mails in mail.outbox.
    from maillage.core import sms

    settings.SMS_BACKEND = "memory"
    sms.outbox.clear()
    # Likewise the communes a process keeps: a test's own communes go with its rollback.
    from maillage.territories.queries import _COMMUNES

    _COMMUNES.clear()
