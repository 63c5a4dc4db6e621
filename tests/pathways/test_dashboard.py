"""The home page's work dashboard: what waits for the coordinator today, each a count with
its list, hers or her team's, in a constant number of queries."""

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEvent
from maillage.core.notify import notify
from maillage.core.roles import Role
from maillage.core.versions import current_version
from maillage.pathways import actions, inputs
from tests.factories import member, opened_pathway, support_request


def _count(page: str, key: str) -> int:
    found = re.search(rf'id="tile-{key}"><span class="tile-count">(\d+)</span>', page)
    assert found, f"no tile {key}"
    return int(found.group(1))


def _busy_pathway(cast, first="Lucie"):
    """An open pathway with an overdue action, a stay in progress, a meeting in two days and
    a message from the professional the coordinator has not read."""
    pathway = opened_pathway(cast, person_first_name=first)
    plan = actions.plan_ensure(pathway=pathway)
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(need="health", text="Se soigner", version=current_version(plan)),
    )
    actions.plan_action_add(
        actor=cast.coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="Prendre rendez-vous",
            owner="person",
            due_on=timezone.localdate() - dt.timedelta(days=3),
            version=current_version(objective.plan),
        ),
    )
    actions.stay_admit(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.StayIn(facility="CHD Vendée", admitted_on=timezone.localdate()),
    )
    actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(starts_at=timezone.now() + dt.timedelta(days=2)),
    )
    actions.message_post(
        actor=cast.professional, pathway=pathway, data=inputs.MessageIn(body="Vue ce matin.")
    )
    return pathway


def test_the_coordinator_sees_what_waits_for_her_and_opens_each_list(client, cast):
    pathway = _busy_pathway(cast)
    support_request(cast, person_first_name="Jules")  # to sort
    client.force_login(cast.coordinator)
    page = client.get(reverse("core:home")).content.decode()
    assert _count(page, "triage") == 1 and "Jules Moreau" in page
    assert _count(page, "overdue") == 1
    assert _count(page, "hospital") == 1
    assert _count(page, "meetings") == 1
    assert _count(page, "notebook") == 1
    assert reverse("pathways:plan", kwargs={"public_id": pathway.public_id}) in page
    assert reverse("pathways:stays", kwargs={"public_id": pathway.public_id}) in page
    # Late things come first.
    assert page.index('id="tile-overdue"') < page.index('id="tile-hospital"')
    # The people named on the home page are traced, as on their list pages.
    traced = AuditEvent.objects.filter(action="pathway.list", actor_id=cast.coordinator.public_id)
    assert str(pathway.public_id) in str(traced.latest("id").details)
    assert AuditEvent.objects.filter(
        action="support_request.list", actor_id=cast.coordinator.public_id
    ).exists()
    # Every pathway page opens on who she is, how to reach her and where she is now.
    notebook = client.get(reverse("pathways:notebook", kwargs={"public_id": pathway.public_id}))
    header = notebook.content.decode().split('class="person-header"')[1].split("</aside>")[0]
    person = pathway.person
    assert f"{person.first_name} {person.last_name}" in header and " ans" in header
    assert "CHD Vendée, depuis le" in header and cast.coordinator.full_name in header


def test_her_team_s_work_is_one_click_away_and_only_for_a_coordinator(client, cast):
    colleague = member(Role.COORDINATOR, cast.platform, full_name="Autre coordinatrice")
    _busy_pathway(cast)  # held by cast.coordinator, not by her colleague
    client.force_login(colleague)
    mine = client.get(reverse("core:home")).content.decode()
    assert _count(mine, "overdue") == 0 and "Voir celui de mon équipe" in mine
    team = client.get(reverse("core:home") + "?vue=equipe").content.decode()
    assert "Le travail de mon équipe" in team and _count(team, "overdue") == 1
    client.force_login(cast.professional)
    page = client.get(reverse("core:home") + "?vue=equipe").content.decode()
    assert "Voir celui de mon équipe" not in page and "Le travail de mon équipe" not in page


def test_the_dashboard_costs_the_same_queries_for_one_pathway_or_many(
    client, cast, django_assert_max_num_queries
):
    _busy_pathway(cast)
    client.force_login(cast.coordinator)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("core:home"))
    for first in ("Anne", "Paul", "Rose"):
        _busy_pathway(cast, first=first)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("core:home")).content.decode()
    assert _count(page, "overdue") == 4


def test_she_finds_the_people_she_follows_by_name_and_only_them(client, cast):
    mine = opened_pathway(cast, person_first_name="Hélène", person_last_name="Dupré")
    opened_pathway(cast, person_first_name="Jules", person_last_name="Moreau")
    outsider = member(Role.PROFESSIONAL, cast.other_organisation, full_name="Hors cercle")
    client.force_login(cast.coordinator)
    url = reverse("pathways:pathway_list")
    found = client.post(url, {"nom": "dupre HELENE"}).content.decode()
    assert "1 parcours trouvé" in found and str(mine.public_id) in found
    assert "Jules" not in found
    trace = AuditEvent.objects.filter(action="pathway.list").latest("id")
    assert '"search": 1' in str(trace.details) or "'search': 1" in str(trace.details)
    assert "dupre" not in str(trace.details).lower()
    client.force_login(outsider)
    assert "0 parcours trouvé" in client.post(url, {"nom": "Dupré"}).content.decode()


def test_each_tile_opens_the_list_of_what_it_counts_for_her_or_her_team(client, cast):
    busy = _busy_pathway(cast, first="Lucie")
    calm = opened_pathway(cast, person_first_name="Paul")
    colleague = member(Role.COORDINATOR, cast.platform, full_name="Autre coordinatrice")
    client.force_login(cast.coordinator)
    page = client.get(reverse("core:home")).content.decode()
    for todo in ("retard", "hopital", "messages"):
        link = reverse("pathways:pathway_list") + f"?a_faire={todo}"
        assert f'href="{link}"' in page, todo
        listing = client.get(link).content.decode()
        assert str(busy.public_id) in listing and str(calm.public_id) not in listing, todo
    assert str(calm.public_id) in client.get(reverse("pathways:pathway_list")).content.decode()
    # Her colleague, in the team view, opens the same lists for the whole platform.
    client.force_login(colleague)
    team = client.get(reverse("core:home") + "?vue=equipe").content.decode()
    link = reverse("pathways:pathway_list") + "?a_faire=retard&amp;vue=equipe"
    assert f'href="{link}"' in team
    listing = client.get(link.replace("&amp;", "&")).content.decode()
    assert "Parcours de mon équipe" in listing and str(busy.public_id) in listing
    hers = client.get(reverse("pathways:pathway_list") + "?a_faire=retard").content.decode()
    assert str(busy.public_id) not in hers
    # A professional asks for the team view in vain: she sees her own.
    client.force_login(cast.professional)
    mine = client.get(reverse("pathways:pathway_list") + "?vue=equipe").content.decode()
    assert "Parcours de mon équipe" not in mine


def test_unread_notices_have_their_tile_and_leave_it_once_read(client, cast):
    notify(users=[cast.coordinator], message="Votre orientation a été acceptée.", link="/annuaire/")
    client.force_login(cast.coordinator)
    page = client.get(reverse("core:home")).content.decode()
    assert _count(page, "notices") == 1 and "Votre orientation a été acceptée." in page
    client.get(reverse("core:notifications"))
    assert _count(client.get(reverse("core:home")).content.decode(), "notices") == 0


def test_tiles_count_everything_and_name_the_first_few(client, cast):
    from maillage.core.dashboard import SHOWN

    for n in range(SHOWN + 2):
        _busy_pathway(cast, first=f"Personne{n}")
    client.force_login(cast.coordinator)
    page = client.get(reverse("core:home")).content.decode()
    tile = page.split('id="tile-overdue"')[1].split("</section>")[0]
    assert _count(page, "overdue") == SHOWN + 2
    assert tile.count("<li>") == SHOWN


def test_a_coordinator_outside_the_circle_has_no_unread_messages_to_clear(client, cast):
    colleague = member(Role.COORDINATOR, cast.platform, full_name="Autre coordinatrice")
    pathway = _busy_pathway(cast)  # a message from the professional, unread by the referent
    client.force_login(colleague)
    team = client.get(reverse("core:home") + "?vue=equipe").content.decode()
    assert _count(team, "notebook") == 0  # not a reader of that notebook: nothing unread
    listed = client.get(reverse("pathways:pathway_list") + "?a_faire=messages&vue=equipe")
    assert str(pathway.public_id) not in listed.content.decode()
    # Her colleague the referent reads it, and it leaves her tile.
    client.force_login(cast.coordinator)
    assert _count(client.get(reverse("core:home")).content.decode(), "notebook") == 1
    client.get(reverse("pathways:notebook", kwargs={"public_id": pathway.public_id}))
    assert _count(client.get(reverse("core:home")).content.decode(), "notebook") == 0
