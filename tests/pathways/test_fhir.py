import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from maillage.core.models import AuditEvent
from maillage.core.versions import current_version
from maillage.pathways import actions, fhir, inputs
from tests.factories import opened_pathway


@pytest.fixture
def pathway(cast):
    pathway = opened_pathway(cast)
    plan = actions.plan_ensure(pathway=pathway)
    actions.plan_save(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.PlanIn(
            version=0, problems="Chutes", person_project="Rester chez moi", alert_procedure=""
        ),
    )
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(
            need="autonomy", text="Ne plus tomber", version=current_version(plan)
        ),
    )
    actions.plan_action_add(
        actor=cast.coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="Téléalarme",
            owner="person",
            version=current_version(objective.plan),
        ),
    )
    member = pathway.members.get(user=cast.professional)
    actions.plan_action_add(
        actor=cast.coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="Bilan",
            owner=str(member.public_id),
            version=current_version(objective.plan),
        ),
    )
    meeting = actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(
            starts_at=timezone.now() - dt.timedelta(hours=2), invitees=[cast.professional.public_id]
        ),
    )
    actions.meeting_record(
        actor=cast.coordinator,
        meeting=meeting,
        data=inputs.MinutesIn(
            version=meeting.version,
            attendance={str(cast.professional.public_id): "present"},
            minutes="",
        ),
    )
    return pathway


def _references(value):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def test_the_bundle_validates_and_every_reference_resolves_inside_it(pathway):
    document = fhir.bundle(pathway)
    Bundle.model_validate(document)
    full_urls = {entry["fullUrl"] for entry in document["entry"]}
    references = set(_references(document))
    assert references and references <= full_urls
    kinds = sorted({entry["resource"]["resourceType"] for entry in document["entry"]})
    assert kinds == [
        "CarePlan",
        "CareTeam",
        "Consent",
        "Encounter",
        "Goal",
        "Patient",
        "Practitioner",
        "Task",
    ]
    by_type = {}
    for entry in document["entry"]:
        by_type.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    care_team = by_type["CareTeam"][0]
    roles = {p["role"][0]["coding"][0]["code"] for p in care_team["participant"]}
    assert "330" in roles  # the referent coordinator, ANS TRE_R85
    tasks = {t["description"]: t for t in by_type["Task"]}
    assert tasks["Téléalarme"]["owner"]["reference"].endswith(str(pathway.person.public_id))
    assert by_type["CarePlan"][0]["description"] == "Chutes"
    (encounter,) = by_type["Encounter"]
    assert encounter["status"] == "finished"
    attended = {p["type"][0]["coding"][0]["code"] for p in encounter["participant"]}
    assert attended == {"ATND", "PART"}  # the professional came; the coordinator's not said


def test_the_api_gives_the_bundle_to_the_circle_only(client, cast, pathway):
    url = f"/api/v1/pathways/{pathway.public_id}/fhir"
    client.force_login(cast.colleague)
    assert client.get(url).status_code == 404
    client.force_login(cast.professional)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    Bundle.model_validate(response.json())
    assert AuditEvent.objects.filter(action="pathway.export_fhir").count() == 1


def test_the_command_writes_the_bundle(tmp_path, pathway):
    target = tmp_path / "parcours.json"
    call_command("export", "fhir-pathway", str(pathway.public_id), str(target))
    Bundle.model_validate(json.loads(target.read_text()))
    with pytest.raises(CommandError, match="parcours introuvable"):
        call_command("export", "fhir-pathway", "pas-un-id", str(target))


def test_an_anonymised_pathway_still_exports_a_valid_bundle(tmp_path, pathway):
    from maillage.pathways.models import Pathway

    actions.anonymise_pathway(pathway_id=pathway.pk)
    pathway = Pathway.objects.get(pk=pathway.pk)
    document = fhir.bundle(pathway)
    Bundle.model_validate(document)
    goals = [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == "Goal"]
    assert goals and "Ne plus tomber" not in json.dumps(document, ensure_ascii=False)
    assert "effacé" in goals[0]["description"]["text"]
    target = tmp_path / "parcours.json"
    call_command("export", "fhir-pathway", str(pathway.public_id), str(target))
    Bundle.model_validate(json.loads(target.read_text()))
