"""Orientation, the closed loop: send with consent, answer (with an account or through the
single-use link), outcome, expiry, reminders, attachments, who sees what, statistics."""

import datetime as dt
import html
import json
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEvent, Notification
from maillage.directory import actions, queries
from maillage.directory.enums import (
    ORIENTATION_TRANSITIONS,
    RECEIVER,
    SENDER,
    SYSTEM,
    OrientationState,
)
from maillage.directory.models import Orientation, OrientationLink
from tests.factories import ServiceFactory, StructureFactory
from tests.jobs import run_jobs

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def team_service(cast, territories):
    """A service whose structure is managed by an organisation with accounts (the
    outsider works there): orientations reach that team on the platform."""
    structure = StructureFactory(organisation=cast.other_organisation, name="Hôpital de jour")
    return ServiceFactory(
        structure=structure, name="Consultation mémoire", thematiques=["sante--acces-aux-soins"]
    )


@pytest.fixture
def mail_service(db, territories):
    """A service without an account: it answers through an emailed link."""
    structure = StructureFactory(name="Association Les Haltes", email="accueil@haltes.example")
    return ServiceFactory(
        structure=structure,
        name="Halte répit",
        thematiques=["famille--soutien-aidants"],
        email="repit@haltes.example",
    )


def _send(cast, service, **overrides):
    fields = {
        "actor": cast.professional,
        "service": service,
        "person_first_name": "Lucie",
        "person_last_name": "Moreau",
        "person_phone": "06 00 00 00 00",
        "reason": "Aide pour son père, épuisement.",
        "consent_method": "oral",
    }
    fields.update(overrides)
    return actions.orientation_send(**fields)


def _link_from_last_mail() -> str:
    match = re.search(r"https?://[^\s]+/annuaire/reponse/([^/\s]+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return reverse("directory:orientation_answer", kwargs={"token": match.group(1)})


# --- sending -----------------------------------------------------------------------------


def test_a_professional_orients_a_person_and_the_receiving_team_is_told(client, cast, team_service):
    client.force_login(cast.professional)
    url = reverse("directory:orientation_new", kwargs={"public_id": team_service.public_id})
    response = client.post(
        url,
        {
            "person_first_name": "Lucie",
            "person_last_name": "Moreau",
            "person_phone": "06 00 00 00 00",
            "reason": "Troubles de la mémoire, premier rendez-vous.",
            "consent": "on",
            "consent_method": "oral",
            "need_theme": "sante--acces-aux-soins",
        },
    )
    orientation = Orientation.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("directory:orientation", args=[orientation.public_id])
    assert orientation.state == OrientationState.SENT
    assert orientation.sender == cast.professional
    assert orientation.sender_organisation == cast.organisation
    notice = Notification.objects.get(user=cast.outsider)
    assert "Consultation mémoire" in notice.message
    assert "Lucie" not in notice.message  # notices name the record, not the person
    assert not Notification.objects.filter(user=cast.professional).exists()
    assert run_jobs() == 1
    assert mail.outbox[0].to == [cast.outsider.email]
    assert "Lucie" not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="orientation.send", outcome="allowed").exists()


def test_without_the_persons_agreement_nothing_is_sent(client, cast, team_service):
    client.force_login(cast.professional)
    url = reverse("directory:orientation_new", kwargs={"public_id": team_service.public_id})
    response = client.post(
        url,
        {"person_first_name": "Lucie", "person_last_name": "Moreau", "reason": "Besoin."},
    )
    assert response.status_code == 200
    page = _text(response)
    assert "Sans l'accord de la personne, l'orientation ne peut pas être envoyée." in page
    assert "Indiquez un moyen de joindre la personne" in page
    assert not Orientation.objects.exists()
    with pytest.raises(ValidationError):
        _send(cast, team_service, consent_method="")


def test_a_birth_year_to_come_and_letters_for_a_phone_are_refused_on_their_fields(
    client, cast, team_service
):
    client.force_login(cast.professional)
    url = reverse("directory:orientation_new", kwargs={"public_id": team_service.public_id})
    response = client.post(
        url,
        {
            "person_first_name": "Lucie",
            "person_last_name": "Moreau",
            "person_birth_year": "2090",
            "person_phone": "abc",
            "reason": "Besoin.",
            "consent": "on",
            "consent_method": "oral",
        },
    )
    page = _text(response)
    assert response.status_code in (200, 400)
    assert "année de naissance invalide" in page and "numéro de téléphone invalide" in page
    assert "2090" in page  # what was typed is kept
    assert not Orientation.objects.exists()


def test_a_service_nobody_can_be_reached_at_is_explained(client, cast, territories):
    service = ServiceFactory(structure=StructureFactory(email=""), email="")
    client.force_login(cast.professional)
    page = _text(client.get(reverse("directory:orientation_new", args=[service.public_id])))
    assert "contactez-le par téléphone" in page
    with pytest.raises(ValidationError):
        _send(cast, service)


def test_roles_that_do_not_orient_are_refused(cast, team_service):
    for persona in (cast.observer, cast.organisation_admin, cast.person):
        with pytest.raises(PermissionDenied):
            _send(cast, team_service, actor=persona)
    assert not Orientation.objects.exists()


# --- the state machine ---------------------------------------------------------------------


STATES = list(OrientationState.values)


def test_only_declared_transitions_happen_every_other_is_refused(cast, team_service):
    """Every (state, target, side) triple, exhaustively: 7 × 8 × 3 moves."""
    orientation = _send(cast, team_service)
    actors = {SENDER: cast.professional, RECEIVER: cast.outsider, SYSTEM: None}
    wrong = []
    for start in STATES:
        for target in [*STATES, "nonsense"]:
            for side, actor in actors.items():
                Orientation.objects.filter(pk=orientation.pk).update(state=start)
                allowed = side in ORIENTATION_TRANSITIONS.get((start, target), frozenset())
                try:
                    actions.orientation_move(
                        orientation=orientation,
                        to_state=target,
                        actor=actor,
                        refusal_reason="no_capacity",
                    )
                    moved = True
                except ValidationError:
                    moved = False
                orientation.refresh_from_db()
                if moved != allowed or orientation.state != (target if allowed else start):
                    wrong.append((start, target, side, moved))
    assert wrong == []
    assert len(ORIENTATION_TRANSITIONS) == 7


def test_someone_outside_the_orientation_cannot_move_it(cast, team_service):
    orientation = _send(cast, team_service)
    with pytest.raises(PermissionDenied):
        actions.orientation_move(
            orientation=orientation, to_state=OrientationState.CANCELLED, actor=cast.colleague
        )


def test_a_refusal_needs_a_reason_from_the_list(cast, team_service):
    orientation = _send(cast, team_service)
    with pytest.raises(ValidationError):
        actions.orientation_move(
            orientation=orientation, to_state=OrientationState.REFUSED, actor=cast.outsider
        )
    with pytest.raises(ValidationError):
        actions.orientation_move(
            orientation=orientation,
            to_state=OrientationState.REFUSED,
            actor=cast.outsider,
            refusal_reason="other",
        )
    actions.orientation_move(
        orientation=orientation,
        to_state=OrientationState.REFUSED,
        actor=cast.outsider,
        refusal_reason="other",
        comment="Fermeture estivale",
    )
    orientation.refresh_from_db()
    assert orientation.state == OrientationState.REFUSED
    assert orientation.answered_at is not None


def test_the_receiving_team_accepts_on_the_page_and_the_sender_is_told(client, cast, team_service):
    orientation = _send(cast, team_service)
    run_jobs()
    mail.outbox.clear()
    client.force_login(cast.outsider)
    page = _text(client.get(reverse("directory:orientation", args=[orientation.public_id])))
    assert "Lucie Moreau" in page and "Accepter" in page and "Annuler" not in page
    response = client.post(
        reverse("directory:orientation_move", args=[orientation.public_id]),
        {"to_state": "accepted", "comment": "Rendez-vous proposé mardi."},
    )
    assert response.status_code == 302
    orientation.refresh_from_db()
    assert orientation.state == OrientationState.ACCEPTED
    assert Notification.objects.filter(user=cast.professional, message__contains="acceptée")
    run_jobs()
    assert [m.to for m in mail.outbox] == [[cast.professional.email]]
    # The sender, not the receiver, may withdraw; both may say the person came.
    client.force_login(cast.professional)
    page = _text(client.get(reverse("directory:orientation", args=[orientation.public_id])))
    assert "Rendez-vous proposé mardi." in page
    assert "Annuler l'orientation" in page and "La personne a été reçue" in page
    response = client.post(
        reverse("directory:orientation_move", args=[orientation.public_id]),
        {"to_state": "refused", "refusal_reason": "no_capacity"},
    )
    assert response.status_code == 400  # not a move the sender can make
    orientation.refresh_from_db()
    assert orientation.state == OrientationState.ACCEPTED


# --- the single-use link -----------------------------------------------------------------


def test_a_structure_without_an_account_answers_once_through_its_link(client, cast, mail_service):
    orientation = _send(cast, mail_service)
    assert orientation.receiver_email == "repit@haltes.example"
    run_jobs()
    assert mail.outbox[-1].to == ["repit@haltes.example"]
    answer = _link_from_last_mail()
    page = _text(client.get(answer))  # anonymous visitor
    assert "Lucie Moreau" in page and "Halte répit" in page
    assert AuditEvent.objects.filter(action="orientation.read", details__contains="via_link")
    response = client.post(answer, {"to_state": "accepted"})
    assert response.status_code == 200
    assert "Merci, votre réponse est enregistrée" in _text(response)
    orientation.refresh_from_db()
    assert orientation.state == OrientationState.ACCEPTED
    assert orientation.transitions.last().via_link
    # Single use: the same link no longer opens anything.
    assert client.get(answer).status_code == 410
    assert client.post(answer, {"to_state": "refused"}).status_code == 410
    # The structure receives a second link, for the outcome.
    run_jobs()
    outcome = _link_from_last_mail()
    assert outcome != answer
    page = _text(client.get(outcome))
    assert "La personne a été reçue" in page and "Refuser" not in page
    client.post(outcome, {"to_state": "completed"})
    orientation.refresh_from_db()
    assert orientation.state == OrientationState.COMPLETED
    assert Notification.objects.filter(user=cast.professional).count() == 2


def test_an_expired_link_opens_nothing(client, cast, mail_service):
    _send(cast, mail_service)
    run_jobs()
    answer = _link_from_last_mail()
    OrientationLink.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(answer).status_code == 410
    assert client.get(reverse("directory:orientation_answer", args=["made-up"])).status_code == 410


# --- deadlines -----------------------------------------------------------------------------


def test_unanswered_orientations_are_reminded_once_then_expire(cast, team_service, mail_service):
    first = _send(cast, team_service)
    second = _send(cast, mail_service)
    run_jobs()
    mail.outbox.clear()
    old_link = OrientationLink.objects.get(orientation=second)
    now = timezone.now()
    assert actions.remind_orientations(now=now) == 0  # 14 days left, reminder at 3
    later = first.expires_at - dt.timedelta(days=2)
    assert actions.remind_orientations(now=later) == 2
    assert actions.remind_orientations(now=later) == 0
    run_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == [cast.outsider.email, "repit@haltes.example"]
    old_link.refresh_from_db()
    assert old_link.revoked_at is not None  # the reminder carries a fresh link
    mail.outbox.clear()
    assert actions.expire_orientations(now=later) == 0
    assert actions.expire_orientations(now=second.expires_at + dt.timedelta(seconds=1)) == 2
    for orientation in (first, second):
        orientation.refresh_from_db()
        assert orientation.state == OrientationState.EXPIRED
    run_jobs()
    assert [m.to for m in mail.outbox] == [[cast.professional.email]] * 2
    assert Notification.objects.filter(user=cast.professional, message__contains="expirée")


# --- attachments ---------------------------------------------------------------------------


def test_attachments_are_checked_kept_private_and_removed_at_the_end(
    client, cast, team_service, settings, tmp_path
):
    settings.PRIVATE_FILES_DIR = tmp_path
    orientation = _send(cast, team_service, attachments=[SimpleUploadedFile("courrier.pdf", PDF)])
    attachment = orientation.attachments.get()
    assert attachment.path.read_bytes() == PDF
    assert str(attachment.path).startswith(str(tmp_path))
    url = reverse(
        "directory:orientation_attachment", args=[orientation.public_id, attachment.public_id]
    )
    client.force_login(cast.colleague)
    assert client.get(url).status_code == 404
    client.force_login(cast.outsider)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="orientation.attachment.read").count() == 1
    with pytest.raises(ValidationError, match="n'est pas accepté"):
        _send(cast, team_service, attachments=[SimpleUploadedFile("x.pdf", b"MZ\x90\x00exe")])
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="trop volumineux"):
        _send(cast, team_service, attachments=[SimpleUploadedFile("courrier.pdf", PDF)])
    with pytest.raises(ValidationError):
        _send(cast, team_service, attachments=[SimpleUploadedFile("vide.pdf", b"")])
    assert Orientation.objects.count() == 1
    with django_capture_on_commit():
        actions.orientation_move(
            orientation=orientation,
            to_state=OrientationState.REFUSED,
            actor=cast.outsider,
            refusal_reason="out_of_area",
        )
    assert not attachment.path.exists()
    assert client.get(url).status_code == 404


def test_an_accepted_orientation_keeps_its_attachments_for_a_limited_time(
    cast, team_service, settings, tmp_path
):
    settings.PRIVATE_FILES_DIR = tmp_path
    settings.ORIENTATION_ATTACHMENT_KEEP_DAYS = 90
    old, recent = (
        _send(cast, team_service, attachments=[SimpleUploadedFile("courrier.pdf", PDF)])
        for _ in range(2)
    )
    for orientation in (old, recent):
        actions.orientation_move(
            orientation=orientation, to_state=OrientationState.ACCEPTED, actor=cast.outsider
        )
    Orientation.objects.filter(pk=old.pk).update(answered_at=timezone.now() - dt.timedelta(days=91))
    with django_capture_on_commit():
        assert actions.purge_accepted_attachments() == 1
    assert not old.attachments.get().path.exists()
    assert old.attachments.get().removed_at is not None
    assert recent.attachments.get().path.exists()
    assert AuditEvent.objects.filter(action="orientation.attachments.expire").count() == 1
    old.refresh_from_db()
    assert old.state == OrientationState.ACCEPTED  # the outcome is still for people to record
    assert actions.purge_accepted_attachments() == 0  # nothing twice


def django_capture_on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


# --- who sees what ------------------------------------------------------------------------


def test_only_the_sender_and_the_receiving_team_see_an_orientation(client, cast, team_service):
    orientation = _send(cast, team_service)
    url = reverse("directory:orientation", args=[orientation.public_id])
    expected = {
        "professional": 200,
        "outsider": 200,
        "colleague": 404,
        "coordinator": 404,
        "organisation_admin": 404,
        "peer_worker": 404,
        "observer": 404,
        "user_representative": 404,
    }
    seen = {}
    for persona in expected:
        client.force_login(getattr(cast, persona))
        seen[persona] = client.get(url).status_code
    assert seen == expected
    reads = AuditEvent.objects.filter(action="orientation.read")
    assert reads.filter(outcome="allowed").count() == 2
    assert reads.filter(outcome="denied").count() == 6
    assert list(Orientation.objects.visible_to(cast.colleague)) == []


def test_a_refused_decision_shows_the_orientation_again_and_that_read_is_audited(
    client, cast, team_service
):
    orientation = _send(cast, team_service)
    client.force_login(cast.professional)
    before = AuditEvent.objects.filter(action="orientation.read", outcome="allowed").count()
    response = client.post(
        reverse("directory:orientation_move", args=[orientation.public_id]),
        {"to_state": "no-such-state"},
    )
    assert response.status_code == 400
    assert orientation.person_last_name in response.content.decode()
    after = AuditEvent.objects.filter(action="orientation.read", outcome="allowed").count()
    assert after == before + 1


def test_the_lists_show_sent_and_received_in_a_fixed_number_of_queries(
    client, cast, team_service, mail_service
):
    for _ in range(3):
        _send(cast, team_service)
    client.force_login(cast.professional)
    client.get(reverse("directory:orientation_list"))  # session and settings warmed up
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("directory:orientation_list"))
    assert response.status_code == 200
    assert _text(response).count("Lucie Moreau") == 3
    for _ in range(5):
        _send(cast, mail_service)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("directory:orientation_list"))
    assert _text(response).count("Lucie Moreau") == 8
    assert len(many) == len(few)
    client.force_login(cast.outsider)
    page = _text(client.get(reverse("directory:orientation_list"), {"boite": "recues"}))
    assert page.count("Lucie Moreau") == 3  # only those sent to her structure's service


# --- statistics ----------------------------------------------------------------------------


def test_statistics_count_per_need_and_service_without_naming_anyone(
    client, cast, team_service, mail_service
):
    one, two, three = (_send(cast, team_service) for _ in range(3))
    _send(cast, mail_service)
    base = timezone.now()
    actions.orientation_move(
        orientation=one, to_state="accepted", actor=cast.outsider, now=base + dt.timedelta(hours=2)
    )
    actions.orientation_move(
        orientation=two,
        to_state="refused",
        actor=cast.outsider,
        refusal_reason="no_capacity",
        now=base + dt.timedelta(hours=6),
    )
    actions.orientation_move(orientation=three, to_state="expired", now=three.expires_at)
    by_theme = {row.key: row for row in queries.orientation_statistics(by="theme")}
    care = by_theme["sante--acces-aux-soins"]
    assert (care.sent, care.accepted, care.refused, care.expired, care.open) == (3, 1, 1, 1, 1)
    assert care.refusals == {"Pas de place ou liste d'attente complète": 1}
    assert care.median_answer_hours == pytest.approx(4.0, abs=0.1)
    assert by_theme["famille--soutien-aidants"].sent == 1
    by_service = queries.orientation_statistics(by="service")
    assert [(r.label, r.sent) for r in by_service] == [
        ("Consultation mémoire", 3),
        ("Halte répit", 1),
    ]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert queries.orientation_statistics(by="theme", since=tomorrow) == []
    client.force_login(cast.observer)
    page = _text(client.get(reverse("directory:orientation_statistics")))
    assert "Consultation mémoire" in page and "Lucie" not in page


def test_no_usable_token_or_address_waits_in_the_job_table(cast, mail_service, team_service):
    from tests.jobs import pending_jobs

    _send(cast, mail_service)
    _send(cast, team_service)
    stored = json.dumps([args for _pk, _name, args in pending_jobs()])
    assert "reponse" not in stored
    assert cast.outsider.email not in stored and "haltes.example" not in stored
    run_jobs()
    assert "/annuaire/reponse/" in mail.outbox[0].body or "/annuaire/reponse/" in (
        mail.outbox[1].body
    )


def test_a_link_stops_once_the_orientation_is_answered_another_way(client, cast, mail_service):
    orientation = _send(cast, mail_service)
    run_jobs()
    answer = _link_from_last_mail()
    assert client.get(answer).status_code == 200
    # The structure joins the platform and answers there: the emailed link opens nothing.
    mail_service.structure.organisation = cast.other_organisation
    mail_service.structure.save()
    actions.orientation_move(
        orientation=orientation, to_state=OrientationState.ACCEPTED, actor=cast.outsider
    )
    assert client.get(answer).status_code == 410


def test_a_sender_who_left_her_role_no_longer_sees_her_orientations(client, cast, team_service):
    orientation = _send(cast, team_service)
    url = reverse("directory:orientation", args=[orientation.public_id])
    client.force_login(cast.professional)
    assert client.get(url).status_code == 200
    cast.professional.memberships.update(is_active=False)
    client.force_login(cast.professional)
    assert client.get(url).status_code in (403, 404)
    assert not Orientation.objects.visible_to(
        type(cast.professional).objects.get(pk=cast.professional.pk)
    ).exists()


def test_bad_person_email_or_need_is_refused_in_french(cast, team_service):
    with pytest.raises(ValidationError, match="courriel"):
        _send(cast, team_service, person_email="pas-une-adresse")
    with pytest.raises(ValidationError, match="thématiques du service"):
        _send(cast, team_service, need_theme="logement-hebergement")


def test_the_list_traces_which_orientations_it_showed(client, cast, team_service):
    first, second = _send(cast, team_service), _send(cast, team_service)
    client.force_login(cast.outsider)
    client.get(reverse("directory:orientation_list"), {"boite": "recues"})
    event = AuditEvent.objects.filter(action="orientation.list").latest("id")
    shown = json.loads(event.details)["orientations"]
    assert sorted(shown) == sorted([str(first.public_id), str(second.public_id)])
