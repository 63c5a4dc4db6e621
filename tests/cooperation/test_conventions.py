"""The register of conventions: parties with their shares, each party's obligations, the life
cycle of a grouping's convention, who reads and who keeps it, reminders of terms and mandates."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.cooperation import actions, queries
from maillage.cooperation.inputs import (
    ConventionIn,
    ConventionMoveIn,
    ConventionUpdateIn,
    ObligationIn,
    ObligationMoveIn,
    PartyIn,
    PartyLeaveIn,
)
from maillage.core.models import AuditEvent, Notification
from maillage.core.versions import StaleVersion
from tests.factories import StructureFactory

TODAY = timezone.localdate()


def _gcsms(cast, **fields):
    data = {
        "kind": "gcsms",
        "title": "GCSMS du Pays Yon et Vie",
        "purpose": "Mutualiser la coordination des parcours et un système d'information.",
        "managed_by": cast.organisation.public_id,
        "seat": "La Roche-sur-Yon",
        "legal_nature": "private",
        "starts_on": dt.date(2026, 1, 1),
        "ends_on": dt.date(2030, 12, 31),
        **fields,
    }
    return actions.convention_create(actor=cast.organisation_admin, data=ConventionIn(**data))


def _move(cast, convention, to_state, **fields):
    convention.refresh_from_db()
    return actions.convention_move(
        actor=cast.organisation_admin,
        convention=convention,
        data=ConventionMoveIn(to_state=to_state, on=TODAY, version=convention.version, **fields),
    )


def test_a_grouping_is_signed_declared_to_the_ars_and_published(cast, territories):
    convention = _gcsms(cast)
    assert convention.state == "draft"
    with pytest.raises(ValidationError, match="deux parties au moins"):
        _move(cast, convention, "signed")
    chrs = StructureFactory(name="CHRS Entraide", siret="73282932000074")
    actions.party_add(
        actor=cast.organisation_admin,
        convention=convention,
        data=PartyIn(organisation=cast.organisation.public_id, share=Decimal("60")),
    )
    party = actions.party_add(
        actor=cast.organisation_admin,
        convention=convention,
        data=PartyIn(
            structure=chrs.public_id,
            share=Decimal("30"),
            contribution_kind="financial",
            financial_amount=Decimal("12000"),
        ),
    )
    assert party.identifiers == "SIRET 73282932000074"
    # Nothing stays approximate: the shares make 100 %, or the convention is not signed.
    with pytest.raises(ValidationError, match="90 %"):
        _move(cast, convention, "signed")
    party.share = Decimal("40")
    party.save()
    _move(cast, convention, "signed")
    with pytest.raises(ValidationError, match="déclarée avant d'être publiée"):
        _move(cast, convention, "published")
    with pytest.raises(ValidationError, match="à qui"):
        _move(cast, convention, "declared")
    _move(cast, convention, "declared", declared_to="ars")
    convention = _move(cast, convention, "published")
    assert (convention.state, convention.declared_to) == ("published", "ars")
    assert convention.signed_on == convention.declared_on == convention.published_on == TODAY
    moves = AuditEvent.objects.filter(action="convention.move").count()
    assert moves == 3


def test_illegal_moves_and_dates_are_refused_in_french_and_change_nothing(cast, territories):
    convention = _gcsms(cast, kind="partnership")
    with pytest.raises(ValidationError, match="en projet ne peut pas être publiée"):
        _move(cast, convention, "published")
    convention.refresh_from_db()
    data = ConventionMoveIn(
        to_state="signed", on=TODAY + dt.timedelta(days=3), version=convention.version
    )
    with pytest.raises(ValidationError, match="futur"):
        actions.convention_move(actor=cast.organisation_admin, convention=convention, data=data)
    convention.refresh_from_db()
    assert convention.state == "draft" and convention.version == 1
    with pytest.raises(ValidationError, match="précède la prise d'effet"):
        _gcsms(cast, starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2026, 1, 1))


def test_a_partnership_convention_is_not_declared_and_ends_with_its_reason(cast, territories):
    convention = _gcsms(cast, kind="partnership", title="Sortie d'hospitalisation CH–CHRS")
    for organisation in (cast.organisation, cast.other_organisation):
        actions.party_add(
            actor=cast.organisation_admin,
            convention=convention,
            data=PartyIn(organisation=organisation.public_id),
        )
    _move(cast, convention, "signed")
    with pytest.raises(ValidationError, match="groupement se déclare"):
        _move(cast, convention, "declared", declared_to="ars")
    _move(cast, convention, "published")
    with pytest.raises(ValidationError, match="nouvelle échéance"):
        _move(cast, convention, "renewed", ends_on=dt.date(2029, 1, 1))
    convention = _move(cast, convention, "renewed", ends_on=dt.date(2034, 12, 31))
    assert convention.ends_on == dt.date(2034, 12, 31)
    with pytest.raises(ValidationError, match="pourquoi"):
        _move(cast, convention, "ended")
    convention = _move(cast, convention, "ended", end_reason="Objet atteint.")
    assert convention.state == "ended" and convention.ended_on == TODAY


def test_two_editors_of_one_convention_never_overwrite_each_other(cast, territories):
    convention = _gcsms(cast)
    read = convention.version
    fields = {
        "kind": "gcsms",
        "title": "GCSMS du Pays Yon et Vie",
        "purpose": "Un objet précisé.",
        "managed_by": cast.organisation.public_id,
    }
    actions.convention_update(
        actor=cast.organisation_admin,
        convention=convention,
        data=ConventionUpdateIn(**fields, version=read),
    )
    with pytest.raises(StaleVersion):
        actions.convention_update(
            actor=cast.organisation_admin,
            convention=convention,
            data=ConventionUpdateIn(**{**fields, "purpose": "Autre chose."}, version=read),
        )
    convention.refresh_from_db()
    assert convention.purpose == "Un objet précisé." and convention.version == 2


def test_only_the_keepers_write_and_only_the_parties_read(cast, territories):
    with pytest.raises(PermissionDenied):
        actions.convention_create(
            actor=cast.professional,
            data=ConventionIn(
                kind="partnership",
                title="x",
                purpose="y",
                managed_by=cast.organisation.public_id,
            ),
        )
    convention = _gcsms(cast)
    structure = StructureFactory(organisation=cast.other_organisation)
    actions.party_add(
        actor=cast.organisation_admin,
        convention=convention,
        data=PartyIn(structure=structure.public_id),
    )
    # Members of the keeper and of a party (here through its directory structure) read it.
    assert queries.convention_for(cast.professional, convention.public_id) == convention
    assert queries.convention_for(cast.outsider, convention.public_id) == convention
    assert queries.convention_for(cast.person, convention.public_id) is None
    assert queries.convention_for(cast.observer, convention.public_id) is None
    with pytest.raises(PermissionDenied):
        actions.party_add(
            actor=cast.outsider,
            convention=convention,
            data=PartyIn(organisation=cast.outsider.active_memberships()[0].organisation.public_id),
        )


def test_each_party_owes_what_the_table_says_by_when(cast, territories):
    convention = _gcsms(cast)
    party = actions.party_add(
        actor=cast.organisation_admin,
        convention=convention,
        data=PartyIn(organisation=cast.organisation.public_id),
    )
    obligation = actions.obligation_add(
        actor=cast.organisation_admin,
        convention=convention,
        data=ObligationIn(
            party=party.public_id,
            description="Mettre à disposition 0,5 ETP de coordinatrice",
            due_on=dt.date(2026, 3, 1),
        ),
    )
    with pytest.raises(ValidationError, match="quel jour"):
        actions.obligation_move(
            actor=cast.organisation_admin,
            obligation=obligation,
            data=ObligationMoveIn(state="done"),
        )
    actions.obligation_move(
        actor=cast.organisation_admin,
        obligation=obligation,
        data=ObligationMoveIn(state="done", done_on=TODAY),
    )
    obligation.refresh_from_db()
    assert obligation.state == "done" and obligation.done_on == TODAY
    actions.party_leave(
        actor=cast.organisation_admin, party=party, data=PartyLeaveIn(left_on=TODAY)
    )
    with pytest.raises(ValidationError, match="Choisissez une partie"):
        actions.obligation_add(
            actor=cast.organisation_admin,
            convention=convention,
            data=ObligationIn(party=party.public_id, description="Encore"),
        )


def test_keepers_are_reminded_once_of_a_term_and_of_a_mandate(cast, territories):
    convention = _gcsms(cast, ends_on=TODAY + dt.timedelta(days=60))
    for organisation in (cast.organisation, cast.other_organisation):
        actions.party_add(
            actor=cast.organisation_admin,
            convention=convention,
            data=PartyIn(organisation=organisation.public_id),
        )
    _move(cast, convention, "signed")
    convention.refresh_from_db()
    convention.administrator = cast.organisation_admin
    elected = TODAY.replace(year=TODAY.year - 3) + dt.timedelta(days=30)
    convention.administrator_elected_on = elected
    convention.save()
    assert actions.remind_conventions() == 2
    assert actions.remind_conventions() == 0  # once
    notices = Notification.objects.filter(user=cast.organisation_admin)
    assert any("arrive à échéance" in n.message for n in notices)
    assert any("mandat de l'administrateur" in n.message for n in notices)
    page = reverse("cooperation:convention", kwargs={"public_id": convention.public_id})
    assert all(n.link == page for n in notices)
    assert not any("/" in n.message.split(" le ")[-1] for n in notices)  # « 2 février 2027 »
    # Re-elected: the next mandate is reminded in its turn.
    convention.administrator_elected_on = TODAY
    convention.save()
    later = TODAY.replace(year=TODAY.year + 3) - dt.timedelta(days=10)
    assert actions.remind_conventions(today=later) == 1


def test_the_register_reads_in_a_constant_number_of_queries(cast, territories):
    def count():
        user = type(cast.organisation_admin).objects.get(pk=cast.organisation_admin.pk)
        with CaptureQueriesContext(connection) as queries_run:
            listed = queries.convention_list(user)
        return len(listed), len(queries_run)

    for index in range(2):
        _gcsms(cast, title=f"Convention {index}")
    few = count()
    for index in range(2, 8):
        _gcsms(cast, title=f"Convention {index}")
    many = count()
    assert (few[0], many[0]) == (2, 8)
    assert few[1] == many[1]


def test_an_amendment_amends_a_convention_of_its_keeper(cast, territories):
    convention = _gcsms(cast)
    with pytest.raises(ValidationError, match="Un avenant modifie"):
        _gcsms(cast, kind="amendment", title="Avenant n° 1")
    amendment = _gcsms(cast, kind="amendment", title="Avenant n° 1", amends=convention.public_id)
    assert amendment.amends == convention
