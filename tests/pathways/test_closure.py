"""Closure (reason, outcome, objectives, the person's satisfaction), reopening, and the
retention job: archive, then anonymise, keeping only what statistics need."""

import datetime as dt
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from maillage.core.models import AuditEvent, PlatformSettings
from maillage.core.versions import current_version
from maillage.pathways import actions, inputs
from maillage.pathways.enums import Need
from maillage.pathways.models import (
    Assessment,
    Message,
    Objective,
    Pathway,
    PlanVersion,
    TimelineEvent,
)
from tests.factories import opened_pathway

PDF = b"%PDF-1.4\n%%EOF\n"


def _url(name, pathway, **kwargs):
    return reverse(f"pathways:{name}", kwargs={"public_id": pathway.public_id, **kwargs})


@pytest.fixture
def pathway(cast):
    return opened_pathway(cast)


def _objective_with_actions(cast, pathway):
    plan = actions.plan_ensure(pathway=pathway)
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(
            need="housing", text="Rester chez elle", version=current_version(plan)
        ),
    )
    action = actions.plan_action_add(
        actor=cast.coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="Téléalarme",
            owner="person",
            version=current_version(objective.plan),
        ),
    )
    return plan, objective, action


def test_closing_asks_the_outcome_of_each_objective_and_records_satisfaction(client, cast, pathway):
    plan, objective, action = _objective_with_actions(cast, pathway)
    meeting = actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(starts_at=timezone.now() + dt.timedelta(days=2)),
    )
    client.force_login(cast.coordinator)
    form = client.get(_url("pathway_close", pathway)).content.decode()
    assert "Rester chez elle" in html.unescape(form)
    missing = client.post(_url("pathway_close", pathway), {"reason": "objectives_reached"})
    assert missing.status_code == 400
    assert Pathway.objects.get(pk=pathway.pk).state == "open"
    response = client.post(
        _url("pathway_close", pathway),
        {
            "reason": "objectives_reached",
            "outcome": "Elle vit chez elle avec des aides.",
            f"objective_{objective.public_id}": "reached",
            "satisfaction": "4",
            "satisfaction_comment": "On m'a écoutée.",
        },
    )
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.state == "closed" and pathway.closed_by == cast.coordinator
    assert pathway.satisfaction == "4"
    objective.refresh_from_db()
    action.refresh_from_db()
    meeting.refresh_from_db()
    assert objective.status == "reached" and action.status == "cancelled"
    assert meeting.state == "cancelled"
    page = html.unescape(client.get(_url("pathway", pathway)).content.decode())
    assert "Les objectifs du plan sont atteints" in page and "Très satisfait·e" in page
    # Closed: read, not written.
    assert client.get(_url("assessment_new", pathway)).status_code == 403
    plan.refresh_from_db()
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        actions.plan_save(
            actor=cast.coordinator,
            plan=plan,
            data=inputs.PlanIn(
                version=plan.version, problems="x", person_project="", alert_procedure=""
            ),
        )


def test_closure_states_nothing_in_advance_and_reopening_gives_the_plan_back(client, cast, pathway):
    plan, objective, action = _objective_with_actions(cast, pathway)
    client.force_login(cast.coordinator)
    # Submitted as shown, the form records nothing: no reason, no objective reached.
    shown = client.get(_url("pathway_close", pathway)).context["form"]
    as_shown = {name: shown[name].value() or "" for name in shown.fields}
    refused = client.post(_url("pathway_close", pathway), as_shown)
    assert refused.status_code == 400
    objective.refresh_from_db()
    assert Pathway.objects.get(pk=pathway.pk).state == "open" and objective.status == "open"
    actions.pathway_close(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.CloseIn(
            reason="institution", objectives={str(objective.public_id): "not_reached"}
        ),
    )
    objective.refresh_from_db()
    action.refresh_from_db()
    assert objective.status == "not_reached" and action.status == "cancelled"
    assert client.post(_url("pathway_reopen", pathway)).status_code == 302
    objective.refresh_from_db()
    action.refresh_from_db()
    assert objective.status == "open" and action.status == "planned"
    assert PlanVersion.objects.filter(plan=plan).order_by("-number").first().number == (
        current_version(plan)
    )


def test_only_the_platform_coordinators_close_and_reopen(client, cast, pathway):
    client.force_login(cast.professional)
    assert client.get(_url("pathway_close", pathway)).status_code == 403
    actions.pathway_close(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.CloseIn(reason="moved", outcome="", objectives={}),
    )
    assert client.post(_url("pathway_reopen", pathway)).status_code == 403
    client.force_login(cast.coordinator)
    assert client.post(_url("pathway_reopen", pathway)).status_code == 302
    pathway.refresh_from_db()
    assert pathway.state == "open" and pathway.closed_at is None
    assert TimelineEvent.objects.filter(pathway=pathway, kind="reopened").exists()


def _close_long_ago(cast, pathway, days):
    open_objectives = Objective.objects.filter(plan__pathway=pathway, status="open")
    actions.pathway_close(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.CloseIn(
            reason="stabilised",
            outcome="Suivi par son médecin",
            objectives={str(o.public_id): "not_reached" for o in open_objectives},
            satisfaction_comment="Merci à Julie",
        ),
    )
    Pathway.objects.filter(pk=pathway.pk).update(closed_at=timezone.now() - dt.timedelta(days=days))


def test_retention_archives_then_anonymises_and_keeps_statistics(
    client, cast, pathway, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.PRIVATE_FILES_DIR = tmp_path
    platform = PlatformSettings.current()
    platform.archive_after_days = 30
    platform.anonymise_after_days = 60
    platform.save()
    _plan, objective, _action = _objective_with_actions(cast, pathway)
    actions.assessment_record(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.AssessmentIn(
            assessed_on=timezone.localdate(),
            person_words="Je veux rester chez moi",
            domains={
                need: {"level": "high", "notes": "Escaliers dangereux", "sources": "visite"}
                if need == "housing"
                else {"level": "none"}
                for need in Need.values
            },
        ),
    )
    message = actions.message_post(
        actor=cast.professional,
        pathway=pathway,
        attachments=[SimpleUploadedFile("cr.pdf", PDF)],
        data=inputs.MessageIn(body="Sa fille appelle le mardi"),
    )
    file_path = message.attachments.get().path
    person = pathway.person
    birth = person.birth_date
    _close_long_ago(cast, pathway, days=40)
    recent = opened_pathway(cast, person_last_name="Récent", person_first_name="Paul")
    _close_long_ago(cast, recent, days=5)

    assert actions.apply_retention() == {"archived": 1, "anonymised": 0}
    pathway.refresh_from_db()
    assert pathway.state == "archived" and pathway.person.last_name == person.last_name
    client.force_login(cast.coordinator)
    assert (
        str(pathway.public_id) not in client.get(reverse("pathways:pathway_list")).content.decode()
    )
    assert client.post(_url("pathway_reopen", pathway)).status_code == 302  # refused, told why
    assert Pathway.objects.get(pk=pathway.pk).state == "archived"

    Pathway.objects.filter(pk=pathway.pk).update(closed_at=timezone.now() - dt.timedelta(days=61))
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.apply_retention() == {"archived": 0, "anonymised": 1}
    pathway.refresh_from_db()
    person.refresh_from_db()
    assert pathway.anonymised_at is not None
    assert person.last_name == "—" and person.birth_date is None and person.phone == ""
    assert pathway.person_age_band == actions.age_band(birth, pathway.opened_at.date())
    assert pathway.closure_outcome == "" and pathway.satisfaction_comment == ""
    assert pathway.closure_reason == "stabilised"  # the statistics stay
    assert not Message.objects.filter(pathway=pathway).exists() and not file_path.exists()
    assert not PlanVersion.objects.filter(plan__pathway=pathway).exclude(content={}).exists()
    objective.refresh_from_db()
    assert objective.text == "" and objective.need == "housing"
    assert not TimelineEvent.objects.filter(pathway=pathway).exclude(summary="").exists()
    assert AuditEvent.objects.filter(
        action="pathway.anonymise", object_id=str(pathway.public_id)
    ).exists()
    # The other, recently closed pathway is untouched; running again changes nothing.
    recent.refresh_from_db()
    assert recent.state == "closed" and recent.person.last_name == "Récent"
    assert actions.apply_retention() == {"archived": 0, "anonymised": 0}
    assessment = Assessment.objects.get(pathway=pathway)
    assert assessment.person_words == ""
    housing = assessment.domains.get(domain="housing")
    assert housing.level == "high" and housing.notes == "" and housing.sources == ""


def test_anonymising_keeps_an_identity_still_needed_by_an_open_pathway(cast, pathway):
    platform = PlatformSettings.current()
    platform.archive_after_days = 1
    platform.anonymise_after_days = 2
    platform.save()
    _close_long_ago(cast, pathway, days=3)
    # The same person's record followed again in a new pathway (still open).
    again = opened_pathway(cast)
    Pathway.objects.filter(pk=again.pk).update(person=pathway.person)
    again.refresh_from_db()
    actions.apply_retention()  # archives
    actions.apply_retention()  # anonymises
    pathway.refresh_from_db()
    assert pathway.anonymised_at is not None and pathway.closure_outcome == ""
    again.person.refresh_from_db()
    assert again.person.last_name == "Moreau" and again.person.birth_date is not None


def test_anonymisation_cannot_come_before_archiving(client, cast):
    from maillage.core.forms import PlatformSettingsForm

    form = PlatformSettingsForm(
        {
            "name": "P",
            "orientation_expiry_days": 14,
            "orientation_reminder_days": 3,
            "complexity_threshold": 5,
            "archive_after_days": 400,
            "anonymise_after_days": 100,
        },
        instance=PlatformSettings.current(),
    )
    assert not form.is_valid() and "anonymise_after_days" in form.errors


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    days=st.integers(min_value=0, max_value=40000),
)
def test_age_bands_follow_the_age_on_the_opening_day(birth, days):
    on = birth + dt.timedelta(days=days)
    band = actions.age_band(birth, on)
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    low, _sep, high = band.partition("-")
    low = int(low.rstrip("+"))
    assert low <= age and (band.endswith("+") or age <= int(high))


def test_anonymising_erases_caregivers_notes_portal_and_the_orientations_sent(cast, territories):
    from maillage.directory.models import Orientation
    from maillage.pathways.models import PortalAccess
    from tests.factories import ServiceFactory, StructureFactory

    service = ServiceFactory(
        structure=StructureFactory(organisation=cast.other_organisation), name="SSIAD"
    )
    pathway = opened_pathway(cast, person_phone="06 00 00 00 00")
    plan = actions.plan_ensure(pathway=pathway)
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(
            need="health", text="Soins à domicile", version=current_version(plan)
        ),
    )
    actions.plan_action_add(
        actor=cast.coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="Toilette",
            owner="service",
            service=service.public_id,
            consent_method="oral",
            version=current_version(objective.plan),
        ),
    )
    caregiver = actions.caregiver_add(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.CaregiverIn(
            name="Claire Moreau", relationship="CHILD", phone="06 11 11 11 11", person_agreed=True
        ),
    )
    portal = actions.portal_invite(
        actor=cast.coordinator, pathway=pathway, data=inputs.PortalInviteIn(email="l@exemple.fr")
    )
    PortalAccess.objects.filter(pk=portal.pk).update(user=cast.person)
    actions.person_note_add(
        actor=cast.person,
        pathway=pathway,
        data=inputs.PersonNoteIn(kind="goal", text="Revoir Paul"),
    )
    professional_name = cast.professional.full_name
    _close_long_ago(cast, pathway, days=10)
    platform = PlatformSettings.current()
    platform.archive_after_days = 1
    platform.anonymise_after_days = 2
    platform.save()
    actions.apply_retention()
    actions.apply_retention()
    caregiver.refresh_from_db()
    assert caregiver.name == "—" and caregiver.phone == ""
    assert pathway.person_notes.get().text == ""
    # Her space is gone, and her account, which served only for it, is erased.
    assert not PortalAccess.objects.filter(pathway=pathway).exists()
    cast.person.refresh_from_db()
    assert cast.person.full_name == "—" and not cast.person.is_active
    assert "exemple" not in cast.person.email
    cast.professional.refresh_from_db()
    assert cast.professional.full_name == professional_name  # professionals are kept
    orientation = Orientation.objects.get()
    assert orientation.person_last_name == "—" and orientation.person_phone == ""
    assert orientation.reason == "" and orientation.service == service
