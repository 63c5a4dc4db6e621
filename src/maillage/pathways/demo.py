"""Demo pathways: the GP's request waiting in the coordinator's triage queue, and two
pathways already opened — one of them, Marie Martin's, with her own space (the demo account
personne@) and her husband as authorised caregiver (aidant@), a meeting to come, a hospital
stay and notebook messages. Idempotent (keyed on the demo people's names)."""

import datetime as dt

from django.utils import timezone

from maillage.accounts.bootstrap import platform_organisation
from maillage.accounts.models import User
from maillage.core.versions import current_version
from maillage.pathways import actions, inputs, queries
from maillage.pathways.models import SupportRequest


def setup_demo_pathways() -> None:
    gp = User.objects.filter(email="medecin@demo.maillage.fr").first()
    coordinator = User.objects.filter(email="coordination@demo.maillage.fr").first()
    if gp is None or coordinator is None:
        return
    platform = platform_organisation()
    now = timezone.now()
    # Each person lives in a commune of the territory: the observatory counts her there.
    people = [
        ("Jeanne", "Martineau", dt.date(1938, 5, 2), "soon", True, "85213"),
        ("Ahmed", "Benali", dt.date(1957, 11, 20), "urgent", False, "85191"),
        ("Marie", "Martin", dt.date(1944, 9, 8), "soon", True, "85003"),
    ]
    for first, last, born, urgency, open_pathway, commune in people:
        if SupportRequest.objects.filter(
            person__first_name=first, person__last_name=last, platform=platform
        ).exists():
            continue
        request = actions.support_request_submit(
            actor=gp,
            now=now - dt.timedelta(days=3 if open_pathway else 1),
            data=inputs.SupportRequestIn(
                platform=platform.public_id,
                requester_kind="professional",
                person_first_name=first,
                person_last_name=last,
                person_birth_date=born,
                person_commune=commune,
                reason="Chutes répétées et isolement depuis le décès de son conjoint ; "
                "refuse pour l'instant l'aide à domicile.",
                needs=["autonomy", "social_ties", "housing"],
                urgency=urgency,
                tried="Passage infirmier deux fois par semaine.",
                gp_name="Dr Paul Généraliste",
                gp_informed=True,
                gp_agrees=True,
                consent_mode="consents",
                information_items=["identity", "situation", "health"],
                recipients=["platform", "circle", "gp"],
            ),
        )
        if open_pathway:
            actions.support_request_triage(
                actor=coordinator,
                support_request=request,
                now=now - dt.timedelta(days=2),
                data=inputs.TriageIn(
                    answers=["pathologies", "autonomy", "isolation"],
                    outcome="pathway",
                    version=current_version(request),
                ),
            )
            request.refresh_from_db()
            _demo_plan(request.pathway, coordinator)
            if first == "Marie":
                _demo_follow_up(request.pathway, coordinator, gp, now)


def _demo_plan(pathway, coordinator) -> None:
    plan = actions.plan_ensure(pathway=pathway)
    actions.plan_save(
        actor=coordinator,
        plan=plan,
        data=inputs.PlanIn(
            version=plan.version,
            problems="Chutes à domicile (trois depuis l'été), isolement depuis le décès de son "
            "mari, diabète mal équilibré.",
            person_project="« Je veux rester chez moi, avec mon chat, et revoir mes amies du "
            "club. »",
            alert_procedure="En cas de chute ou d'absence de réponse : sa fille (voisine), puis "
            "l'infirmière, puis le médecin traitant.",
            revision_on=timezone.localdate() + dt.timedelta(days=90),
        ),
    )
    objective = actions.objective_add(
        actor=coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(
            need="autonomy",
            text="Rester à domicile en sécurité",
            criteria="Aucune chute sans secours dans les trois mois",
            version=current_version(plan),
        ),
    )
    actions.plan_action_add(
        actor=coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="Installer une téléassistance",
            owner=str(pathway.members.get(user=coordinator).public_id),
            due_on=timezone.localdate() + dt.timedelta(days=14),
            version=current_version(objective.plan),
        ),
    )
    actions.plan_action_add(
        actor=coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="Reprendre la marche avec le club, une fois par semaine",
            owner="person",
            version=current_version(objective.plan),
        ),
    )


def _demo_follow_up(pathway, coordinator, gp, now) -> None:
    """Marie Martin's pathway: her husband as caregiver, both with their space, a meeting
    to come, a hospital stay with its discharge checklist, messages in the notebook."""
    person = User.objects.filter(email="personne@demo.maillage.fr").first()
    husband = User.objects.filter(email="aidant@demo.maillage.fr").first()
    caregiver = actions.caregiver_add(
        actor=coordinator,
        pathway=pathway,
        data=inputs.CaregiverIn(
            name="Jean Martin",
            relationship="SPS",
            phone="06 12 34 56 78",
            is_main=True,
            person_agreed=True,
        ),
    )
    # The demo accounts exist already: the space is offered, and they have accepted it.
    if person is not None:
        offer = actions.portal_invite(
            actor=coordinator, pathway=pathway, data=inputs.PortalInviteIn(email=person.email)
        )
        actions.portal_accept(user=person, portal=offer)
    if husband is not None:
        offer = actions.portal_invite(
            actor=coordinator,
            pathway=pathway,
            data=inputs.PortalInviteIn(email=husband.email, caregiver=caregiver.public_id),
        )
        actions.portal_accept(user=husband, portal=offer)
    nurse = User.objects.filter(email="infirmiere@demo.maillage.fr").first()
    if nurse is not None:
        actions.circle_propose(
            actor=coordinator,
            pathway=pathway,
            data=inputs.CircleMemberIn(email=nurse.email, role="nurse", person_informed=True),
        )
    actions.meeting_schedule(
        actor=coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(
            starts_at=(now + dt.timedelta(days=6)).replace(
                hour=13, minute=30, second=0, microsecond=0
            ),
            duration_minutes=45,
            location="Maison de santé du Bourg, salle de réunion",
            agenda=queries.agenda_from_plan(pathway),
            invitees=[gp.public_id] + ([nurse.public_id] if nurse else []),
        ),
    )
    actions.stay_admit(
        actor=gp,
        pathway=pathway,
        data=inputs.StayIn(
            facility="CHD Vendée, médecine gériatrique",
            admitted_on=timezone.localdate() - dt.timedelta(days=2),
            expected_discharge_on=timezone.localdate() + dt.timedelta(days=3),
        ),
    )
    actions.message_post(
        actor=gp,
        pathway=pathway,
        data=inputs.MessageIn(
            body="Mme Martin est hospitalisée depuis avant-hier après une chute. Sortie envisagée "
            "en fin de semaine : pouvons-nous prévoir le passage infirmier dès le retour ?"
        ),
    )
