import datetime as dt
import html
import re

from django.urls import reverse

from maillage.directory import search_index
from tests.factories import ServiceFactory, StructureFactory

SEARCH = reverse("directory:search")


def _service(name, commune="85191", **fields):
    service = ServiceFactory(
        structure=StructureFactory(commune_id=commune, name=f"Maison {name}"), name=name, **fields
    )
    search_index.refresh(service_ids=[service.pk])
    return service


def _text(response):
    return html.unescape(response.content.decode())


def test_a_professional_finds_services_around_a_commune_typed_in_words(client, cast, territories):
    _service(
        "Consultation jeunes consommateurs", commune="85213", thematiques=["sante--addictions"]
    )
    client.force_login(cast.professional)
    page = _text(client.get(SEARCH, {"theme": "sante", "lieu": "la roche sur yon"}))
    assert "1 service trouvé autour de La Roche-sur-Yon" in page
    assert "Consultation jeunes consommateurs" in page
    assert " km" in page and "à " in page


def test_htmx_gets_only_the_results(client, cast, territories):
    _service("Permanence sociale", thematiques=["sante--acces-aux-soins"])
    client.force_login(cast.professional)
    fragment = _text(client.get(SEARCH, {"q": "permanence"}, HTTP_HX_REQUEST="true"))
    assert "<html" not in fragment
    assert "Permanence sociale" in fragment


def test_bad_criteria_are_explained_in_french_not_a_500(client, cast, territories):
    client.force_login(cast.professional)
    page = client.get(SEARCH, {"lieu": "Atlantide-sur-Mer", "theme": "sante"})
    assert page.status_code == 200
    assert "Commune introuvable" in _text(page)
    page = client.get(SEARCH, {"radius_km": "loin", "theme": "pas-un-theme"})
    assert page.status_code == 200
    assert "Certains critères sont invalides" in _text(page)


def test_the_service_page_gives_what_is_needed_to_orient(client, cast, territories):
    service = _service(
        "Centre de santé",
        opening_hours="Mo-Fr 09:00-12:00",
        thematiques=["sante--acces-aux-soins"],
        phone="02 51 00 00 00",
        no_appointment=True,
        fees="gratuit",
        source_updated_on=dt.date(2020, 1, 1),
    )
    client.force_login(cast.professional)
    page = _text(client.get(reverse("directory:service", kwargs={"public_id": service.public_id})))
    assert "02 51 00 00 00" in page
    assert "9 h – 12 h" in page
    assert "Sans rendez-vous" in page
    assert "Informations à vérifier" in page  # updated in 2020, yearly at best
    sheet = _text(
        client.get(reverse("directory:service_sheet", kwargs={"public_id": service.public_id}))
    )
    assert "Vous pouvez vous adresser à ce service" in sheet
    assert "sheet.css" in sheet


def test_the_service_page_shows_the_three_faces_of_accessibility_and_how_to_mobilise(
    client, cast, territories, django_assert_max_num_queries
):
    service = _service(
        "Cabinet médical",
        reception_modes=["en-presentiel", "a-distance"],
        languages=["ar", "ps", "fsl", "xx"],
        fee_sectors=["secteur-1"],
        free_under_conditions=True,
        professions=["médecin généraliste", "infirmier"],
        capacity=12,
        eligibility_zone=["85191", "85", "FR"],
        mobilisation_modes=["telephoner"],
        mobilisable_by=["professionnels"],
        mobilisation_details="Appeler le secrétariat le matin.",
        mobilisation_link="https://rdv.example.org/cabinet",
    )
    structure = service.structure
    structure.finess, structure.finess_category_label = "850000019", "Centre de Santé"
    structure.legal_form, structure.ess_approved = "association", True
    structure.accessibility_link = "https://acceslibre.beta.gouv.fr/app/85-la-roche/a/x/"
    structure.save()
    client.force_login(cast.professional)
    url = reverse("directory:service", kwargs={"public_id": service.public_id})
    client.get(url)
    with django_assert_max_num_queries(12):
        page = _text(client.get(url))
    assert "En présentiel, À distance" in page
    # languages by name, an unknown code as it is
    assert "arabe, pachto, langue des signes française (LSF), xx" in page
    assert "Secteur 1" in page and "gratuit sous conditions" in page
    assert "médecin généraliste, infirmier" in page
    assert "12 places" in page
    assert "La Roche-sur-Yon, Vendée (85), toute la France" in page
    assert "Appeler le secrétariat le matin." in page
    assert "https://rdv.example.org/cabinet" in page
    assert "fiche Acceslibre" in page
    assert "850000019 — Centre de Santé" in page
    assert "Association ; agréée entreprise solidaire d'utilité sociale (ESUS)" in page
    # The sheet handed to the person keeps what she needs, not the professionals' details.
    sheet = _text(
        client.get(reverse("directory:service_sheet", kwargs={"public_id": service.public_id}))
    )
    assert "arabe" in sheet and "Secteur 1" in sheet and "Appeler le secrétariat" in sheet
    assert "850000019" not in sheet and "Qui peut orienter" not in sheet


def test_the_page_filters_by_language_and_sector_like_the_api(client, cast, territories):
    _service("Consultation en arabe", languages=["ar"], fee_sectors=["secteur-1"])
    _service("Consultation en anglais", languages=["en"], fee_sectors=["secteur-2"])
    client.force_login(cast.professional)
    page = _text(client.get(SEARCH, {"lieu": "85000", "language": "ar"}))
    assert "Consultation en arabe" in page and "Consultation en anglais" not in page
    assert '<option value="ar" selected>Arabe</option>' in page  # kept in the form
    page = _text(client.get(SEARCH, {"lieu": "85000", "facet": "sector_1"}))
    assert "Consultation en arabe" in page and "Consultation en anglais" not in page


def test_the_page_says_an_unmet_need_is_noted_only_when_it_is(client, cast, territories):
    from maillage.directory.models import UnmetSearch

    client.force_login(cast.professional)
    page = _text(client.get(SEARCH, {"lieu": "85000", "theme": "sante--addictions"}))
    assert "Aucun service ne correspond" in page
    assert "Ce besoin non couvert est noté" in page
    assert UnmetSearch.objects.count() == 1
    # A place alone says nothing of a need: nothing is noted, and the page does not claim it.
    page = _text(client.get(SEARCH, {"lieu": "85000", "facet": "anonymous"}))
    assert "Aucun service ne correspond" in page
    assert "Ce besoin non couvert est noté" not in page
    assert UnmetSearch.objects.count() == 1


def test_a_stored_address_that_is_not_http_is_never_a_link(client, cast, territories):
    service = _service("Permanence", mobilisation_link="javascript:alert(1)")
    structure = service.structure
    structure.website = "javascript:alert(2)"
    structure.accessibility_link = "https://acceslibre.beta.gouv.fr/app/x/"
    structure.save()
    client.force_login(cast.professional)
    page = client.get(reverse("directory:service", kwargs={"public_id": service.public_id}))
    content = page.content.decode()
    assert "javascript:" not in content
    assert 'href="https://acceslibre.beta.gouv.fr/app/x/"' in content


def test_an_unpublished_service_is_not_found(client, cast, territories):
    service = _service("Brouillon", state="draft")
    client.force_login(cast.professional)
    response = client.get(reverse("directory:service", kwargs={"public_id": service.public_id}))
    assert response.status_code == 404


def test_the_search_page_runs_a_constant_number_of_queries(
    client, cast, territories, django_assert_max_num_queries
):
    client.force_login(cast.professional)
    for n in range(3):
        _service(f"Lieu d'accueil {n}")
    client.get(SEARCH, {"lieu": "85000"})
    with django_assert_max_num_queries(16):
        client.get(SEARCH, {"lieu": "85000"})
    for n in range(15):
        _service(f"Autre lieu {n}")
    with django_assert_max_num_queries(16):
        page = _text(client.get(SEARCH, {"lieu": "85000"}))
    assert "18 services trouvés" in page
    assert "Résultats suivants" not in page  # 18 fit on the first page of 20


def test_anyone_reads_the_directory_without_an_account_and_nothing_more(client, db, territories):
    service = _service("Halte répit des aidants", thematiques=["famille--soutien-aidants"])
    page = _text(client.get(SEARCH, {"q": "halte répit", "lieu": "La Roche-sur-Yon"}))
    assert "Halte répit des aidants" in page
    detail = _text(client.get(reverse("directory:service", args=[service.public_id])))
    assert "Halte répit des aidants" in detail
    assert "Orienter une personne vers ce service" not in detail  # orienting needs an account
    assert "Fiche à imprimer pour la personne" in detail
    sheet = client.get(reverse("directory:service_sheet", args=[service.public_id]))
    assert sheet.status_code == 200
    # Orienting, personal data and editing stay behind the login.
    for name, args in (
        ("directory:orientation_new", [service.public_id]),
        ("directory:orientation_list", []),
        ("directory:my_entries", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 302


def test_a_service_page_calls_writes_routes_and_goes_back_to_the_same_search(
    client, db, territories
):
    service = _service(
        "Centre de santé du bourg",
        thematiques=["sante--acces-aux-soins"],
        phone="02 51 00 00 00",
        email="accueil@centre.example.org",
    )
    results = _text(client.get(SEARCH, {"q": "centre de santé", "lieu": "La Roche-sur-Yon"}))
    link = re.search(r'href="(/annuaire/services/[^"]+)"', results).group(1)
    detail = _text(client.get(html.unescape(link)))
    assert (
        'href="tel:0251000000"' in detail and 'href="mailto:accueil@centre.example.org"' in detail
    )
    if service.geo_latitude is not None:
        assert "openstreetmap.org/directions?to=" in detail
    back = re.search(r'href="(/annuaire/[^"]*)">Retour à la recherche', detail).group(1)
    assert "q=centre" in back and "lieu=La" in back
    # Anything but the search's own criteria is dropped.
    odd = _text(
        client.get(
            reverse("directory:service", args=[service.public_id]),
            {"recherche": "q=x&javascript=alert(1)&next=//evil"},
        )
    )
    assert "javascript" not in re.search(r'href="([^"]*)">Retour', odd).group(1)


def test_the_commune_field_suggests_the_territory_s_communes(client, db, territories):
    from maillage.core.models import PlatformSettings
    from maillage.territories.models import Territory

    territory = Territory.objects.create(name="Autour d'Aizenay", kind="micro")
    territory.communes.add("85003")  # Aizenay: the whole Vendée is then suggested
    settings_row = PlatformSettings.current()
    settings_row.competence_territory = territory
    settings_row.save()
    page = _text(client.get(SEARCH))
    datalist = page.split('<datalist id="communes">')[1].split("</datalist>")[0]
    assert '<option value="Aizenay">' in datalist and '<option value="Nesmy">' in datalist
    assert 'list="communes"' in page
