"""The regulation pages: the forms fill the same inputs as the API, refusals are shown in
French on the form with what was typed, the medical part stays with the physicians, the
ranked list keeps a constant number of queries."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEvent, Notification
from maillage.regulation import actions, explain, inputs, priority
from maillage.regulation.enums import PlaceRequestState
from maillage.regulation.models import PlaceRequest, Proposal
from tests.regulation.conftest import (
    add_units,
    dossier_with_gp,
    household,
    sent_proposal,
    waiting_request,
)


def test_a_prescriber_writes_a_request_on_the_page(client, world):
    client.force_login(world.prescriber)
    page = client.get(reverse("regulation:request_new"))
    assert page.status_code == 200 and "Nouvelle demande de place" in page.content.decode()
    response = client.post(
        reverse("regulation:request_new"),
        {
            "regulator": str(world.siao.public_id),
            "member_1_role": "applicant",
            "member_1_first_name": "Awa",
            "member_1_last_name": "Diallo",
            "member_1_birth_date": "1990-01-01",
            "member_1_sex": "F",
            "member_2_role": "child",
            "member_2_first_name": "Ali",
            "member_2_last_name": "Diallo",
            "member_2_birth_date": "2019-05-01",
            "member_2_sex": "M",
            "resource_1_kind": "rsa",
            "resource_1_monthly_amount": "635",
            "recommended_kinds": ["chrs"],
            "communes_text": "85191, 85213",
            "urgency": "1",
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = PlaceRequest.objects.get()
    assert created.members.count() == 2 and created.preferred_communes == ["85191", "85213"]
    assert created.resources[0]["kind"] == "rsa" and created.state == PlaceRequestState.DRAFT
    detail = client.get(response.url).content.decode()
    assert "Le ménage : 2 personnes" in detail and "Envoyée" in detail  # the next move offered


def test_a_wrong_request_is_shown_again_with_a_french_error_and_what_was_typed(client, world):
    client.force_login(world.prescriber)
    response = client.post(
        reverse("regulation:request_new"),
        {
            "regulator": str(world.siao.public_id),
            "member_1_role": "applicant",
            "member_1_first_name": "Awa",
            "member_1_last_name": "Diallo",
            "member_1_sex": "F",
            "recommended_kinds": ["chrs", "ehpad"],
            "wishes": "Près de l'école",
            "urgency": "0",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "faites-en deux" in text and "Près de l&#x27;école" in text
    assert not PlaceRequest.objects.exists()


def test_the_structure_answers_a_proposal_and_no_answer_is_chosen_in_advance(client, world):
    add_units(world, world.chrs, free=1)
    request = waiting_request(world)
    session = actions.commission_create(
        actor=world.regulator,
        regulator=world.siao,
        data=inputs.CommissionIn(held_on=timezone.localdate() + dt.timedelta(days=1)),
    )
    actions.match_run(
        actor=world.regulator,
        regulator=world.siao,
        data=inputs.MatchRunIn(session=session.public_id),
    )
    proposal = Proposal.objects.get(request=request)
    client.force_login(world.regulator)
    decided = client.post(
        reverse("regulation:session_decide", args=[session.public_id]),
        {
            "proposal": proposal.public_id,
            "decision": "approved",
            "reason": "fits",
            "version": proposal.version,
        },
    )
    assert decided.status_code == 302
    client.force_login(world.shelter_admin)
    page = client.get(reverse("regulation:proposal", args=[proposal.public_id])).content.decode()
    assert "Réponse de la structure" in page and "checked" not in page  # nothing pre-ticked
    assert "Les suivants" not in page  # the runners-up are the SIAO's
    proposal.refresh_from_db()
    empty = client.post(
        reverse("regulation:proposal_structure", args=[proposal.public_id]),
        {"version": proposal.version},
    )
    assert empty.status_code == 400
    proposal.refresh_from_db()
    assert proposal.state == "sent"
    refused = client.post(
        reverse("regulation:proposal_structure", args=[proposal.public_id]),
        {"accept": "0", "reason": "other", "version": proposal.version},
    )
    assert refused.status_code == 400 and "Précisez le motif" in refused.content.decode()
    accepted = client.post(
        reverse("regulation:proposal_structure", args=[proposal.public_id]),
        {"accept": "1", "version": proposal.version},
    )
    assert accepted.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "structure_accepted"


def test_the_medical_part_is_read_by_the_coordinating_physician_only(client, world, cast):
    dossier = dossier_with_gp(world, cast)
    client.force_login(world.prescriber)
    # Nobody writes the medical part before the prescriber names the physician; an address
    # that is no physician's (an unknown one, a colleague's, her own) is refused in French.
    medical = reverse("regulation:medical", args=[dossier.public_id])
    assert client.get(medical).status_code == 404
    named = reverse("regulation:physician_name", args=[dossier.public_id])
    for email in ("personne@example.org", cast.colleague.email, world.prescriber.email):
        refused = client.post(named, {"email": email})
        assert refused.status_code == 400
        assert "pas celle d'un médecin" in refused.content.decode().replace("&#x27;", "'")
    # The care circle's GP is offered.
    page = client.get(reverse("regulation:request", args=[dossier.public_id])).content.decode()
    assert world.gp.email in page
    assert client.post(named, {"email": world.gp.email}).status_code == 302
    assert Notification.objects.filter(
        user=world.gp, link__contains=str(dossier.public_id)
    ).exists()
    # The prescriber neither writes nor reads it; the GP does.
    assert client.get(medical).status_code == 404
    client.force_login(world.gp)
    saved = client.post(
        medical, {"gir": "3", "diagnoses": "Chutes", "care_needs": "Toilette", "complete": "on"}
    )
    assert saved.status_code == 302
    # Once she has written it, the part stays hers.
    client.force_login(world.prescriber)
    other = client.post(named, {"email": world.physician.email})
    assert other.status_code == 400 and "lui seul" in other.content.decode()
    assert client.get(medical).status_code == 404
    # Not sent before the person signed.
    refused = actions.applications_send
    client.post(reverse("regulation:request_sign", args=[dossier.public_id]))
    (application,) = refused(
        actor=world.prescriber,
        place_request=dossier,
        data=inputs.ApplicationsIn(programmes=[world.ehpad.public_id]),
    )
    client.force_login(world.physician)
    page = client.get(
        reverse("regulation:application", args=[application.public_id])
    ).content.decode()
    assert "Chutes" in page
    assert AuditEvent.objects.filter(
        action="medical.read", actor_id=world.physician.public_id
    ).exists()
    client.force_login(world.shelter_admin)
    assert client.get(reverse("regulation:medical", args=[dossier.public_id])).status_code == 404


def test_the_ranked_list_keeps_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for n in range(3):
        waiting_request(world, members=household(first=f"P{n}"), waited=n)
    client.force_login(world.regulator)
    with django_assert_max_num_queries(25) as few:
        assert client.get(reverse("regulation:ranking")).status_code == 200
    for n in range(12):
        waiting_request(world, members=household(first=f"Q{n}"), waited=50 + n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("regulation:ranking"))
    assert "15 demandes en attente" in page.content.decode()


def test_the_115_takes_a_call_and_shelters_the_household_tonight(client, world):
    _units, (bed,) = add_units(world, world.emergency, label="Lit", free=1, tonight=True)
    client.force_login(world.operator)
    response = client.post(
        reverse("regulation:emergency"),
        {
            "last_name": "Fabre",
            "first_name": "Luc",
            "sex": "M",
            "adults": "1",
            "children": "0",
            "tonight_location": "Gare",
            "regulator": str(world.siao.public_id),
        },
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Ce soir" in page and "HU test — Lit" in page
    request = PlaceRequest.objects.get(emergency=True)
    unmet = client.post(
        reverse("regulation:emergency_night", args=[request.public_id]), {"outcome": "unmet"}
    )
    assert unmet.status_code == 400 and "Dites pourquoi" in unmet.content.decode()
    sheltered = client.post(
        reverse("regulation:emergency_night", args=[request.public_id]),
        {"outcome": "sheltered", "vacancy": str(bed.public_id)},
    )
    assert sheltered.status_code == 302
    request.refresh_from_db()
    bed.refresh_from_db()
    assert request.state == PlaceRequestState.ADMITTED and bed.state == "filled"


def test_documents_are_joined_checked_and_read_by_those_who_see_the_request(client, world, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    request = waiting_request(world)
    client.force_login(world.prescriber)
    url = reverse("regulation:documents_add", args=[request.public_id])
    wrong = client.post(url, {"documents": SimpleUploadedFile("note.txt", b"hello")})
    assert wrong.status_code == 400 and "n&#x27;est pas accepté" in wrong.content.decode()
    pdf = SimpleUploadedFile(
        "evaluation.pdf", b"%PDF-1.4 evaluation sociale", content_type="application/pdf"
    )
    assert client.post(url, {"documents": pdf}).status_code == 302
    (document,) = request.documents.all()
    download = reverse("regulation:document", args=[request.public_id, document.public_id])
    client.force_login(world.regulator)
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action="place_request.document_read", actor_id=world.regulator.public_id
    ).exists()
    client.force_login(cast.colleague)  # same organisation as the prescriber, not hers to see
    assert client.get(download).status_code == 404


def test_the_commission_s_minutes_are_printed_to_pdf(client, world):
    import io

    from pypdf import PdfReader

    session = actions.commission_create(
        actor=world.regulator,
        regulator=world.siao,
        data=inputs.CommissionIn(held_on=timezone.localdate() + dt.timedelta(days=1)),
    )
    sent_proposal(world, session)
    session.refresh_from_db()
    actions.commission_close(
        actor=world.regulator,
        session=session,
        data=inputs.CommissionMinutesIn(minutes="Une place attribuée.", version=session.version),
    )
    client.force_login(world.regulator)
    response = client.get(reverse("regulation:session_minutes", args=[session.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "CHRS test" in text and "Proposition validée" in text and "Une place attribuée." in text


def test_a_rule_for_the_whole_structure_binds_all_its_programmes(client, world):
    client.force_login(world.shelter_admin)
    added = client.post(
        reverse("regulation:requirement_add", args=[world.chrs.public_id]),
        {
            "criterion": "pets",
            "operator": "must_not",
            "unit": "structure",
        },
    )
    assert added.status_code == 302, added.context["rule_form"].errors
    (rule,) = world.shelter.place_requirements.all()
    # Shown on the structure's other programme too, and obeyed there.
    page = client.get(reverse("regulation:programme", args=[world.emergency.public_id]))
    assert "Structure : Animaux" in page.content.decode()
    _units, (vacancy,) = add_units(world, world.emergency, free=1)
    request = waiting_request(world, pets=True)
    answer = explain.why_not(request, vacancy, priority.DEFAULT_POLICY)
    assert answer["reasons"] and not all(r["passed"] for r in answer["rules"])
    # A regulator who does not regulate every programme of the structure cannot remove it.
    unregulated = actions.programme_create(
        actor=world.shelter_admin,
        data=inputs.ProgrammeIn(structure=world.shelter.public_id, kind="ehpad", name="Sans SIAO"),
    )
    assert unregulated.regulator_id is None
    client.force_login(world.regulator)
    removed = client.post(
        reverse("regulation:requirement_remove", args=[world.chrs.public_id, rule.public_id])
    )
    assert removed.status_code in (302, 403, 404)
    assert world.shelter.place_requirements.exists()
