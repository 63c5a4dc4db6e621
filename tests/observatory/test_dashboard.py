"""The observatory's dashboard, its downloads (CSV, XLSX, open statistics) and the annual
evaluation report."""

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from maillage.core.models import AuditEvent
from maillage.observatory import exports, facts, indicators
from maillage.observatory.models import AnnualReport
from maillage.pathways.models import SupportRequest

URL = reverse("observatory:dashboard")
MARCH = {"territoire": "dep-85", "du": "2026-03", "au": "2026-03"}


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def test_observers_read_the_figures_of_a_territory_and_a_period_and_no_name(
    client, cast, requests_in_march
):
    client.force_login(cast.observer)
    response = client.get(URL, MARCH)
    assert response.status_code == 200
    text = page_text(response)
    assert "Vendée (85) — mars 2026" in text
    assert "Chiffres arrêtés le" in text
    figures = dict(response.context["figures"])
    assert figures["Demandes d'appui reçues"] == "13"
    assert figures["Personnes accompagnées pour la première fois"] == "13"
    # Every table with something in it is drawn as a chart named by its title, and every
    # table is printed under it.
    tables = response.context["tables"]
    drawn = [t for t in tables if not t["table"].is_empty]
    assert text.count('<svg class="chart" role="img"') == len(drawn) >= 3
    assert text.count('<table class="table figures">') == len(tables) == 23
    assert "Demandes d'appui reçues, selon qui demande et l'urgence" in text
    assert "Personne0" not in text and "Dupont" not in text
    # The view can be shared: the download links carry the territory and the months.
    assert "tableaux/demandes.csv?territoire=dep-85&amp;du=2026-03&amp;au=2026-03" in (
        response.content.decode()
    )


def test_the_dashboard_defaults_to_the_platform_territory_over_twelve_months(
    client, cast, requests_in_march
):
    client.force_login(cast.coordinator)
    response = client.get(URL)
    scope = response.context["scope"]
    assert response.status_code == 200 and scope.key.startswith(("ter-", "dep-"))
    assert len(scope.months) == 12


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"du": "2026-13"}, "Indiquez un mois sous la forme AAAA-MM."),
        ({"du": "0001-01"}, "Choisissez un mois entre 2000 et 2100."),
        ({"du": "2000-01", "au": "2026-01"}, "Choisissez une période de 120 mois au plus."),
        ({"du": "2026-05", "au": "2026-03"}, "Le dernier mois vient après le premier."),
        ({"code": "99999"}, "Ce territoire n'existe pas dans le référentiel."),
        ({"code": "12"}, "Un code INSEE a 5 caractères"),
        ({"territoire": "dep-ZZ"}, "Sélectionnez un choix valide"),
    ],
)
def test_a_bad_territory_or_period_is_explained_in_french(
    client, cast, requests_in_march, query, message
):
    client.force_login(cast.observer)
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in page_text(response)


def test_a_commune_or_an_epci_can_be_typed_by_its_code(client, cast, requests_in_march):
    client.force_login(cast.observer)
    commune = client.get(URL, {**MARCH, "code": "85191"})
    assert commune.context["scope"].label == "La Roche-sur-Yon (85191)"
    from maillage.territories.models import Commune

    siren = Commune.objects.get(code="85191").epci_id
    epci = client.get(URL, {**MARCH, "code": siren})
    assert epci.status_code == 200 and "85191" in epci.context["scope"].communes
    assert epci.context["figures"][0] == ("Demandes d'appui reçues", "13")


def test_the_dashboard_runs_a_fixed_number_of_queries_whatever_the_territory(
    client, cast, requests_in_march, django_assert_max_num_queries
):
    client.force_login(cast.observer)
    with django_assert_max_num_queries(50) as counted:
        client.get(URL, MARCH)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(URL, {**MARCH, "territoire": "fr"})


def test_csv_and_xlsx_downloads_hold_the_table_as_shown(client, cast, requests_in_march):
    from openpyxl import load_workbook

    client.force_login(cast.coordinator)
    response = client.get(reverse("observatory:table", args=["demandes", "csv"]), MARCH)
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="demandes-vendee-85-2026-03-2026-03.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Qui demande", *[h for h in rows[0][1:-1]], "Total"]
    assert rows[1][0] == "Un·e professionnel·le" and rows[1][-1] == "12"
    assert rows[-1][0] == "Total" and rows[-1][-1] == "13"
    response = client.get(reverse("observatory:table", args=["demandes", "xlsx"]), MARCH)
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][0] == "Demandes d'appui reçues, selon qui demande et l'urgence"
    assert ["Un·e professionnel·le", 0, 12, 0, 12] in cells


def test_open_statistics_hide_small_counts_and_what_would_reveal_them(
    client, cast, requests_in_march
):
    client.force_login(cast.observer)
    response = client.get(reverse("observatory:open_data", args=["demandes", "csv"]), MARCH)
    response_for_observer = response.content
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    table = {row[0]: row[1:] for row in rows[1:]}
    # The caregiver's single request is hidden; so are the professionals' twelve, else the
    # total of thirteen would give it away; the grand total stays.
    assert table["Un·e aidant·e ou proche"][1] == "s"
    assert table["Un·e professionnel·le"][1] == "s"
    assert table["Total"][1] == "13" and table["Total"][-1] == "13"
    assert all(v in ("0", "s") or int(v) >= 11 for row in rows[1:] for v in row[1:])
    # Tables of rates are not published as open statistics.
    response = client.get(reverse("observatory:open_data", args=["couverture", "csv"]), MARCH)
    assert response.status_code == 404
    # Open to anyone, without an account, under a name one reads.
    client.logout()
    public = client.get(reverse("observatory:open_data", args=["demandes", "csv"]), MARCH)
    assert public.status_code == 200 and public.content == response_for_observer
    assert re.search(
        r'filename="demandes-[a-z0-9-]+-\d{4}-\d{2}-\d{4}-\d{2}-donnees-ouvertes\.csv"',
        public["Content-Disposition"],
    )


def test_the_open_statistics_page_shows_every_published_table_masked_to_anyone(
    client, cast, requests_in_march
):
    response = client.get(reverse("observatory:open_statistics"), MARCH)
    assert response.status_code == 200
    text = page_text(response)
    assert "Statistiques ouvertes" in text and "Vendée (85) — mars 2026" in text
    shown = response.context["tables"]
    assert shown and all(exports.publishable(t["table"]) for t in shown)
    assert "couverture" not in {t["table"].slug for t in shown}  # rates stay unpublished
    requests = next(t for t in shown if t["table"].slug == "demandes")
    cells = {row[0]: row[1:] for row in requests["rows"][1:]}
    assert cells["Un·e aidant·e ou proche"][1] == "s" and cells["Total"][1] == 13
    assert ">s</abbr>" in response.content.decode()
    assert "donnees-ouvertes/demandes.xlsx?territoire=dep-85&amp;du=2026-03" in (
        response.content.decode()
    )
    assert "Personne0" not in text and "Dupont" not in text
    bad = client.get(reverse("observatory:open_statistics"), {"du": "mars"})
    assert bad.status_code == 400


def test_open_rows_of_a_distribution_keep_each_column_safe():
    table = indicators.Table(
        "t", "T", "Besoin", ["Demandes"], [("a", [30]), ("b", [4]), ("c", [25])], additive="columns"
    )
    rows = exports.open_rows(table)
    assert rows[1:] == [["a", 30], ["b", "s"], ["c", "s"], ["Total", 59]]


def test_a_download_with_a_bad_period_says_why(client, cast, requests_in_march):
    client.force_login(cast.observer)
    response = client.get(reverse("observatory:table", args=["demandes", "csv"]), {"du": "mars"})
    assert response.status_code == 400
    assert "Indiquez un mois sous la forme AAAA-MM." in response.content.decode()
    missing = client.get(reverse("observatory:table", args=["nothing", "csv"]), MARCH)
    assert missing.status_code == 404


# --- Annual report ----------------------------------------------------------------------------


def report_url(name, year=2026):
    return reverse(f"observatory:{name}", args=[year])


def commentary(client, year, **texts):
    version = client.get(report_url("report_commentary", year)).context["form"].initial["version"]
    return client.post(report_url("report_commentary", year), {"version": version, **texts})


def test_coordinators_write_the_commentary_then_publish_for_the_observers(
    client, cast, requests_of_2025, platform_territory, settings
):
    settings.MAILLAGE_CHROMIUM = "/nonexistent/chromium"  # the PDF is the other file's test
    client.force_login(cast.observer)
    assert client.get(report_url("report", 2025)).status_code == 404  # a draft
    client.force_login(cast.coordinator)
    text = page_text(client.get(report_url("report", 2025)))
    for heading in ("Rapport annuel d'évaluation 2025", "1. Synthèse", "2. Activité", "Délais"):
        assert heading in text
    assert (
        dict(client.get(report_url("report", 2025)).context["figures"])["Demandes d'appui reçues"]
        == "13"
    )
    assert commentary(client, 2025, summary="Une année de montée en charge.").status_code == 302
    assert "Une année de montée en charge." in page_text(client.get(report_url("report", 2025)))
    version = AnnualReport.objects.get(year=2025).version
    response = client.post(report_url("report_publish", 2025), {"version": version})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="report.publish").exists()
    client.force_login(cast.observer)
    published = client.get(report_url("report", 2025))
    assert published.status_code == 200
    assert "Une année de montée en charge." in page_text(published)
    # Published, it no longer changes: neither its text…
    client.force_login(cast.coordinator)
    response = client.post(
        report_url("report_commentary", 2025), {"version": version + 1, "summary": "Autre"}
    )
    assert response.status_code == 400 and "il ne change plus" in page_text(response)
    # …nor its figures, whatever happens to the live data afterwards.
    SupportRequest.objects.filter(person__first_name="Personne3").delete()
    facts.refresh()
    figures = dict(client.get(report_url("report", 2025)).context["figures"])
    assert figures["Demandes d'appui reçues"] == "13"


def test_a_report_is_published_once_its_year_is_over(client, cast, requests_in_march):
    client.force_login(cast.coordinator)
    version = client.get(report_url("report")).context["report"].version
    response = client.post(report_url("report_publish"), {"version": version}, follow=True)
    assert "Un rapport se publie une fois l'année finie." in page_text(response)
    assert not AnnualReport.objects.filter(published_at__isnull=False).exists()


def test_publishing_refuses_a_commentary_changed_since_it_was_read(client, cast, requests_of_2025):
    client.force_login(cast.coordinator)
    read = AnnualReport.objects.filter(year=2025).first()
    version = read.version if read else 1
    commentary(client, 2025, summary="Écrit par une collègue entre-temps")
    response = client.post(report_url("report_publish", 2025), {"version": version}, follow=True)
    assert "relisez-le avant de le publier" in page_text(response)
    assert AnnualReport.objects.get(year=2025).published_at is None


def test_observers_see_small_counts_hidden_and_coordinators_see_them_exact(
    client, cast, requests_in_march
):
    march_at_roche = {**MARCH, "code": "85191"}
    client.force_login(cast.coordinator)
    exact = client.get(URL, march_at_roche)
    tables = {t["table"].slug: t["rows"] for t in exact.context["tables"]}
    assert ["Un·e aidant·e ou proche", 0, 1, 0, 1] in tables["demandes"]
    client.force_login(cast.observer)
    protected = client.get(URL, march_at_roche)
    tables = {t["table"].slug: t["rows"] for t in protected.context["tables"]}
    assert ["Un·e aidant·e ou proche", 0, "s", 0, "s"] in tables["demandes"]
    assert "Les effectifs de moins de 11 personnes sont masqués" in page_text(protected)
    # Hidden cells read "s" on the page too, explained.
    assert '<td><abbr title="masqué : moins de 11 personnes' in protected.content.decode()
    # The caregiver's request cannot be found in any download either.
    response = client.get(reverse("observatory:table", args=["demandes", "csv"]), MARCH)
    assert "Un·e aidant·e ou proche,0,s,0,s" in response.content.decode()


def test_the_pathway_summary_never_hides_exactly_one_figure():
    table = indicators.Table(
        "parcours",
        "P",
        "Parcours",
        ["Nombre"],
        [("début", [40]), ("ouverts", [12]), ("clos", [3]), ("fin", [49])],
        additive="none",
    )
    rows = exports.open_rows(table)
    # Hiding only the 3 closures would leave 40 + 12 − 49 to give it back.
    assert [r[1] for r in rows[1:]] == [40, "s", "s", 49]


def test_rates_computed_from_a_hidden_count_are_hidden_with_it():
    table = indicators.Table(
        "t",
        "T",
        "Type",
        ["Personnes", "Part (%)", "Population (%)", "Pour 10 000"],
        [("a", [40, 80.0, 50.0, 4.0]), ("b", [6, 12.0, 30.0, 1.0]), ("c", [4, 8.0, 20.0, 1.0])],
        counts=False,
        masks={0: (1, 3)},
    )
    rows = exports.open_rows(table)
    assert rows[2] == ["b", "s", "s", 30.0, "s"] and rows[3] == ["c", "s", "s", 20.0, "s"]
    assert rows[1] == ["a", 40, 80.0, 50.0, 4.0]


def test_a_year_out_of_range_is_not_found(client, cast, requests_in_march):
    client.force_login(cast.coordinator)
    for path in ("99999/", "99999/pdf/", "99999/commentaire/", "1999/"):
        assert client.get(f"/observatoire/rapport/{path}").status_code == 404
    assert client.post("/observatoire/rapport/1/publier/").status_code == 404
    assert not AnnualReport.objects.exists()


def test_a_commentary_saved_meanwhile_is_not_overwritten_and_can_be_answered(
    client, cast, requests_in_march
):
    client.force_login(cast.coordinator)
    version = client.get(report_url("report_commentary")).context["form"].initial["version"]
    client.post(report_url("report_commentary"), {"version": version, "summary": "Premier"})
    response = client.post(
        report_url("report_commentary"), {"version": version, "summary": "Second"}
    )
    assert response.status_code == 409
    text = page_text(response)
    assert "Quelqu'un d'autre a enregistré" in text and "Second" in text
    assert "Texte enregistré entre-temps" in text and "Premier" in text
    assert AnnualReport.objects.get(year=2026).commentary["summary"] == "Premier"
    # Saving again, knowing the other text, goes through.
    form = response.context["form"]
    again = client.post(
        report_url("report_commentary"),
        {"version": form["version"].value(), "summary": "Premier, puis second"},
    )
    assert again.status_code == 302
    assert AnnualReport.objects.get(year=2026).commentary["summary"] == "Premier, puis second"


def test_reading_the_commentary_form_creates_nothing(client, cast, requests_in_march):
    client.force_login(cast.coordinator)
    assert client.get(report_url("report_commentary", 2024)).status_code == 200
    assert not AnnualReport.objects.filter(year=2024).exists()
