"""Code asks what a role may do, never which role it is (core.roles)."""

from maillage.core.roles import (
    CAPABILITIES,
    Capability,
    Role,
    organisations_with,
    roles_with,
)
from tests.factories import MembershipFactory, OrganisationFactory, member


def test_the_roles_granting_a_capability_are_read_from_the_capability_table():
    assert roles_with(Capability.COORDINATE_PATHWAYS) == {Role.COORDINATOR}
    assert roles_with(Capability.EDIT_OWN_DIRECTORY_ENTRIES) == {Role.ORGANISATION_ADMIN}
    for capability in Capability:
        for role in roles_with(capability):
            assert capability in CAPABILITIES[role]


def test_a_user_acts_in_the_organisations_where_a_role_grants_the_capability(db):
    platform, other = OrganisationFactory(platform=True), OrganisationFactory()
    user = member(Role.COORDINATOR, platform)
    MembershipFactory(user=user, organisation=other, role=Role.PROFESSIONAL)
    assert organisations_with(user, Capability.COORDINATE_PATHWAYS) == [platform.pk]
    assert sorted(organisations_with(user, Capability.ORIENT_PEOPLE)) == sorted(
        [platform.pk, other.pk]
    )
    assert organisations_with(user, Capability.ADMINISTER_PLATFORM) == []
