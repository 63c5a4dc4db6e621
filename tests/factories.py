import datetime as dt

import factory
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.accounts.enums import OrganisationKind
from maillage.accounts.models import Membership, Organisation, User
from maillage.core.roles import Role
from maillage.core.versions import current_version
from maillage.pathways import inputs

PASSWORD = "un mot de passe solide 2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    full_name = factory.Sequence(lambda n: f"Personne {n}")
    # One real argon2 hash, computed once: hashing per user would cost ~0.1 s each.
    password = factory.LazyFunction(lambda: _password_hash())


_HASH_CACHE: list[str] = []


def _password_hash() -> str:
    if not _HASH_CACHE:
        _HASH_CACHE.append(make_password(PASSWORD))
    return _HASH_CACHE[0]


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = OrganisationKind.ASSOCIATION

    class Params:
        platform = factory.Trait(kind=OrganisationKind.PLATFORM, name="Plateforme")
        hospital = factory.Trait(kind=OrganisationKind.HOSPITAL)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PROFESSIONAL


def member(role: str, organisation=None, **user_fields) -> User:
    organisation = organisation or OrganisationFactory()
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


def totp_device(user, confirmed=True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=confirmed)


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Structure"

    source = "test"
    source_id = factory.Sequence(lambda n: f"structure-{n}")
    name = factory.Sequence(lambda n: f"Structure annuaire {n}")
    state = "published"
    commune_id = "85191"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "directory.Service"

    structure = factory.SubFactory(StructureFactory)
    source = "test"
    source_id = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "Un service du territoire."
    state = "published"
    reception_modes = factory.LazyFunction(lambda: ["en-presentiel"])


def support_request(cast, *, requester=None, now=None, **overrides):
    """A demande d'appui sent through the real action (the professional's, by default)."""
    from maillage.pathways import actions

    fields = {
        "actor": requester or cast.professional,
        "platform": cast.platform,
        "requester_kind": "professional",
        "person_first_name": "Lucie",
        "person_last_name": "Moreau",
        "person_birth_date": dt.date(1941, 3, 12),
        "reason": "Chutes répétées, vit seule, refuse l'aide à domicile.",
        "needs": ["autonomy", "social_ties"],
        "urgency": "soon",
        "gp_informed": True,
        "gp_agrees": True,
        "consent_mode": "consents",
        "information_items": ["identity", "situation"],
        "recipients": ["platform", "circle"],
        "now": now,
    }
    fields.update(overrides)
    actor, now, acting = fields.pop("actor"), fields.pop("now"), fields.pop("acting", None)
    fields["platform"] = fields["platform"].public_id
    if getattr(fields.get("person_commune"), "code", None):
        fields["person_commune"] = fields["person_commune"].code
    return actions.support_request_submit(
        actor=actor, data=inputs.SupportRequestIn(**fields), acting=acting, now=now
    )


def opened_pathway(cast, **overrides):
    """A pathway opened by the coordinator's triage of the professional's request."""
    from maillage.pathways import actions

    request = support_request(cast, **overrides)
    actions.support_request_triage(
        actor=cast.coordinator,
        support_request=request,
        data=inputs.TriageIn(answers=[], outcome="pathway", version=current_version(request)),
    )
    request.refresh_from_db()
    return request.pathway
