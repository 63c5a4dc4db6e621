"""A convention's documents: the signed PDF kept privately, read by the parties' members
(each download traced), kept and removed by its keepers; anything else refused in French."""

import datetime as dt
import html

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.cooperation import actions
from maillage.cooperation.inputs import ConventionIn, PartyIn
from maillage.cooperation.models import ConventionDocument
from maillage.core.models import AuditEvent

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _convention(cast):
    convention = actions.convention_create(
        actor=cast.organisation_admin,
        data=ConventionIn(
            kind="partnership",
            title="Sortie d'hospitalisation",
            purpose="Ce qui suit un séjour à l'hôpital.",
            managed_by=cast.organisation.public_id,
            starts_on=dt.date(2026, 1, 1),
        ),
    )
    actions.party_add(
        actor=cast.organisation_admin,
        convention=convention,
        data=PartyIn(organisation=cast.organisation.public_id),
    )
    return convention


def test_a_keeper_joins_the_signed_pdf_and_the_parties_read_it(
    client, cast, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_FILES_DIR = tmp_path
    convention = _convention(cast)
    page = reverse("cooperation:convention", kwargs={"public_id": convention.public_id})
    add = reverse("cooperation:document_add", kwargs={"public_id": convention.public_id})
    client.force_login(cast.organisation_admin)
    sent = client.post(
        add,
        {"kind": "signed", "file": SimpleUploadedFile("convention-signee.pdf", PDF)},
    )
    assert sent.status_code == 302
    document = ConventionDocument.objects.get()
    assert document.path.read_bytes() == PDF and str(tmp_path) in str(document.path)
    assert "convention-signee.pdf" in client.get(page).content.decode()
    # A member of the party's organisation downloads it; the download is traced.
    client.force_login(cast.professional)
    url = reverse(
        "cooperation:document",
        kwargs={"public_id": convention.public_id, "document_id": document.public_id},
    )
    got = client.get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert got["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(
        action="convention.document.read", actor_id=cast.professional.public_id
    )
    api = client.get(f"/api/v1/conventions/{convention.public_id}")
    assert [d["name"] for d in api.json()["documents"]] == ["convention-signee.pdf"]
    # A file lost on disk (a restore without it) is a 404, never a 500, on both sides.
    kept = document.path.read_bytes()
    document.path.unlink()
    api_url = f"/api/v1/conventions/{convention.public_id}/documents/{document.public_id}"
    assert client.get(url).status_code == 404 and client.get(api_url).status_code == 404
    document.path.write_bytes(kept)
    assert client.get(api_url).status_code == 200
    # A member does not add one; an outsider does not even see it.
    refused = client.post(add, {"kind": "other", "file": SimpleUploadedFile("x.pdf", PDF)})
    assert refused.status_code == 403
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404
    # Removed by its keeper: gone from the list and from the disk.
    client.force_login(cast.organisation_admin)
    remove = reverse(
        "cooperation:document_remove",
        kwargs={"public_id": convention.public_id, "document_id": document.public_id},
    )
    path = document.path
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(remove).status_code == 302
    assert not path.exists()
    assert client.get(url).status_code == 404


def test_a_file_that_is_not_a_document_is_refused_in_french_and_nothing_is_kept(
    client, cast, settings, tmp_path
):
    settings.PRIVATE_FILES_DIR = tmp_path
    convention = _convention(cast)
    add = reverse("cooperation:document_add", kwargs={"public_id": convention.public_id})
    client.force_login(cast.organisation_admin)
    disguised = client.post(
        add, {"kind": "signed", "file": SimpleUploadedFile("convention.pdf", b"MZ\x90\x00 exe")}
    )
    assert disguised.status_code == 400
    assert "n'est pas accepté" in html.unescape(disguised.content.decode())
    nothing = client.post(add, {"kind": "signed"})
    assert nothing.status_code == 400 and "Ce champ est obligatoire" in nothing.content.decode()
    assert not ConventionDocument.objects.exists()
    assert not any(tmp_path.rglob("*"))
