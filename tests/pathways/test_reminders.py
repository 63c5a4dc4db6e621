import datetime as dt

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import Notification
from maillage.core.versions import current_version
from maillage.pathways import actions, inputs
from tests.factories import opened_pathway
from tests.jobs import run_jobs

TODAY = timezone.localdate()  # the list page counts what is late today


def _plan_with_actions(cast):
    pathway = opened_pathway(cast)
    plan = actions.plan_ensure(pathway=pathway)
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(
            need="autonomy", text="Ne plus tomber", version=current_version(plan)
        ),
    )
    nurse = pathway.members.get(user=cast.professional)
    late = actions.plan_action_add(
        actor=cast.coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="Téléalarme",
            owner=str(nurse.public_id),
            due_on=TODAY - dt.timedelta(days=3),
            version=current_version(objective.plan),
        ),
    )
    actions.plan_action_add(
        actor=cast.coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="Pas encore dû",
            owner=str(nurse.public_id),
            due_on=TODAY + dt.timedelta(days=3),
            version=current_version(objective.plan),
        ),
    )
    return pathway, plan, late


def test_owners_of_overdue_actions_and_referents_of_due_revisions_are_reminded_weekly(cast):
    _pathway, plan, late = _plan_with_actions(cast)
    plan.refresh_from_db()
    actions.plan_save(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.PlanIn(
            version=plan.version,
            problems="",
            person_project="",
            alert_procedure="",
            revision_on=TODAY,
        ),
    )
    Notification.objects.all().delete()
    assert actions.remind_overdue(today=TODAY) == {"actions": 1, "revisions": 1}
    assert Notification.objects.filter(user=cast.professional).count() == 1
    assert Notification.objects.filter(user=cast.coordinator).count() == 1
    run_jobs()
    assert {m.to[0] for m in mail.outbox} == {cast.professional.email, cast.coordinator.email}
    # Not again the next day; again a week later while still overdue.
    assert actions.remind_overdue(today=TODAY + dt.timedelta(days=1)) == {
        "actions": 0,
        "revisions": 0,
    }
    # A week later: the late one again, and the one that has fallen due meanwhile.
    assert actions.remind_overdue(today=TODAY + dt.timedelta(days=7))["actions"] == 2
    late.status = "done"
    late.save()
    assert actions.remind_overdue(today=TODAY + dt.timedelta(days=14))["actions"] == 1


def test_the_pathway_list_shows_late_actions_and_revisions_due(
    client, cast, django_assert_max_num_queries
):
    _plan_with_actions(cast)
    client.force_login(cast.professional)
    page = client.get(reverse("pathways:pathway_list")).content.decode()
    assert "1 action en retard" in page
    with django_assert_max_num_queries(25) as counted:
        client.get(reverse("pathways:pathway_list"))
    for _ in range(3):
        _plan_with_actions(cast)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(reverse("pathways:pathway_list"))


def test_who_chose_the_weekly_summary_gets_one_email_a_week_instead(client, cast):
    pathway, _plan, _late = _plan_with_actions(cast)
    client.force_login(cast.professional)
    response = client.post(reverse("core:notification_preferences"), {"weekly_digest": "1"})
    assert response.status_code == 302
    cast.professional.refresh_from_db()
    assert cast.professional.weekly_digest
    run_jobs()
    mail.outbox.clear()
    Notification.objects.all().delete()
    assert actions.remind_overdue(today=TODAY)["actions"] == 1
    run_jobs()
    # The on-site notice comes; the email waits for Monday's summary.
    assert Notification.objects.filter(user=cast.professional).count() == 1
    assert mail.outbox == []
    assert actions.send_weekly_digests(today=TODAY) == 1
    run_jobs()
    (summary,) = mail.outbox
    assert summary.to == [cast.professional.email]
    assert "1 action(s) en retard" in summary.body
    assert str(pathway.public_id) in summary.body
    assert pathway.person.last_name not in summary.body
    # Back to one email per reminder.
    client.post(reverse("core:notification_preferences"), {"weekly_digest": "0"})
    cast.professional.refresh_from_db()
    assert not cast.professional.weekly_digest
    assert actions.send_weekly_digests(today=TODAY) == 0
