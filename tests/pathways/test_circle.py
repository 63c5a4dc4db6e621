import html
import re

from django.urls import reverse

from maillage.core.models import AuditEvent, Notification
from maillage.core.versions import current_version
from maillage.pathways import inputs
from maillage.pathways.enums import MemberStatus
from tests.factories import member, opened_pathway


def _url(name, pathway, member=None):
    kwargs = {"public_id": pathway.public_id}
    if member is not None:
        kwargs["member_id"] = member.public_id
    return reverse(f"pathways:{name}", kwargs=kwargs)


def test_a_member_proposes_the_referent_approves_and_only_then_the_pathway_opens(client, cast):
    pathway = opened_pathway(cast)
    nurse = member("professional", cast.other_organisation, full_name="Infirmière Dupuis")
    client.force_login(cast.professional)
    response = client.post(
        _url("circle_add", pathway),
        {"email": nurse.email.upper(), "role": "nurse", "person_informed": "on"},
    )
    assert response.status_code == 302
    proposed = pathway.members.get(user=nurse)
    assert proposed.status == MemberStatus.PENDING
    assert Notification.objects.filter(user=cast.coordinator).exists()

    client.force_login(nurse)
    assert client.get(_url("pathway", pathway)).status_code == 404

    client.force_login(cast.coordinator)
    client.post(_url("circle_approve", pathway, proposed))
    proposed.refresh_from_db()
    assert proposed.status == MemberStatus.ACTIVE

    client.force_login(nurse)
    page = client.get(_url("pathway", pathway)).content.decode()
    assert "Entrée dans le cercle de soins" in page and "Infirmière Dupuis" in page


def test_the_person_must_be_told_who_joins(client, cast):
    pathway = opened_pathway(cast)
    nurse = member("professional", cast.other_organisation)
    client.force_login(cast.coordinator)
    response = client.post(_url("circle_add", pathway), {"email": nurse.email, "role": "nurse"})
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not pathway.members.filter(user=nurse).exists()


def test_removal_or_leaving_ends_access_at_once(client, cast):
    pathway = opened_pathway(cast)
    nurse = member("professional", cast.other_organisation)
    client.force_login(cast.coordinator)
    client.post(
        _url("circle_add", pathway),
        {"email": nurse.email, "role": "nurse", "person_informed": "on"},
    )
    added = pathway.members.get(user=nurse)
    assert added.status == MemberStatus.ACTIVE  # added by the referent: in at once
    client.post(_url("circle_remove", pathway, added))
    client.force_login(nurse)
    assert client.get(_url("pathway", pathway)).status_code == 404

    client.force_login(cast.professional)
    own = pathway.members.get(user=cast.professional)
    response = client.post(_url("circle_remove", pathway, own))
    assert response.url == reverse("pathways:pathway_list")
    assert client.get(_url("pathway", pathway)).status_code == 404
    assert AuditEvent.objects.filter(action="circle.leave").count() == 1
    assert AuditEvent.objects.filter(action="circle.remove").count() == 1


def test_the_referent_cannot_leave_and_nobody_outside_can_add(client, cast):
    pathway = opened_pathway(cast)
    referent = pathway.members.get(user=cast.coordinator)
    client.force_login(cast.coordinator)
    client.post(_url("circle_remove", pathway, referent))
    referent.refresh_from_db()
    assert referent.status == MemberStatus.ACTIVE
    client.force_login(cast.colleague)
    response = client.post(
        _url("circle_add", pathway),
        {"email": cast.colleague.email, "role": "nurse", "person_informed": "on"},
    )
    assert response.status_code == 404
    assert not pathway.members.filter(user=cast.colleague).exists()


def test_portal_and_observer_accounts_cannot_be_added_as_professionals(client, cast):
    pathway = opened_pathway(cast)
    client.force_login(cast.coordinator)
    for account in (cast.observer, cast.person):
        response = client.post(
            _url("circle_add", pathway),
            {"email": account.email, "role": "nurse", "person_informed": "on"},
        )
        assert response.status_code == 400
        assert not pathway.members.filter(user=account).exists()


def test_without_the_persons_agreement_to_a_circle_nobody_joins_it(client, cast):
    pathway = opened_pathway(cast, recipients=["platform"])
    assert list(pathway.members.values_list("user", flat=True)) == [cast.coordinator.pk]
    nurse = member("professional", cast.other_organisation)
    client.force_login(cast.coordinator)
    response = client.post(
        _url("circle_add", pathway),
        {"email": nurse.email, "role": "nurse", "person_informed": "on"},
    )
    assert response.status_code == 400
    assert "recueillez son accord" in response.content.decode().replace("&#x27;", "'")
    assert not pathway.members.filter(user=nurse).exists()


def test_a_pathway_is_handed_over_to_another_coordinator(client, cast):
    pathway = opened_pathway(cast)
    colleague = member("coordinator", cast.platform, full_name="Coordinateur Deux")
    client.force_login(cast.coordinator)
    page = client.get(_url("pathway", pathway)).content.decode()
    assert "Passer le relais" in page
    client.post(_url("pathway_handover", pathway), {"referent": str(colleague.public_id)})
    pathway.refresh_from_db()
    assert pathway.referent == colleague
    referents = pathway.members.filter(role="referent", status=MemberStatus.ACTIVE)
    assert [m.user for m in referents] == [colleague]
    assert pathway.members.get(user=cast.coordinator).status == MemberStatus.LEFT
    assert AuditEvent.objects.filter(action="pathway.handover").count() == 1
    # The professional in the circle cannot hand it over.
    client.force_login(cast.professional)
    response = client.post(
        _url("pathway_handover", pathway), {"referent": str(cast.coordinator.public_id)}
    )
    assert response.status_code == 403


def test_the_referent_is_told_when_a_leaving_member_still_carried_actions(client, cast):
    from maillage.pathways import actions

    pathway = opened_pathway(cast)
    plan = actions.plan_ensure(pathway=pathway)
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(
            need="autonomy", text="Ne plus tomber", version=current_version(plan)
        ),
    )
    own = pathway.members.get(user=cast.professional)
    actions.plan_action_add(
        actor=cast.coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="Bilan",
            owner=str(own.public_id),
            version=current_version(objective.plan),
        ),
    )
    Notification.objects.all().delete()
    client.force_login(cast.professional)
    assert client.post(_url("circle_remove", pathway, own)).status_code == 302
    notice = Notification.objects.get(user=cast.coordinator)
    assert "1 action(s)" in notice.message and notice.link.endswith("/plan/")


def _invitation_path() -> str:
    from django.core import mail

    return re.search(r"https?://[^/]+(/compte/invitation/\S+)", mail.outbox[-1].body).group(1)


def test_the_referent_invites_a_professional_without_an_account_in_one_step(
    client, cast, django_capture_on_commit_callbacks
):
    from django.core import mail

    from maillage.accounts.models import User
    from maillage.core.roles import Role

    pathway = opened_pathway(cast)
    client.force_login(cast.coordinator)
    data = {"email": "IDE.Libre@exemple.fr", "role": "nurse", "person_informed": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("circle_add", pathway), data, follow=True)
    page = html.unescape(response.content.decode())
    assert "Invitation envoyée : elle entrera dans le cercle en créant son compte" in page
    assert "ide.libre@exemple.fr" in page  # the pending invitation, for the referent
    (email,) = mail.outbox
    assert email.to == ["ide.libre@exemple.fr"]
    assert "cercle de soins" in email.body
    assert pathway.person.last_name not in email.body  # never the person's name by e-mail
    invited = AuditEvent.objects.get(action="circle.invite")
    assert "ide.libre" not in invited.details
    # She follows the link, creates her account, and is in the circle.
    client.logout()
    client.get(_invitation_path())
    client.post(
        reverse("accounts:invitation_accept"),
        {
            "full_name": "Infirmière Libérale",
            "password1": "un très bon mot de passe",
            "password2": "un très bon mot de passe",
        },
    )
    nurse = User.objects.get(email="ide.libre@exemple.fr")
    assert nurse.roles == {Role.PROFESSIONAL}
    joined = pathway.members.get(user=nurse)
    assert joined.status == MemberStatus.ACTIVE and joined.role == "nurse"
    assert AuditEvent.objects.filter(action="circle.join").count() == 1
    assert Notification.objects.filter(user=cast.coordinator).exists()
    assert client.get(_url("pathway", pathway)).status_code == 200


def test_only_the_referent_invites_and_the_rules_of_entry_hold(client, cast):
    pathway = opened_pathway(cast)
    data = {"email": "personne@exemple.fr", "role": "nurse", "person_informed": "on"}
    # A member proposes: without an account, there is nobody to propose.
    client.force_login(cast.professional)
    response = client.post(_url("circle_add", pathway), data)
    assert response.status_code == 400
    assert "le ou la référent·e peut l'inviter" in html.unescape(response.content.decode())
    client.force_login(cast.coordinator)
    for bad in ({**data, "person_informed": ""}, {**data, "role": "caregiver"}):
        assert client.post(_url("circle_add", pathway), bad).status_code == 400
    # Checked for the API too: the role of a member, never the person's or a caregiver's.
    from maillage.pathways.models import CircleInvitation

    assert not CircleInvitation.objects.exists()


def test_the_api_invites_into_the_circle(client, cast):
    pathway = opened_pathway(cast)
    client.force_login(cast.coordinator)
    url = f"/api/v1/pathways/{pathway.public_id}/circle/invitations"
    body = {"email": "kine@exemple.fr", "role": "other_professional", "person_informed": True}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["email"] == "kine@exemple.fr"
    again = client.post(
        url, {**body, "email": cast.professional.email}, content_type="application/json"
    )
    assert again.status_code == 400 and "déjà un compte" in again.json()["detail"]
    client.force_login(cast.professional)
    refused = client.post(url, {**body, "email": "x@exemple.fr"}, content_type="application/json")
    assert refused.status_code == 403


def test_removing_a_member_is_confirmed_first(client, cast):
    pathway = opened_pathway(cast)
    client.force_login(cast.coordinator)
    page = html.unescape(client.get(_url("pathway", pathway)).content.decode())
    # The button that ends someone's access is behind a disclosure that says so.
    details = page[page.index('<details class="confirm"><summary>Retirer') :]
    assert "Son accès au parcours cesse aussitôt" in details[: details.index("</details>")]
