import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.directory.enums import PublicationState
from maillage.directory.imports.data_inclusion import ImportRejected, import_files
from maillage.directory.models import Service, Structure
from maillage.directory.queries import SearchParams, search_services


def _structure(n=1, **fields):
    row = {
        "source": "dora",
        "id": f"s{n}",
        "nom": f"Centre social {n}",
        "date_maj": "2026-10-01",
        "code_insee": "85191",
        "code_postal": "85000",
        "commune": "La Roche-sur-Yon",
        "adresse": "10 rue de la Paix",
        "latitude": 46.67,
        "longitude": -1.43,
        "siret": "73282932000074",
        "courriel": "accueil@exemple.fr",
        "horaires_accueil": "Mo-Fr 09:00-12:00",
        "reseaux_porteurs": ["ccas-cias"],
    }
    row.update(fields)
    return row


def _service(n=1, structure="s1", **fields):
    row = {
        "source": "dora",
        "id": f"v{n}",
        "structure_id": structure,
        "nom": f"Permanence santé {n}",
        "description": "Un accueil sans rendez-vous pour l'accès aux soins.",
        "date_maj": "2026-10-02T08:00:00+02:00",
        "thematiques": ["sante--acces-aux-soins", "sante--sante-mentale"],
        "publics": ["tous-publics"],
        "frais": "gratuit",
        "modes_accueil": ["en-presentiel"],
        "type": "accompagnement",
        "zone_eligibilite": ["85", "85191"],
    }
    row.update(fields)
    return row


def _file(tmp_path, name="di.json", structures=(), services=(), payload=None):
    path = tmp_path / name
    content = (
        payload
        if payload is not None
        else {"structures": list(structures), "services": list(services)}
    )
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def _counts():
    return Structure.objects.count(), Service.objects.count()


def test_a_valid_file_creates_published_structures_and_services(tmp_path, territories, db):
    path = _file(
        tmp_path,
        structures=[_structure(1), _structure(2, nom="Maison des solidarités")],
        services=[_service(1), _service(2), _service(3, structure="s2")],
    )
    report = import_files([path])
    assert (report.structures_created, report.services_created) == (2, 3)
    assert report.rejected == []
    service = Service.objects.select_related("structure__commune").get(source_id="v1")
    assert service.structure.name == "Centre social 1"
    assert service.structure.commune.name == "La Roche-sur-Yon"
    assert service.thematiques == ["sante--acces-aux-soins", "sante--sante-mentale"]
    assert service.state == PublicationState.PUBLISHED
    assert str(service.source_updated_on) == "2026-10-02"


def test_reimporting_updates_in_place_by_source_id(tmp_path, territories, db):
    import_files([_file(tmp_path, structures=[_structure(1)], services=[_service(1)])])
    renamed = _file(
        tmp_path,
        name="again.json",
        structures=[_structure(1, nom="Centre social renommé")],
        services=[_service(1)],
    )
    report = import_files([renamed])
    assert (report.structures_updated, report.structures_created) == (1, 0)
    # The service's own row is as it was: left alone.
    assert (report.services_updated, report.services_created) == (0, 0)
    assert report.services_unchanged == 1
    assert _counts() == (1, 1)
    assert Structure.objects.get().name == "Centre social renommé"
    # The structure's new name reaches its services' search.
    found = search_services(SearchParams(text="renommé"), cached=False)
    assert [s.source_id for s in found.services] == ["v1"]


def test_reimporting_the_same_file_changes_nothing(tmp_path, territories, db):
    path = _file(tmp_path, structures=[_structure(1)], services=[_service(1), _service(2)])
    import_files([path])
    stamps = list(Service.objects.order_by("pk").values_list("updated_at", "public_id"))
    report = import_files([path])
    assert (report.structures_created, report.structures_updated) == (0, 0)
    assert (report.services_created, report.services_updated) == (0, 0)
    assert (report.structures_unchanged, report.services_unchanged) == (1, 2)
    assert "2 inchangés" in report.summary()
    assert list(Service.objects.order_by("pk").values_list("updated_at", "public_id")) == stamps


def test_a_reimport_keeps_the_freshness_reminder_and_counts_the_service_unchanged(
    tmp_path, territories, db
):
    path = _file(tmp_path, structures=[_structure(1)], services=[_service(1)])
    import_files([path])
    reminded = dt.date(2026, 11, 2)
    Service.objects.update(freshness_reminded_on=reminded)
    report = import_files([path])
    assert (report.services_updated, report.services_unchanged) == (0, 1)
    assert Service.objects.get().freshness_reminded_on == reminded


def test_the_two_published_files_can_be_imported_together(tmp_path, territories, db):
    structures = _file(tmp_path, "structures.json", payload=[_structure(1)])
    services = _file(tmp_path, "services.json", payload=[_service(1), _service(2)])
    report = import_files([structures, services])
    assert (report.structures_created, report.services_created) == (1, 2)


def test_one_bad_row_changes_nothing_and_the_report_says_where_and_why(tmp_path, territories, db):
    path = _file(
        tmp_path,
        structures=[_structure(1), _structure(2, nom="X")],
        services=[_service(1), _service(2, structure="absent"), _service(3, frais="cher")],
    )
    with pytest.raises(ImportRejected) as rejected:
        import_files([path])
    assert _counts() == (0, 0)
    reasons = [str(r) for r in rejected.value.report.rejected]
    assert reasons == [
        "di.json : structures n° 2 (id s2) — nom : trop court (au moins 3 caractères)",
        "di.json : services n° 3 (id v3) — frais : frais inconnus : 'cher'",
        "di.json : services n° 2 (id v2) — structure inconnue : absent",
    ]


def test_skip_invalid_imports_the_valid_rows_and_reports_the_others(tmp_path, territories, db):
    path = _file(
        tmp_path,
        structures=[_structure(1), _structure(2, nom="X")],
        services=[_service(1), _service(2, thematiques=["sante"])],
    )
    report = import_files([path], skip_invalid=True)
    assert _counts() == (1, 1)
    assert [r.reason for r in report.rejected] == [
        "nom : trop court (au moins 3 caractères)",
        "thematiques : thématique(s) inconnue(s) : sante",
    ]


def test_a_secondary_value_that_is_wrong_is_set_aside_and_said_not_the_row(
    tmp_path, territories, db
):
    path = _file(
        tmp_path,
        structures=[
            _structure(1, code_insee="99999", courriel="pas un courriel", siret="123"),
            _structure(2, site_web="pas une url !"),
        ],
        services=[_service(1, lien_mobilisation="javascript:alert(1)")],
    )
    report = import_files([path])
    assert _counts() == (2, 1)
    assert [str(w) for w in report.warnings] == [
        "di.json : structures n° 1 (id s1) — code_insee mis de côté — commune inconnue : 99999",
        "di.json : structures n° 1 (id s1) — courriel mis de côté — courriel invalide : "
        "'pas un courriel'",
        "di.json : structures n° 1 (id s1) — siret mis de côté — SIRET invalide : '123'",
        "di.json : structures n° 2 (id s2) — site_web mis de côté — adresse web invalide : "
        "'https://pas une url !'",
        "di.json : services n° 1 (id v1) — lien_mobilisation mis de côté — adresse web invalide "
        "(http ou https attendu) : 'javascript:alert(1)'",
    ]
    first = Structure.objects.get(source_id="s1")
    assert (first.commune_id, first.email, first.siret) == (None, "", "")
    assert Structure.objects.get(source_id="s2").website == ""
    assert "5 valeur(s) mise(s) de côté" in report.summary()


def test_what_the_official_schema_accepts_but_maillage_cannot_store_is_set_aside_not_refused(
    tmp_path, territories, db
):
    long_url = "https://exemple.fr/" + "a" * 600  # the schema allows 2,083 characters
    path = _file(
        tmp_path,
        structures=[
            _structure(1, telephone="02 51 00 00 00 " * 4, adresse="rue " * 70),
            _structure(2, site_web=long_url, horaires_accueil="Mo 09:00-12:00; " * 80),
        ],
        services=[
            _service(1, lien_mobilisation=long_url, zone_eligibilite=["2a", "zz999", "85"]),
            _service(2, structure="s2"),
        ],
    )
    report = import_files([path])
    assert report.rejected == [] and _counts() == (2, 2)
    warned = [str(w) for w in report.warnings]
    for field in ("telephone", "adresse", "site_web", "horaires_accueil", "lien_mobilisation"):
        assert any(f"{field} mis de côté" in w for w in warned), (field, warned)
    assert any("zone_eligibilite mis de côté" in w and "zz999" in w for w in warned)
    first = Structure.objects.get(source_id="s1")
    assert (first.phone, first.address) == ("", "")
    # Corse-du-Sud written in lower case is still Corse-du-Sud; the unknown code is dropped.
    assert Service.objects.get(source_id="v1").eligibility_zone == ["2A", "85"]


def test_a_service_may_come_before_its_structure_and_an_orphan_is_left_out(
    tmp_path, territories, db
):
    # An array in any order: the service v1 is read before its structure s1.
    path = _file(
        tmp_path,
        payload=[_service(1), _structure(1), _service(2, structure="absent")],
    )
    report = import_files([path], skip_invalid=True)
    assert _counts() == (1, 1)
    assert Service.objects.get().structure.source_id == "s1"
    assert [r.reason for r in report.rejected] == ["structure inconnue : absent"]
    assert (report.services_created, report.services_unchanged) == (1, 0)


def test_an_unreadable_file_is_rejected_whole(tmp_path, territories, db):
    path = tmp_path / "broken.json"
    path.write_text('{"structures": [{"source": "dora", "id": ', encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        import_files([path])
    assert "JSON illisible" in rejected.value.report.rejected[0].reason
    assert _counts() == (0, 0)


def test_the_command_exits_non_zero_and_prints_the_report(tmp_path, territories, db, capsys):
    path = _file(tmp_path, structures=[_structure(1, nom="X")])
    report_file = tmp_path / "rapport.txt"
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import", "data-inclusion", str(path), "--report", str(report_file))
    assert "nom : trop court (au moins 3 caractères)" in capsys.readouterr().err
    assert "structures n° 1 (id s1)" in report_file.read_text(encoding="utf-8")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = list(_structure()) + list(_service())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=8) | JSON_VALUES,
        max_size=5,
    )
)
def test_arbitrary_rows_never_crash_an_import_nor_leave_partial_data(
    tmp_path_factory, territories, db, rows
):
    path = _file(tmp_path_factory.mktemp("fuzz"), payload=[_structure(1), *rows])
    before = _counts()
    try:
        import_files([path])
    except ImportRejected as rejected:
        assert rejected.report.rejected
        assert _counts() == before


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=200))
def test_arbitrary_bytes_never_crash_an_import(tmp_path_factory, territories, db, content):
    path = tmp_path_factory.mktemp("bytes") / "x.json"
    path.write_bytes(content)
    before = _counts()
    try:
        import_files([path])
    except ImportRejected:
        assert _counts() == before


def test_each_enumerated_list_names_its_unknown_values(tmp_path, territories, db):
    path = _file(
        tmp_path,
        structures=[_structure(1)],
        services=[_service(1, publics=["martiens"]), _service(2, modes_accueil=["par pigeon"])],
    )
    with pytest.raises(ImportRejected) as rejected:
        import_files([path])
    assert [r.reason for r in rejected.value.report.rejected] == [
        "publics : public(s) inconnu(s) : martiens",
        "modes_accueil : mode(s) d'accueil inconnu(s) : par pigeon",
    ]


def test_the_import_reports_its_progress_up_to_the_end(tmp_path, territories, db):
    import json

    from maillage.directory.imports import data_inclusion

    rows = {
        "structures": [
            {"source": "progres", "id": f"s{n}", "nom": f"Structure {n}", "date_maj": "2026-10-01"}
            for n in range(1500)
        ],
        "services": [
            {
                "source": "progres",
                "id": f"v{n}",
                "structure_id": f"s{n % 1500}",
                "nom": f"Service {n}",
                "description": "Un service.",
                "date_maj": "2026-10-01",
            }
            for n in range(1500)
        ],
    }
    path = tmp_path / "progres.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    seen = []
    data_inclusion.import_files([path], progress=lambda rows, share: seen.append((rows, share)))
    reading = [(rows, share) for rows, share in seen if share is not None]
    # Every thousand rows: the rows read and the share of the bytes read (the object is read
    # once per list), always growing, up to the end where the rows are written.
    assert [rows for rows, _ in reading] == [1000, 2000, 3000]
    shares = [share for _, share in reading]
    assert shares == sorted(shares) and 0 < shares[0] < 0.5 and shares[-1] > 0.9
    assert seen[-1] == (3000, None)


def test_web_addresses_are_http_or_set_aside(tmp_path, territories, db):
    path = _file(
        tmp_path,
        structures=[
            _structure(1, site_web="www.centre-social.fr"),
            _structure(2, site_web="javascript:alert(document.cookie)"),
        ],
        services=[_service(1, lien_mobilisation="data:text/html,<script>x</script>")],
    )
    report = import_files([path])
    assert [w.reason for w in report.warnings] == [
        "site_web mis de côté — adresse web invalide (http ou https attendu) : "
        "'javascript:alert(document.cookie)'",
        "lien_mobilisation mis de côté — adresse web invalide (http ou https attendu) : "
        "'data:text/html,<script>x</script>'",
    ]
    assert Structure.objects.get(source_id="s1").website == "https://www.centre-social.fr"
    assert Structure.objects.get(source_id="s2").website == ""
    assert Service.objects.get(source_id="v1").mobilisation_link == ""


def test_an_id_written_with_its_source_prefix_names_the_same_row(tmp_path, territories, db):
    import_files([_file(tmp_path, structures=[_structure(1, id="dora--s1")])])
    assert Structure.objects.get().source_id == "s1"
    report = import_files(
        [_file(tmp_path, structures=[_structure(1, nom="Centre social renommé")])]
    )
    assert report.structures_updated == 1
    assert Structure.objects.get().name == "Centre social renommé"


def test_rows_imported_with_a_prefixed_id_lose_the_prefix_on_migration(territories, db):
    import importlib

    from django.db import connection

    migration = importlib.import_module(
        "maillage.directory.migrations.0017_source_ids_without_prefix"
    )
    old = Structure.objects.create(name="Ancienne", source="dora", source_id="dora--42")
    bare = Structure.objects.create(name="Déjà nue", source="dora", source_id="7")
    clash = Structure.objects.create(name="En conflit", source="dora", source_id="dora--7")
    other = Structure.objects.create(name="Autre source", source="cd35", source_id="dora--9")
    with connection.cursor() as cursor:
        cursor.execute(migration.STRIP.format(table="directory_structure"))
    for row in (old, bare, clash, other):
        row.refresh_from_db()
    assert old.source_id == "42" and bare.source_id == "7"
    assert clash.source_id == "dora--7"  # the bare id is taken: left as it was
    assert other.source_id == "dora--9"


def test_a_refused_row_gives_every_reason_at_once(tmp_path, territories, db):
    row = _structure(1, nom="X", reseaux_porteurs=["inconnu"])
    del row["date_maj"]
    with pytest.raises(ImportRejected) as rejected:
        import_files([_file(tmp_path, structures=[row])])
    (reason,) = [r.reason for r in rejected.value.report.rejected]
    assert "nom" in reason and "date_maj" in reason and "reseaux_porteurs" in reason
    assert _counts() == (0, 0)
