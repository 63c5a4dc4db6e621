import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEvent
from maillage.core.versions import current_version
from maillage.pathways import actions, inputs
from maillage.pathways.models import Plan
from tests.factories import opened_pathway


def _url(name, pathway, **kwargs):
    return reverse(f"pathways:{name}", kwargs={"public_id": pathway.public_id, **kwargs})


@pytest.fixture
def pathway(cast):
    return opened_pathway(cast)


def test_a_plan_is_built_in_its_four_parts_and_printed_for_the_person(client, cast, pathway):
    client.force_login(cast.coordinator)
    response = client.post(
        _url("plan", pathway),
        {
            "problems": "Chutes, isolement depuis le décès de son mari.",
            "person_project": "Rester chez moi avec mon chat.",
            "alert_procedure": "Appeler sa fille, puis l'infirmière.",
            "revision_on": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
            "version": 0,
        },
    )
    assert response.status_code == 302
    client.post(
        _url("plan_objective_add", pathway),
        {
            "need": "autonomy",
            "text": "Ne plus tomber",
            "criteria": "Aucune chute en 3 mois",
            "version": 1,
        },
    )
    plan = Plan.objects.get(pathway=pathway)
    objective = plan.objectives.get()
    nurse = pathway.members.get(user=cast.professional)
    client.post(
        _url("plan_action_add", pathway),
        {
            "objective": str(objective.public_id),
            "text": "Installer une téléalarme",
            "owner": str(nurse.public_id),
            "due_on": (timezone.localdate() + dt.timedelta(days=12)).isoformat(),
            "version": 2,
        },
    )
    client.post(
        _url("plan_action_add", pathway),
        {
            "objective": str(objective.public_id),
            "text": "Marcher 10 minutes par jour",
            "owner": "person",
            "version": 3,
        },
    )
    plan.refresh_from_db()
    assert plan.version == 4 and plan.versions.count() == 4
    page = client.get(_url("plan_print", pathway)).content.decode()
    for part in ("1. La personne", "2. Sa situation", "3. Le plan d", "4. Objectifs pas encore"):
        assert part in html.unescape(page)
    assert "Rester chez moi avec mon chat." in page
    assert "Installer une téléalarme" in page and "la personne elle-même" in page
    assert "Ne plus tomber" in page.split("4. Objectifs")[1]
    # Styled as the rest, with the coordinator's contacts for the person.
    assert "maillage/maillage.css" in page and 'class="card contact"' in page
    assert cast.coordinator.email in page.split('class="card contact"')[1].split("</section>")[0]
    assert AuditEvent.objects.filter(action="plan.read", object_id=str(plan.public_id)).exists()


def test_two_people_editing_at_once_the_second_gets_a_conflict_and_keeps_her_text(
    client, cast, pathway
):
    plan = actions.plan_ensure(pathway=pathway)
    actions.plan_save(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.PlanIn(
            version=0, problems="Version de la coordinatrice", person_project="", alert_procedure=""
        ),
    )
    client.force_login(cast.professional)
    response = client.post(
        _url("plan", pathway),
        {"problems": "Ma version à moi", "person_project": "", "alert_procedure": "", "version": 0},
    )
    assert response.status_code == 409
    body = html.unescape(response.content.decode())
    assert "modifié par quelqu'un d'autre" in body
    assert "Ma version à moi" in body  # her input is still in the form
    plan.refresh_from_db()
    assert plan.problems == "Version de la coordinatrice"
    # Her text, now carrying the current version, goes through when she saves it again.
    assert f'name="version" value="{plan.version}"' in body
    again = client.post(
        _url("plan", pathway),
        {
            "problems": "Ma version à moi",
            "person_project": "",
            "alert_procedure": "",
            "version": plan.version,
        },
    )
    assert again.status_code == 302
    plan.refresh_from_db()
    assert plan.problems == "Ma version à moi"
    with pytest.raises(actions.StaleVersion):
        actions.objective_add(
            actor=cast.professional,
            plan=plan,
            data=inputs.ObjectiveIn(need="health", text="X", version=1),
        )


def test_the_person_and_the_gp_validate_a_version_which_stays_readable(client, cast, pathway):
    plan = actions.plan_ensure(pathway=pathway)
    client.force_login(cast.coordinator)
    response = client.post(
        _url("plan_validate", pathway),
        {"validator": "person", "validated_on": timezone.localdate().isoformat(), "version": 0},
    )
    assert response.status_code == 400
    assert "enregistrez-le avant" in html.unescape(response.content.decode())
    actions.plan_save(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.PlanIn(
            version=0, problems="Texte validé", person_project="", alert_procedure=""
        ),
    )
    for validator in ("person", "gp"):
        client.post(
            _url("plan_validate", pathway),
            {
                "validator": validator,
                "validated_on": timezone.localdate().isoformat(),
                "version": 1,
            },
        )
    version = plan.versions.get(number=1)
    assert {v.validator for v in version.validations.all()} == {"person", "gp"}
    assert version.content["problems"] == "Texte validé"
    actions.plan_save(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.PlanIn(
            version=1, problems="Texte changé ensuite", person_project="", alert_procedure=""
        ),
    )
    assert plan.versions.get(number=1).content["problems"] == "Texte validé"
    assert not plan.versions.get(number=2).validations.exists()


def test_an_action_is_owned_by_an_active_member_or_the_person(cast, pathway):
    plan = actions.plan_ensure(pathway=pathway)
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(
            need="health", text="Suivi du diabète", version=current_version(plan)
        ),
    )
    with pytest.raises(ValidationError):
        actions.plan_action_add(
            actor=cast.coordinator,
            plan=objective.plan,
            data=inputs.PlanActionIn(
                objective=objective.public_id,
                text="Bilan",
                owner="not-a-member",
                version=current_version(objective.plan),
            ),
        )
    action = actions.plan_action_add(
        actor=cast.coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="Bilan",
            owner="person",
            due_on=timezone.localdate() - dt.timedelta(days=2),
            version=current_version(objective.plan),
        ),
    )
    plan.refresh_from_db()
    actions.plan_action_set_status(
        actor=cast.coordinator,
        action=action,
        data=inputs.ActionStatusIn(status="done", version=plan.version),
    )
    action.refresh_from_db()
    assert action.status == "done"
    # A status set from a page read before that change is refused, not applied.
    with pytest.raises(actions.StaleVersion):
        actions.plan_action_set_status(
            actor=cast.coordinator,
            action=action,
            data=inputs.ActionStatusIn(status="cancelled", version=plan.version),
        )
    action.refresh_from_db()
    assert action.status == "done"


def test_an_action_moves_only_along_its_transitions_and_the_page_offers_only_those(
    client, cast, pathway
):
    plan = actions.plan_ensure(pathway=pathway)
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(need="health", text="A", version=current_version(plan)),
    )
    action = actions.plan_action_add(
        actor=cast.coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="Bilan",
            owner="person",
            version=current_version(objective.plan),
        ),
    )

    def move(status):
        plan.refresh_from_db()
        actions.plan_action_set_status(
            actor=cast.coordinator,
            action=action,
            data=inputs.ActionStatusIn(status=status, version=plan.version),
        )
        action.refresh_from_db()

    move("done")
    # A done action is not cancelled afterwards: refused in French, nothing written.
    plan.refresh_from_db()
    version = plan.version
    with pytest.raises(ValidationError) as refused:
        move("cancelled")
    assert "« Faite » à « Annulée »" in refused.value.messages[0]
    plan.refresh_from_db()
    assert action.status == "done" and plan.version == version
    # Reopened (a mistake corrected), then cancelled, then restored.
    move("in_progress")
    move("cancelled")
    assert action.status == "cancelled"
    client.force_login(cast.coordinator)
    page = client.get(_url("plan", pathway)).content.decode()
    select = page[page.index(f'id="status-{action.public_id}"') :]
    select = select[: select.index("</select>")]
    assert 'value="cancelled" selected' in select and 'value="planned"' in select
    assert 'value="done"' not in select and 'value="in_progress"' not in select
    # The API says the same, with a 400 and the message.
    response = client.post(
        f"/api/v1/pathways/{pathway.public_id}/plan/actions/{action.public_id}/status",
        {"status": "done", "version": Plan.objects.get(pk=plan.pk).version},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "Annulée" in response.json()["detail"]
    move("planned")
    assert action.status == "planned"


def test_the_plan_page_has_a_fixed_number_of_queries(
    client, cast, pathway, django_assert_max_num_queries
):
    plan = actions.plan_ensure(pathway=pathway)
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(need="health", text="A", version=current_version(plan)),
    )
    actions.plan_action_add(
        actor=cast.coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="a",
            owner="person",
            version=current_version(objective.plan),
        ),
    )
    client.force_login(cast.coordinator)
    with django_assert_max_num_queries(40) as counted:
        client.get(_url("plan", pathway))
    for n in range(3):
        other = actions.objective_add(
            actor=cast.coordinator,
            plan=plan,
            data=inputs.ObjectiveIn(need="housing", text=f"O{n}", version=current_version(plan)),
        )
        for m in range(2):
            actions.plan_action_add(
                actor=cast.coordinator,
                plan=other.plan,
                data=inputs.PlanActionIn(
                    objective=other.public_id,
                    text=f"a{m}",
                    owner="person",
                    version=current_version(other.plan),
                ),
            )
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(_url("plan", pathway))


def test_an_action_carried_by_a_directory_service_sends_an_orientation_the_circle_follows(
    client, cast, territories
):
    from maillage.directory import search_index
    from maillage.directory.models import Orientation
    from tests.factories import ServiceFactory, StructureFactory

    service = ServiceFactory(
        structure=StructureFactory(organisation=cast.other_organisation, name="SSIAD du Yon"),
        name="Soins infirmiers à domicile",
        thematiques=["sante--acces-aux-soins"],
    )
    search_index.refresh()
    pathway = opened_pathway(cast, person_phone="02 51 00 00 00")
    plan = actions.plan_ensure(pathway=pathway)
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(
            need="health", text="Soins à domicile", version=current_version(plan)
        ),
    )
    client.force_login(cast.coordinator)
    data = {
        "objective": str(objective.public_id),
        "text": "Toilette trois fois par semaine",
        "owner": "service",
        "service_search": "soins infirmiers domicile",
        "version": 1,
    }
    # First the search: the page offers the services found, and asks for her agreement.
    response = client.post(_url("plan_action_add", pathway), data)
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Soins infirmiers à domicile — SSIAD du Yon" in page
    assert Orientation.objects.count() == 0
    data |= {"service": str(service.public_id)}
    response = client.post(_url("plan_action_add", pathway), data)
    assert response.status_code == 400 and Orientation.objects.count() == 0  # no agreement
    data |= {"consent_method": "oral"}
    response = client.post(_url("plan_action_add", pathway), data)
    assert response.status_code == 302
    action = objective.actions.get()
    orientation = action.orientation
    assert action.service == service and orientation.service == service
    assert orientation.person_last_name == pathway.person.last_name
    assert orientation.person_phone == "02 51 00 00 00"
    # The receiving team answers; the circle (here the professional) reads the orientation
    # from the plan, and cannot answer it; someone outside the circle cannot see it.
    client.force_login(cast.outsider)
    assert (
        client.get(reverse("directory:orientation", args=[orientation.public_id])).status_code
        == 200
    )
    client.force_login(cast.professional)
    plan_page = html.unescape(client.get(_url("plan", pathway)).content.decode())
    assert "orientation" in plan_page and "envoyée" in plan_page
    detail = client.get(reverse("directory:orientation", args=[orientation.public_id]))
    assert detail.status_code == 200
    from maillage.directory.access import orientation_sides
    from maillage.directory.enums import CIRCLE

    # Read from the circle's side, whatever the ids of the plan action and the orientation.
    assert orientation_sides(cast.professional, orientation) == {CIRCLE}
    moves = client.post(
        reverse("directory:orientation_move", args=[orientation.public_id]),
        {"to_state": "accepted"},
    )
    assert moves.status_code in (400, 403, 404)
    orientation.refresh_from_db()
    assert orientation.state == "sent"
    client.force_login(cast.colleague)
    assert (
        client.get(reverse("directory:orientation", args=[orientation.public_id])).status_code
        == 404
    )
    # FHIR: the orientation is the ServiceRequest the action's Task points to.
    from maillage.pathways import fhir

    document = fhir.bundle(pathway)
    resources = {e["resource"]["resourceType"]: e["resource"] for e in document["entry"]}
    assert resources["ServiceRequest"]["status"] == "active"
    assert resources["Task"]["focus"]["reference"] == f"urn:uuid:{orientation.public_id}"


def test_dates_out_of_their_span_are_refused_on_their_field(client, cast, pathway):
    plan = actions.plan_ensure(pathway=pathway)
    client.force_login(cast.coordinator)
    today = timezone.localdate()
    revision = client.post(
        _url("plan", pathway),
        {"problems": "x", "revision_on": "2020-01-01", "version": plan.version},
    )
    assert revision.status_code == 400
    assert "entre aujourd'hui et dans deux ans" in html.unescape(revision.content.decode())
    plan.refresh_from_db()
    assert plan.revision_on is None and plan.version == 0
    # A revision date already past stays as it was when the plan is saved for another reason.
    Plan.objects.filter(pk=plan.pk).update(revision_on=today - dt.timedelta(days=10))
    kept = actions.plan_save(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.PlanIn(version=0, problems="y", revision_on=today - dt.timedelta(days=10)),
    )
    assert kept.revision_on == today - dt.timedelta(days=10)
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=kept,
        data=inputs.ObjectiveIn(need="health", text="Se soigner", version=current_version(kept)),
    )
    with pytest.raises(ValidationError, match="il y a un mois et dans trois ans"):
        actions.plan_action_add(
            actor=cast.coordinator,
            plan=kept,
            data=inputs.PlanActionIn(
                objective=objective.public_id,
                text="Consultation",
                owner="person",
                due_on=dt.date(2019, 1, 1),
                version=current_version(kept),
            ),
        )
    with pytest.raises(ValidationError, match="et aujourd'hui"):
        actions.plan_validate(
            actor=cast.coordinator,
            plan=kept,
            data=inputs.ValidationIn(
                version=current_version(kept),
                validator="person",
                validated_on=today + dt.timedelta(days=365 * 4),
            ),
        )
