from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.territories import access
from maillage.territories.models import Commune, Territory


def territory_create(*, actor, name: str, kind: str, description: str = "", acting=None):
    if not access.can_define_territories(actor):
        audit.deny("territory.create", actor=audit.actor_of(actor, acting))
        raise PermissionDenied
    membership = acting.membership if acting is not None else None
    territory = Territory(
        name=name,
        kind=kind,
        description=description,
        created_by=actor,
        organisation=membership.organisation if membership else None,
    )
    territory.full_clean()
    with transaction.atomic():
        territory.save()
        audit.record("territory.create", actor=audit.actor_of(actor, acting), obj=territory)
    return territory


def _communes_for(kind: str, code: str):
    if kind == "commune":
        return Commune.objects.filter(code=code)
    if kind == "epci":
        return Commune.objects.filter(epci_id=code)
    if kind == "departement":
        return Commune.objects.filter(departement_id=code, kind="COM")
    raise ValidationError(_("Type de lieu inconnu."))


def territory_add_places(*, actor, territory, kind: str, code: str, acting=None) -> int:
    """Add a commune, every commune of an EPCI, or of a département. Returns how many were new."""
    if not access.can_edit_territory(actor, territory):
        audit.deny("territory.update", actor=audit.actor_of(actor, acting), obj=territory)
        raise PermissionDenied
    communes = list(_communes_for(kind, code).values_list("code", flat=True))
    if not communes:
        raise ValidationError(_("Aucune commune ne correspond à ce choix."))
    with transaction.atomic():
        existing = set(territory.communes.values_list("code", flat=True))
        new = [c for c in communes if c not in existing]
        territory.communes.add(*new)
        audit.record(
            "territory.add_places",
            actor=audit.actor_of(actor, acting),
            obj=territory,
            details={"kind": kind, "code": code, "added": len(new)},
        )
    return len(new)


def territory_remove_commune(*, actor, territory, code: str, acting=None) -> None:
    if not access.can_edit_territory(actor, territory):
        audit.deny("territory.update", actor=audit.actor_of(actor, acting), obj=territory)
        raise PermissionDenied
    with transaction.atomic():
        territory.communes.remove(*Commune.objects.filter(code=code))
        audit.record(
            "territory.remove_commune",
            actor=audit.actor_of(actor, acting),
            obj=territory,
            details={"code": code},
        )


def territory_delete(*, actor, territory, acting=None) -> None:
    if not access.can_edit_territory(actor, territory):
        audit.deny("territory.delete", actor=audit.actor_of(actor, acting), obj=territory)
        raise PermissionDenied
    public_id = territory.public_id
    with transaction.atomic():
        territory.delete()
        audit.record(
            "territory.delete",
            actor=audit.actor_of(actor, acting),
            object_type="territories.territory",
            object_id=str(public_id),
        )
