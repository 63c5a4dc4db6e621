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
    tmp_path, requests_in_march, cast
):
    from maillage.core.models import PlatformSettings
    from maillage.territories.models import Commune, Territory

    territory = Territory.objects.create(name="Pays yonnais", kind="competence")
    territory.communes.add(Commune.objects.get(code="85191"))
    PlatformSettings.objects.update_or_create(pk=1, defaults={"competence_territory": territory})
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
