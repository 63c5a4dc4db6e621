import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from maillage.directory.imports.finess import (
    ImportRejected,
    category_profile,
    epsg_for,
    import_files,
    insee_code,
    to_wgs84,
)
from maillage.directory.models import Service, Structure
from maillage.directory.queries import SearchParams, search_services

HEADER = "finess;etalab;96;2026-03-11"


def _structureet(
    number,
    *,
    dep="85",
    commune="191",
    name="CENTRE HOSPITALIER DEPARTEMENTAL",
    category="355",
    label="Centre Hospitalier (C.H.)",
    siret="73282932000074",
    acheminement="85925 LA ROCHE SUR YON CEDEX 9",
):
    cells = [""] * 32
    cells[0], cells[1], cells[2] = "structureet", number, "850000001"
    cells[3], cells[4] = name[:38], name
    cells[7], cells[8], cells[9] = "33", "BD", "STEPHANE MOREAU"
    cells[12], cells[13], cells[14] = commune, dep, "VENDEE"
    cells[15], cells[16] = acheminement, "0251446161"
    cells[18], cells[19] = category, label
    cells[22], cells[30] = siret, "2025-06-30"
    return ";".join(cells)


def _geo(number, x, y, system="L93_METROPOLE"):
    return f"geolocalisation;{number};{x};{y};1,ATLASANTE,96,BAN,{system};2025-06-30"


def _file(tmp_path, *lines, name="finess.csv"):
    path = tmp_path / name
    path.write_bytes(("\n".join([HEADER, *lines]) + "\n").encode("cp1252"))
    return path


def test_the_false_origin_of_lambert_93_is_46_5_north_3_east():
    assert to_wgs84(700000, 6600000, "L93_METROPOLE") == (46.5, 3.0)


@pytest.mark.parametrize(
    ("system", "epsg"),
    [
        ("L93_METROPOLE", 2154),
        ("UTM_N20", 32620),
        ("UTM_N22", 32622),
        ("UTM_S40", 32740),
        ("UTM_S38", 32738),
        ("UTM_N21", 32621),
        ("LAMBERT_93", 2154),
        ("EPSG:2154 RGF93 / Lambert-93 (Métropole)", 2154),
        ("EPSG:5490 RGAF09 / UTM zone 20N (Guadeloupe, Martinique)", 5490),
        ("EPSG:2975 RGR92 / UTM zone 40S (Réunion)", 2975),
    ],
)
def test_overseas_systems_are_named_by_the_last_token(system, epsg):
    assert epsg_for(system) == epsg


@given(
    latitude=st.floats(42.5, 51.0),
    longitude=st.floats(-4.5, 8.0),
)
def test_lambert_93_round_trips_to_a_millionth_of_a_degree(latitude, longitude):
    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(longitude, latitude)
    back = to_wgs84(x, y, "L93_METROPOLE")
    assert back == pytest.approx((latitude, longitude), abs=2e-6)


@pytest.mark.parametrize(
    ("dep", "commune", "insee"),
    [
        ("85", "191", "85191"),
        ("2A", "004", "2A004"),
        ("9A", "101", "97101"),
        ("9D", "411", "97411"),
        ("1", "53", "01053"),
        ("9A", "123", "97701"),  # Saint-Barthélemy, still filed under Guadeloupe
        ("9A", "127", "97801"),  # Saint-Martin
        ("9J", "613", "98613"),  # Wallis-et-Futuna (Uvea)
    ],
)
def test_insee_codes_are_rebuilt_including_overseas(dep, commune, insee):
    assert insee_code(dep, commune) == insee


def test_an_extraction_imports_establishments_with_their_positions(tmp_path, territories, db):
    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(-1.4268, 46.6705)
    path = _file(
        tmp_path,
        _structureet("850000019"),
        _structureet(
            "9A0000017",
            dep="9A",
            commune="101",
            name="CLINIQUE DES ABYMES",
            acheminement="97139 LES ABYMES",
            siret="",
        ),
        _geo("850000019", x, y),
        _geo("9A0000017", 655000, 1797000, "UTM_N20"),
    )
    report = import_files([path])
    assert report.structures_created == 2
    chd = Structure.objects.get(finess="850000019")
    assert chd.commune_id == "85191"
    assert chd.postal_code == "85925" and chd.city_name == "LA ROCHE SUR YON"
    assert chd.finess_category == "355"
    assert (chd.latitude, chd.longitude) == pytest.approx((46.6705, -1.4268), abs=1e-5)
    abymes = Structure.objects.get(finess="9A0000017")
    assert abymes.commune_id == "97101"
    assert 16 < abymes.latitude < 17 and -62 < abymes.longitude < -61


def test_a_new_extraction_refreshes_the_finess_category(tmp_path, territories, db):
    import_files([_file(tmp_path, _structureet("850000019"))])
    report = import_files(
        [_file(tmp_path, _structureet("850000019", category="362"), name="finess-2027.csv")]
    )
    assert (report.structures_updated, report.structures_created) == (1, 0)
    assert Structure.objects.get(finess="850000019").finess_category == "362"
    # The same extraction again changes nothing.
    again = import_files([tmp_path / "finess-2027.csv"])
    assert (again.structures_updated, again.structures_unchanged) == (0, 1)


def test_a_broken_line_is_reported_by_its_number_and_nothing_is_written(tmp_path, territories, db):
    path = _file(
        tmp_path,
        _structureet("850000019"),
        "structureet;850000027;trop court",
        _structureet("850000035", commune="999"),
    )
    with pytest.raises(ImportRejected) as rejected:
        import_files([path])
    assert [str(r) for r in rejected.value.report.rejected] == [
        "finess.csv : ligne 3 (id 850000027) — 3 champs au lieu de 32",
    ]
    # A commune code of no commune costs the establishment its commune, not its place.
    assert [str(w) for w in rejected.value.report.warnings] == [
        "finess.csv : ligne 4 (id 850000035) — code_insee mis de côté — commune inconnue : 85999",
    ]
    assert not Structure.objects.exists()


def test_a_file_that_is_not_an_extraction_is_refused(tmp_path, territories, db):
    path = tmp_path / "autre.csv"
    path.write_text("nom;adresse\nx;y\n", encoding="cp1252")
    with pytest.raises(ImportRejected) as rejected:
        import_files([path])
    assert "extraction FINESS" in rejected.value.report.rejected[0].reason


@pytest.mark.parametrize(
    ("label", "theme", "public"),
    [
        ("Centre Médico-Psychologique (C.M.P.)", "sante--sante-mentale", "tous-publics"),
        ("Centre Hospitalier Spécialisé lutte Maladies Mentales", "sante--sante-mentale", None),
        ("Centre Soins Accompagnement Prévention Addictologie (CSAPA)", "sante--addictions", None),
        ("Centre Planification ou Education Familiale", "sante--sante-sexuelle", None),
        (
            "Etablissement d'hébergement pour personnes âgées dépendantes",
            "famille--prise-en-charge-personne-dependante",
            "seniors",
        ),
        (
            "Institut Médico-Educatif (I.M.E.)",
            "famille--prise-en-charge-personne-dependante",
            "personnes-en-situation-de-handicap",
        ),
        (
            "Centre Hébergement & Réinsertion Sociale (C.H.R.S.)",
            "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
            "personnes-en-situation-durgence",
        ),
        (
            "Centre Accueil Demandeurs d'Asile (C.A.D.A.)",
            "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
            "personnes-exilees",
        ),
        ("Centre Hospitalier (C.H.)", "sante--acces-aux-soins", "tous-publics"),
        ("Centre de Santé", "sante--acces-aux-soins", None),
        ("Pharmacie d'Officine", "sante--acces-aux-soins", None),
    ],
)
def test_a_category_gives_its_establishments_service_a_theme_and_publics(label, theme, public):
    themes, publics = category_profile(label)
    assert theme in themes
    if public:
        assert public in publics


def test_an_unknown_category_gives_no_theme_rather_than_a_wrong_one():
    assert category_profile("Bureau d'études techniques") == ([], [])
    # "cmp" inside a word is not the CMP
    assert category_profile("Comptoir") == ([], [])


def test_an_imported_establishment_is_found_by_the_search(tmp_path, territories, db):
    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(-1.4268, 46.6705)
    path = _file(
        tmp_path,
        _structureet(
            "850000019",
            name="CMP ADULTES LA ROCHE",
            category="156",
            label="Centre Médico-Psychologique (C.M.P.)",
        ),
        _geo("850000019", x, y),
    )
    report = import_files([path])
    assert (report.structures_created, report.services_created) == (1, 1)
    service = Service.objects.get(source="finess", source_id="850000019")
    assert service.structure.finess == "850000019"
    assert service.thematiques == ["sante--sante-mentale"]
    # By need and place: the need's parent theme, around the commune.
    near = search_services(SearchParams(themes=["sante"], commune="85191", radius_km=10))
    assert [s.name for s in near.services] == ["Centre Médico-Psychologique (C.M.P.)"]
    assert near.services[0].distance_km < 1
    # By words: the establishment's name.
    by_name = search_services(SearchParams(text="cmp adultes"))
    assert [s.structure.name for s in by_name.services] == ["CMP ADULTES LA ROCHE"]
    # Re-importing the same extraction changes neither.
    again = import_files([path])
    assert (again.structures_unchanged, again.services_unchanged) == (1, 1)
    # The service is a placeholder its editors complete: a new extraction keeps their work.
    Service.objects.filter(pk=service.pk).update(
        opening_hours="Mo-Fr 09:00-17:00",
        description="Consultations pour adultes, sur rendez-vous.",
        thematiques=["sante--sante-mentale", "sante--addictions"],
        phone="02 51 00 00 00",
    )
    path.write_bytes(path.read_bytes().replace(b"2025-06-30", b"2026-06-30"))
    newer = import_files([path])
    assert newer.services_updated == 1  # dated anew
    service.refresh_from_db()
    assert service.opening_hours == "Mo-Fr 09:00-17:00"
    assert service.description == "Consultations pour adultes, sur rendez-vous."
    assert service.thematiques == ["sante--sante-mentale", "sante--addictions"]
    assert service.phone == "02 51 00 00 00"
    assert str(service.source_updated_on) == "2026-06-30"


def test_an_unreadable_position_costs_its_establishment_the_position_only(
    tmp_path, territories, db
):
    path = _file(
        tmp_path,
        _structureet("850000019"),
        _structureet("850000027"),
        _structureet("850000035"),
        "geolocalisation;850000019;abc;6600000;1,ATLASANTE,96,BAN,L93_METROPOLE;2025-06-30",
        "geolocalisation;850000027;;;1,ATLASANTE,96,BAN,L93_METROPOLE;2025-06-30",
        "geolocalisation;850000035;700000;6600000;1,ATLASANTE,96,BAN,RGF93_CC46;2025-06-30",
    )
    report = import_files([path])
    assert report.rejected == []
    assert (report.structures_created, report.services_created) == (3, 3)
    assert [str(w) for w in report.warnings] == [
        "finess.csv : ligne 2 (id 850000019) — erreur_position mis de côté — ligne "
        "geolocalisation 5 : coordonnées illisibles ('abc', '6600000')",
        "finess.csv : ligne 4 (id 850000035) — erreur_position mis de côté — système de "
        "coordonnées inconnu : 'RGF93_CC46'",
    ]
    # Empty coordinates are no position, not an error.
    assert not Structure.objects.filter(latitude__isnull=False).exists()


def test_a_wrong_legal_entity_number_is_set_aside(tmp_path, territories, db):
    cells = _structureet("850000019").split(";")
    cells[2] = "12AB"
    report = import_files([_file(tmp_path, ";".join(cells))])
    assert report.rejected == [] and Structure.objects.get().finess_legal_entity == ""
    assert "finess_ej" in str(report.warnings[0])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(
        st.one_of(
            st.builds(
                lambda cells: ";".join(["structureet", *cells]),
                st.lists(st.text(alphabet="0123456789ABC ;-.", max_size=12), max_size=40),
            ),
            st.builds(
                lambda cells: ";".join(["geolocalisation", *cells]),
                st.lists(st.text(alphabet="0123456789.,-_LNSUTM ", max_size=15), max_size=7),
            ),
            st.text(max_size=60).filter(lambda t: "\n" not in t and "\r" not in t),
        ),
        max_size=6,
    )
)
def test_arbitrary_lines_never_crash_a_finess_import_nor_leave_part_of_it(
    tmp_path_factory, territories, db, lines
):
    path = tmp_path_factory.mktemp("finess") / "finess.csv"
    path.write_bytes(("\n".join([HEADER, *lines]) + "\n").encode("cp1252", errors="replace"))
    before = (Structure.objects.count(), Service.objects.count())
    try:
        report = import_files([path])
    except ImportRejected as rejected:
        assert rejected.report.rejected  # a refusal always says why
        assert (Structure.objects.count(), Service.objects.count()) == before
    else:
        assert Structure.objects.count() == before[0] + report.structures_created
        assert Service.objects.count() == before[1] + report.services_created


def test_a_2026_extraction_with_epsg_systems_places_every_establishment(tmp_path, territories, db):
    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(-1.4268, 46.6705)
    gx, gy = Transformer.from_crs(4326, 5490, always_xy=True).transform(-61.53, 16.27)
    path = _file(
        tmp_path,
        _structureet("850000019"),
        _structureet("9A0000017", dep="9A", commune="101", acheminement="97139 LES ABYMES"),
        _structureet("9A0000025", dep="9A", commune="123", acheminement="97133 SAINT BARTHELEMY"),
        _geo("850000019", x, y, "EPSG:2154 RGF93 / Lambert-93 (Métropole)"),
        _geo("9A0000017", gx, gy, "EPSG:5490 RGAF09 / UTM zone 20N"),
    )
    report = import_files([path])
    assert report.rejected == [] and report.structures_created == 3
    assert Structure.objects.get(finess="850000019").latitude == pytest.approx(46.6705, abs=1e-5)
    assert Structure.objects.get(finess="9A0000017").longitude == pytest.approx(-61.53, abs=1e-5)
    assert Structure.objects.get(finess="9A0000025").commune_id == "97701"


def test_addresses_read_as_written_and_the_other_columns_are_kept(tmp_path, territories, db):
    cells = _structureet("850000019").split(";")
    cells[5], cells[6] = "SITE NORD", "CS 20031"
    cells[7], cells[8], cells[9], cells[10] = "1", "R", "RAYMOND BARRE", "B"
    cells[11] = "LES OUDAIRIES"
    cells[17], cells[20], cells[21] = "0251446262", "1102", "Centres Hospitaliers"
    cells[23], cells[24], cells[25] = "8610Z", "03", "Dotation Globale"
    cells[26], cells[27] = "1", "Etablissement public de santé"
    cells[28], cells[29] = "1970-01-01", "1969-06-12"
    import_files([_file(tmp_path, ";".join(cells))])
    structure = Structure.objects.get(finess="850000019")
    assert structure.address == "1 B rue Raymond Barre"
    assert structure.address_complement == "Les Oudairies CS 20031"
    assert structure.finess_details == {
        "complement_raison_sociale": "SITE NORD",
        "complement_distribution": "CS 20031",
        "telecopie": "0251446262",
        "categorie_agregat": "1102",
        "libelle_categorie_agregat": "Centres Hospitaliers",
        "code_ape": "8610Z",
        "code_mft": "03",
        "libelle_mft": "Dotation Globale",
        "code_sph": "1",
        "libelle_sph": "Etablissement public de santé",
        "date_ouverture": "1970-01-01",
        "date_autorisation": "1969-06-12",
    }
    assert ("Télécopie", "0251446262") in [(k.capitalize(), v) for k, v in structure.finess_facts]


def test_a_wrong_siret_costs_the_hospital_nothing_but_its_siret(tmp_path, territories, db):
    report = import_files([_file(tmp_path, _structureet("850000019", siret="12345678901234"))])
    assert report.rejected == []
    structure = Structure.objects.get(finess="850000019")
    assert structure.siret == ""
    assert any("SIRET invalide" in str(w) and "ligne 2" in str(w) for w in report.warnings)


def test_a_wrong_fax_phone_date_or_category_costs_only_that_value(tmp_path, territories, db):
    def line(number, column, value):
        cells = _structureet(number).split(";")
        cells[column] = value
        return ";".join(cells)

    report = import_files(
        [
            _file(
                tmp_path,
                line("850000019", 17, "PAS UN FAX"),
                line("850000027", 16, "02 51 44 61 61 poste 1234 ou 02 51 44 61 62"),
                line("850000035", 30, "30/06/2025"),
                line("850000043", 18, "35512"),
            )
        ]
    )
    assert report.rejected == [], [str(r) for r in report.rejected]
    assert Structure.objects.filter(source="finess").count() == 4
    warned = [str(w) for w in report.warnings]
    assert sum("télécopie invalide" in w for w in warned) == 1
    assert sum("telephone mis de côté" in w for w in warned) == 1
    # Said once, for the establishment, not again for its service.
    assert sum("date de mise à jour illisible" in w for w in warned) == 1
    assert sum("categorie_finess mis de côté" in w for w in warned) == 1
    assert "telecopie" not in Structure.objects.get(finess="850000019").finess_details
    assert Structure.objects.get(finess="850000027").phone == ""


def test_a_system_label_with_commas_or_without_its_epsg_code_places_the_establishment(
    tmp_path, territories, db
):
    guadeloupe = Transformer.from_crs(4326, 5490, always_xy=True).transform(-61.53, 16.24)
    miquelon = Transformer.from_crs(4326, 32621, always_xy=True).transform(-56.17, 46.78)
    import_files(
        [
            _file(
                tmp_path,
                _structureet("971000015", dep="9A", commune="101"),
                _structureet("975000013", dep="9E", commune="502"),
                _geo(
                    "971000015",
                    *guadeloupe,
                    system="EPSG:5490 RGAF09 / UTM zone 20N (Guadeloupe, Martinique)",
                ),
                _geo("975000013", *miquelon, system="WGS84/UTM zone 21N (St-Pierre-et-Miquelon)"),
            )
        ]
    )
    guadeloupe_place = Structure.objects.get(finess="971000015")
    assert guadeloupe_place.latitude == pytest.approx(16.24, abs=1e-4)
    assert Structure.objects.get(finess="975000013").longitude == pytest.approx(-56.17, abs=1e-4)


def test_an_extraction_without_geolocation_keeps_the_known_positions(tmp_path, territories, db):
    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(-1.4268, 46.6705)
    import_files([_file(tmp_path, _structureet("850000019"), _geo("850000019", x, y))])
    report = import_files([_file(tmp_path, _structureet("850000019"), name="sans-geo.csv")])
    assert report.rejected == [] and report.structures_unchanged == 1
    structure = Structure.objects.get(finess="850000019")
    assert structure.latitude == pytest.approx(46.6705, abs=1e-5)


@pytest.mark.parametrize(
    ("street_type", "street", "expected"),
    [
        ("BD", "DU GENERAL DE GAULLE", "12 boulevard du General de Gaulle"),
        ("RTE", "DE PARIS", "12 route de Paris"),
        ("", "LE BOURG", "12 Le Bourg"),
    ],
)
def test_an_article_after_the_street_type_stays_in_lower_case(street_type, street, expected):
    from maillage.directory.imports.finess import street_address

    assert street_address("12", "", street_type, street) == expected


@given(
    number=st.from_regex(r"[0-9]{0,4}", fullmatch=True),
    street_type=st.sampled_from(["R", "AV", "BD", "", "XYZ"]),
    street=st.text(alphabet="ABCDEÉÈ' -", max_size=30),
)
def test_a_street_keeps_every_word_of_the_line(number, street_type, street):
    from maillage.directory.imports.finess import street_address

    address = street_address(number, "", street_type, street) or ""
    words = [w for w in f"{number} {street}".split() if w]
    assert address.lower().split()[: len(number.split())] == number.split()
    assert all(w.lower() in address.lower() for w in words)
