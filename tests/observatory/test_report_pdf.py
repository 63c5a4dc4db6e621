"""The annual report as PDF, printed by headless Chromium: from the command and the page."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_command_writes_the_report_as_html_and_as_a_paginated_pdf(
    tmp_path, requests_in_march, platform_territory
):
    out = io.StringIO()
    call_command(
        "report",
        "annual",
        "--year",
        "2026",
        "--output",
        str(tmp_path / "r.pdf"),
        "--html",
        str(tmp_path / "r.html"),
        stdout=out,
    )
    assert "PDF:" in out.getvalue()
    assert "Rapport annuel d'évaluation 2026" in (tmp_path / "r.html").read_text()
    pages, text = pdf_text((tmp_path / "r.pdf").read_bytes())
    assert pages >= 5  # one section a page
    for heading in (
        "Rapport annuel d'évaluation 2026",
        "Chiffres clés",
        "Activité",
        "Délais",
        "Besoins non couverts",
        "Accessibilité aux soins de premier recours",
    ):
        assert heading in text
    assert f"Page 1 / {pages}" in text
    assert "Pays yonnais" in text
    assert re.search(r"Demandes d'appui reçues\s*13", text)
    assert "Dupont" not in text


def test_a_coordinator_downloads_the_pdf_from_the_page(client, cast, requests_in_march):
    client.force_login(cast.coordinator)
    response = client.get(reverse("observatory:report_pdf", args=[2026]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    _pages, text = pdf_text(response.content)
    assert "Demandes d'appui reçues" in text


def test_without_chromium_the_page_says_so_and_keeps_the_html(
    client,
    cast,
    requests_in_march,
    settings,
):
    settings.MAILLAGE_CHROMIUM = "/nonexistent/chromium"
    client.force_login(cast.coordinator)
    response = client.get(reverse("observatory:report_pdf", args=[2026]))
    assert response.status_code == 503
    assert "La version HTML reste disponible" in response.content.decode()


def test_a_published_report_keeps_its_pdf_printed_at_publication(
    client, cast, requests_of_2025, platform_territory, settings
):
    from maillage.observatory import actions
    from maillage.observatory.models import AnnualReport

    report = actions.report_for(2025)
    actions.report_publish(actor=cast.coordinator, year=2025, expected_version=report.version)
    assert AnnualReport.objects.get(year=2025).pdf  # printed once, kept
    # Served as kept, even where Chromium is gone, to every reader of published reports.
    settings.MAILLAGE_CHROMIUM = "/nonexistent/chromium"
    client.force_login(cast.observer)
    response = client.get(reverse("observatory:report_pdf", args=[2025]))
    assert response.status_code == 200
    _pages, text = pdf_text(response.content)
    assert "Rapport annuel d'évaluation 2025" in text and "Pays yonnais" in text
