"""Creating the first accounts from the command line (no acting user yet)."""

from django.contrib.auth import password_validation
from django.db import transaction

from maillage.accounts import actions
from maillage.accounts.enums import OrganisationKind
from maillage.accounts.models import Organisation, User
from maillage.core import audit
from maillage.core.models import PlatformSettings
from maillage.core.roles import Role


def platform_organisation() -> Organisation:
    """The organisation that runs the platform (DAC/PTA): home of admins and coordinators."""
    organisation = Organisation.objects.filter(kind=OrganisationKind.PLATFORM).first()
    if organisation is None:
        organisation = Organisation.objects.create(
            name=PlatformSettings.current().name, kind=OrganisationKind.PLATFORM
        )
    return organisation


@transaction.atomic
def create_platform_admin(*, email: str, full_name: str, password: str) -> User:
    user = User.objects.filter(email__iexact=email).first()
    password_validation.validate_password(password, user or User(email=email, full_name=full_name))
    if user is None:
        user = User.objects.create_user(email, password=password, full_name=full_name)
        audit.record(
            "account.create",
            actor=audit.Actor(),
            object_type="accounts.user",
            object_id=str(user.public_id),
            details={"via": "command line"},
        )
    else:
        user.set_password(password)
        user.save(update_fields=["password"])
    actions.membership_grant(
        actor=None, user=user, organisation=platform_organisation(), role=Role.PLATFORM_ADMIN
    )
    return user
