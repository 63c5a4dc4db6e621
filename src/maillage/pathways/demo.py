"""Demo pathways: the GP's request waiting in the coordinator's triage queue, and one
pathway already opened. Idempotent (keyed on the demo people's names)."""

import datetime as dt

from django.utils import timezone

from maillage.accounts.bootstrap import platform_organisation
from maillage.accounts.models import User
from maillage.pathways import actions
from maillage.pathways.models import SupportRequest


def setup_demo_pathways() -> None:
    gp = User.objects.filter(email="medecin@demo.maillage.fr").first()
    coordinator = User.objects.filter(email="coordination@demo.maillage.fr").first()
    if gp is None or coordinator is None:
        return
    platform = platform_organisation()
    now = timezone.now()
    people = [
        ("Jeanne", "Martineau", dt.date(1938, 5, 2), "soon", True),
        ("Ahmed", "Benali", dt.date(1957, 11, 20), "urgent", False),
    ]
    for first, last, born, urgency, open_pathway in people:
        if SupportRequest.objects.filter(
            person__first_name=first, person__last_name=last, platform=platform
        ).exists():
            continue
        request = actions.support_request_submit(
            actor=gp,
            platform=platform,
            requester_kind="professional",
            person_first_name=first,
            person_last_name=last,
            person_birth_date=born,
            reason="Chutes répétées et isolement depuis le décès de son conjoint ; "
            "refuse pour l'instant l'aide à domicile.",
            needs=["autonomy", "social_ties", "housing"],
            urgency=urgency,
            tried="Passage infirmier deux fois par semaine.",
            gp_informed=True,
            gp_agrees=True,
            consent_mode="consents",
            information_items=["identity", "situation", "health"],
            recipients=["platform", "circle", "gp"],
            now=now - dt.timedelta(days=3 if open_pathway else 1),
        )
        if open_pathway:
            actions.support_request_triage(
                actor=coordinator,
                support_request=request,
                answers=["pathologies", "autonomy", "isolation"],
                outcome="pathway",
                now=now - dt.timedelta(days=2),
            )
            request.refresh_from_db()
            _demo_plan(request.pathway, coordinator)


def _demo_plan(pathway, coordinator) -> None:
    plan = actions.plan_ensure(pathway=pathway)
    actions.plan_save(
        actor=coordinator,
        plan=plan,
        expected_version=plan.version,
        problems="Chutes à domicile (trois depuis l'été), isolement depuis le décès de son "
        "mari, diabète mal équilibré.",
        person_project="« Je veux rester chez moi, avec mon chat, et revoir mes amies du club. »",
        alert_procedure="En cas de chute ou d'absence de réponse : sa fille (voisine), puis "
        "l'infirmière, puis le médecin traitant.",
        revision_on=timezone.localdate() + dt.timedelta(days=90),
    )
    objective = actions.objective_add(
        actor=coordinator,
        plan=plan,
        need="autonomy",
        text="Rester à domicile en sécurité",
        criteria="Aucune chute sans secours dans les trois mois",
    )
    actions.plan_action_add(
        actor=coordinator,
        objective=objective,
        text="Installer une téléassistance",
        owner=str(pathway.members.get(user=coordinator).public_id),
        due_on=timezone.localdate() + dt.timedelta(days=14),
    )
    actions.plan_action_add(
        actor=coordinator,
        objective=objective,
        text="Reprendre la marche avec le club, une fois par semaine",
        owner="person",
    )
