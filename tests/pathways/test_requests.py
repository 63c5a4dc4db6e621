import datetime as dt
import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.core.models import AuditEvent, Notification
from maillage.core.roles import Role
from maillage.core.versions import current_version
from maillage.pathways import actions, inputs, scores
from maillage.pathways.enums import (
    COORDINATOR,
    REQUEST_TRANSITIONS,
    REQUESTER,
    MemberStatus,
    RequestState,
)
from maillage.pathways.models import ScreeningQuestion, SupportRequest
from maillage.pathways.reads import HANDLED_PAGE
from tests.factories import OrganisationFactory, member, opened_pathway, support_request

FORM = {
    "requester_kind": "professional",
    "person_first_name": "Lucie",
    "person_last_name": "Moreau",
    "person_birth_date": "1941-03-12",
    "person_sex": "F",
    "reason": "Chutes répétées, vit seule.",
    "needs": ["autonomy"],
    "urgency": "urgent",
    "gp_informed": "on",
    "consent_mode": "consents",
    "information_items": ["identity", "situation"],
    "recipients": ["platform"],
}


def test_a_professional_asks_for_support_and_the_coordinators_are_told(client, cast):
    client.force_login(cast.professional)
    response = client.post(reverse("pathways:request_new"), {**FORM, "platform": cast.platform.pk})
    request = SupportRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("pathways:request", kwargs={"public_id": request.public_id})
    assert request.state == RequestState.RECEIVED
    assert request.consent_recorded_by == cast.professional
    assert request.requester_organisation == cast.organisation
    assert Notification.objects.filter(user=cast.coordinator).count() == 1
    assert AuditEvent.objects.filter(
        action="support_request.create", object_id=str(request.public_id)
    ).exists()


def test_the_persons_agreement_names_what_is_shared_and_with_whom(client, cast):
    client.force_login(cast.professional)
    data = {**FORM, "platform": cast.platform.pk, "information_items": [], "recipients": []}
    response = client.post(reverse("pathways:request_new"), data)
    assert response.status_code == 200
    assert "son accord porte sur ces points" in response.content.decode()
    assert not SupportRequest.objects.exists()
    with pytest.raises(ValidationError):
        support_request(cast, information_items=[], recipients=[])


def test_a_person_who_cannot_express_herself_is_informed_afterwards(client, cast):
    request = support_request(
        cast, consent_mode="cannot_express", information_items=[], recipients=[]
    )
    client.force_login(cast.coordinator)
    page = client.get(reverse("pathways:request", kwargs={"public_id": request.public_id}))
    assert "pas encore été informée" in page.content.decode()
    client.post(
        reverse("pathways:request_person_informed", kwargs={"public_id": request.public_id})
    )
    request.refresh_from_db()
    assert request.informed_afterwards_by == cast.coordinator
    with pytest.raises(ValidationError):
        actions.person_informed(actor=cast.coordinator, support_request=request)


def test_the_triage_queue_puts_the_most_urgent_then_the_longest_waiting_first(
    client, cast, django_assert_max_num_queries
):
    now = timezone.now()
    old_routine = support_request(cast, urgency="routine", now=now - dt.timedelta(days=9))
    new_urgent = support_request(cast, urgency="urgent", now=now - dt.timedelta(hours=1))
    old_urgent = support_request(cast, urgency="urgent", now=now - dt.timedelta(days=2))
    elsewhere = support_request(cast, platform=_other_platform(), urgency="urgent")
    client.force_login(cast.coordinator)
    url = reverse("pathways:request_list")
    page = client.get(url).content.decode()
    positions = [page.index(str(r.public_id)) for r in (old_urgent, new_urgent, old_routine)]
    assert positions == sorted(positions)
    assert str(elsewhere.public_id) not in page  # another platform's queue
    # The number of queries does not grow with the queue.
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(5):
        support_request(cast)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def _other_platform():
    from tests.factories import OrganisationFactory

    platform = OrganisationFactory(platform=True, name="Autre DAC")
    member("coordinator", platform)
    return platform


def test_triage_opens_a_pathway_with_its_referent_and_the_professional_in_the_circle(client, cast):
    request = support_request(cast)
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("pathways:request_triage", kwargs={"public_id": request.public_id}),
        {
            "answers": ["pathologies", "autonomy", "isolation"],
            "outcome": "pathway",
            "version": request.version,
        },
    )
    request.refresh_from_db()
    pathway = request.pathway
    assert response.url == reverse("pathways:pathway", kwargs={"public_id": pathway.public_id})
    assert request.state == RequestState.PATHWAY
    assert request.screening_score == 6
    assert pathway.referent == cast.coordinator
    members = {m.user: m for m in pathway.members.all()}
    assert set(members) == {cast.coordinator, cast.professional}
    assert all(m.status == MemberStatus.ACTIVE for m in members.values())
    assert [e.kind for e in pathway.events.all()] == ["pathway_opened", "request_received"]
    assert Notification.objects.filter(user=cast.professional).exists()
    page = client.get(response.url).content.decode()
    assert "Lucie Moreau" in page and "Coordinateur·rice référent·e" in page


def test_triage_submitted_as_shown_decides_nothing(client, cast):
    request = support_request(cast)
    client.force_login(cast.coordinator)
    url = reverse("pathways:request", kwargs={"public_id": request.public_id})
    form = client.get(url).context["triage_form"]
    assert form["outcome"].value() in (None, "")  # no outcome chosen in advance
    response = client.post(
        reverse("pathways:request_triage", kwargs={"public_id": request.public_id}),
        {name: form[name].value() or "" for name in form.fields},
    )
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.RECEIVED


def test_a_second_triage_on_a_stale_page_gets_a_conflict_and_keeps_the_input(client, cast):
    request = support_request(cast)
    version = request.version
    actions.support_request_triage(
        actor=cast.coordinator,
        support_request=request,
        data=inputs.TriageIn(answers=[], outcome="support", version=current_version(request)),
    )
    client.force_login(cast.coordinator)
    response = client.post(
        reverse("pathways:request_triage", kwargs={"public_id": request.public_id}),
        {"outcome": "information", "comment": "Mon analyse détaillée", "version": version},
    )
    assert response.status_code == 409
    body = html.unescape(response.content.decode())
    assert "modifiée par quelqu'un d'autre" in body
    assert "Mon analyse détaillée" in body
    request.refresh_from_db()
    assert request.state == RequestState.SUPPORT


def test_only_declared_moves_happen(cast):
    """Every (state, target, side): the declared ones succeed, all others are refused."""
    sides = {REQUESTER: cast.professional, COORDINATOR: cast.coordinator}
    for from_state in RequestState.values:
        for to_state in RequestState.values:
            for side, actor in sides.items():
                request = support_request(cast)
                SupportRequest.objects.filter(pk=request.pk).update(state=from_state)
                request.refresh_from_db()
                allowed = side in REQUEST_TRANSITIONS.get((from_state, to_state), frozenset())
                try:
                    if to_state == RequestState.WITHDRAWN:
                        actions.support_request_withdraw(actor=actor, support_request=request)
                    elif to_state == RequestState.RECEIVED:
                        actions.support_request_reopen(actor=actor, support_request=request)
                    else:
                        outcome = {
                            "information": "information",
                            "support": "support",
                            "pathway": "pathway",
                        }.get(to_state)
                        if outcome is None:
                            raise ValidationError("no action leads there")
                        actions.support_request_triage(
                            actor=actor,
                            support_request=request,
                            data=inputs.TriageIn(
                                answers=[], outcome=outcome, version=current_version(request)
                            ),
                        )
                    moved = True
                except (ValidationError, PermissionDenied):
                    moved = False
                request.refresh_from_db()
                assert moved == allowed, (from_state, to_state, side)
                assert (request.state == to_state) == (allowed or from_state == to_state)


def test_the_coordinator_sees_that_the_person_is_already_followed(client, cast):
    first = opened_pathway(cast)
    again = support_request(cast, person_first_name="LUCIE", person_last_name="moreau")
    stranger = support_request(cast, person_first_name="Lucien")
    client.force_login(cast.coordinator)
    page = client.get(reverse("pathways:request", kwargs={"public_id": again.public_id}))
    assert "semble déjà suivie" in page.content.decode()
    assert str(first.public_id) in page.content.decode()
    page = client.get(reverse("pathways:request", kwargs={"public_id": stranger.public_id}))
    assert "semble déjà suivie" not in page.content.decode()


def test_outsiders_get_404_and_their_attempt_is_in_the_audit_trail(client, cast):
    pathway = opened_pathway(cast)
    for user in (cast.colleague, cast.outsider, cast.observer):
        client.force_login(user)
        url = reverse("pathways:pathway", kwargs={"public_id": pathway.public_id})
        assert client.get(url).status_code == 404
        url = reverse("pathways:request", kwargs={"public_id": pathway.request.public_id})
        assert client.get(url).status_code == 404
    denied = AuditEvent.objects.filter(outcome="denied", object_id=str(pathway.public_id))
    assert denied.count() == 3
    client.force_login(cast.professional)
    client.get(reverse("pathways:pathway", kwargs={"public_id": pathway.public_id}))
    assert AuditEvent.objects.filter(
        action="pathway.read", outcome="allowed", object_id=str(pathway.public_id)
    ).exists()


def test_leaving_the_circle_ends_access_at_once(client, cast):
    pathway = opened_pathway(cast)
    url = reverse("pathways:pathway", kwargs={"public_id": pathway.public_id})
    client.force_login(cast.professional)
    assert client.get(url).status_code == 200
    pathway.members.filter(user=cast.professional).update(status=MemberStatus.LEFT)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
@given(answers=st.lists(st.sampled_from(["pathologies", "autonomy", "social", "x"]), max_size=6))
@settings(max_examples=40, deadline=None)
def test_the_score_is_the_weight_of_each_checked_question_once(answers):
    weights = dict(ScreeningQuestion.objects.values_list("code", "weight"))
    assert scores.screening_score(answers) == sum(weights.get(a, 0) for a in set(answers))


@pytest.fixture
def _grid(db):
    return ScreeningQuestion.objects.count()


def test_the_grid_suggests_the_outcome_from_the_threshold(_grid):
    assert _grid == 8
    assert scores.suggested_outcome(5, threshold=5) == "pathway"
    assert scores.suggested_outcome(3, threshold=5) == "support"
    assert scores.suggested_outcome(2, threshold=5) == "information"


def test_information_and_orientation_sends_orientations_from_the_request(client, cast, territories):
    import html

    from maillage.directory import search_index
    from maillage.directory.models import Orientation
    from tests.factories import ServiceFactory, StructureFactory, support_request

    service = ServiceFactory(
        structure=StructureFactory(organisation=cast.other_organisation, name="CCAS du Yon"),
        name="Aide aux démarches administratives",
        thematiques=["acces-aux-droits-et-citoyennete"],
    )
    search_index.refresh()
    request = support_request(cast, person_phone="02 51 00 00 01")
    url = reverse("pathways:request_orient", kwargs={"public_id": request.public_id})
    client.force_login(cast.coordinator)
    found = client.post(url, {"service_search": "aide aux demarches", "consent_method": "oral"})
    assert found.status_code == 400
    assert "Aide aux démarches administratives — CCAS du Yon" in html.unescape(
        found.content.decode()
    )
    sent = client.post(
        url,
        {
            "service_search": "aide aux demarches",
            "service": str(service.public_id),
            "consent_method": "oral",
        },
    )
    assert sent.status_code == 302
    orientation = Orientation.objects.get()
    assert orientation.person_last_name == request.person.last_name
    assert orientation.reason == request.reason and list(request.orientations.all()) == [
        orientation
    ]
    # Closed as information and orientation: the request shows what was sent.
    actions.support_request_triage(
        actor=cast.coordinator,
        support_request=request,
        data=inputs.TriageIn(answers=[], outcome="information", version=request.version),
    )
    page = html.unescape(
        client.get(
            reverse("pathways:request", kwargs={"public_id": request.public_id})
        ).content.decode()
    )
    assert "Orientations envoyées" in page and "Aide aux démarches administratives" in page
    # The requesting professional sees the answer on her request, but does not send.
    client.force_login(cast.professional)
    assert client.post(url, {"service": str(service.public_id)}).status_code == 403


def test_a_request_closed_with_information_is_found_again_and_reopened(client, cast):
    request = support_request(cast)
    actions.support_request_triage(
        actor=cast.coordinator,
        support_request=request,
        data=inputs.TriageIn(answers=[], outcome="information", version=current_version(request)),
    )
    client.force_login(cast.coordinator)
    listing = client.get(reverse("pathways:request_list")).content.decode()
    assert "Demandes triées" in listing and str(request.public_id) in listing
    reopen = reverse("pathways:request_reopen", kwargs={"public_id": request.public_id})
    client.force_login(cast.professional)  # the requester does not reopen it herself
    assert client.post(reopen).status_code == 403
    client.force_login(cast.coordinator)
    assert client.post(reopen).status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.RECEIVED
    assert Notification.objects.filter(
        user=cast.professional, message__contains="de nouveau"
    ).exists()
    listing = client.get(reverse("pathways:request_list")).content.decode()
    assert "À trier" in listing and str(request.public_id) in listing


def test_the_gp_named_in_a_request_joins_the_circle_as_gp(cast):
    from tests.factories import opened_pathway

    # From an association, typing one's own name as the GP's is not enough.
    before = opened_pathway(cast, gp_name=cast.professional.full_name, person_first_name="Léa")
    assert before.members.get(user=cast.professional).role == "other_professional"
    cast.organisation.kind = "msp"
    cast.organisation.save(update_fields=["kind"])
    pathway = opened_pathway(cast, gp_name=f"Dr {cast.professional.full_name.upper()}")
    member = pathway.members.get(user=cast.professional)
    assert member.role == "gp"
    other = opened_pathway(cast, gp_name="Dr Quelqu'un d'autre", person_first_name="Jules")
    assert other.members.get(user=cast.professional).role == "other_professional"


def test_a_gp_with_an_account_named_in_the_request_is_proposed_to_the_circle(cast):
    practice = OrganisationFactory(name="Cabinet du bourg", kind="gp_practice")
    gp = member(Role.PROFESSIONAL, practice, full_name="Paul Généraliste")
    # A namesake outside any GP's place does not count.
    member(Role.PROFESSIONAL, cast.other_organisation, full_name="Paul Generaliste")
    # Without her agreement to share with her GP, the GP is not brought in.
    unshared = opened_pathway(cast, gp_name="Dr paul generaliste", person_first_name="Zoé")
    assert not unshared.members.filter(user=gp).exists()
    pathway = opened_pathway(
        cast, gp_name="Dr paul generaliste", recipients=["platform", "circle", "gp"]
    )
    proposed = pathway.members.get(user=gp)
    assert proposed.role == "gp" and proposed.status == "pending"
    assert Notification.objects.filter(user=pathway.referent, message__contains="médecin traitant")
    assert AuditEvent.objects.filter(action="circle.propose", object_id=str(proposed.public_id))
    # Two GPs answer to the name: nobody is proposed, the referent chooses.
    member(Role.PROFESSIONAL, OrganisationFactory(kind="msp"), full_name="Paul Généraliste")
    other = opened_pathway(
        cast,
        gp_name="Dr Paul Généraliste",
        person_first_name="Jules",
        recipients=["platform", "circle", "gp"],
    )
    assert not other.members.filter(role="gp").exists()


names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèêëàâçôîïû'-", min_size=3, max_size=12)


@given(names, names, st.sampled_from(["Dr ", "Dr. ", "docteur ", "DOCTEURE ", ""]))
def test_a_name_is_the_same_physician_with_or_without_title_case_or_accents(first, last, title):
    from maillage.pathways.actions.triage import same_physician

    assert same_physician(f"{title}{first} {last}", f"{first.upper()} {last}")
    assert not same_physician(f"{title}{first} {last}", f"{first} {last}x")
    assert not same_physician("", f"{first} {last}")


def test_withdrawing_a_request_is_confirmed_before_it_is_done(client, cast):
    request = support_request(cast)
    client.force_login(cast.professional)
    page = html.unescape(
        client.get(
            reverse("pathways:request", kwargs={"public_id": request.public_id})
        ).content.decode()
    )
    confirm = page.split('<details class="confirm">')[1].split("</details>")[0]
    assert "Retirer la demande…" in confirm and "cela ne se défait pas" in confirm
    assert "Confirmer le retrait de la demande" in confirm


def test_sorted_requests_are_searched_by_name_and_outcome_and_paged(client, cast):
    def sorted_request(first, last, outcome):
        request = support_request(cast, person_first_name=first, person_last_name=last)
        actions.support_request_triage(
            actor=cast.coordinator,
            support_request=request,
            data=inputs.TriageIn(answers=[], outcome=outcome, version=current_version(request)),
        )
        return request

    helene = sorted_request("Hélène", "Bérégovoy", "information")
    marc = sorted_request("Marc", "Durand", "support")
    client.force_login(cast.coordinator)
    url = reverse("pathways:request_list")
    # Accents and case aside, by POST: the name never enters the address or the trail.
    found = client.post(url, {"nom": "helene beregovoy"}).content.decode()
    assert str(helene.public_id) in found and str(marc.public_id) not in found
    event = AuditEvent.objects.filter(action="support_request.list").latest("pk")
    assert '"search": 1' in str(event.details) and "helene" not in str(event.details).lower()
    found = client.post(url, {"suite": "support"}).content.decode()
    assert str(marc.public_id) in found and str(helene.public_id) not in found
    found = client.post(url, {"nom": "personne inconnue"}).content.decode()
    assert "Aucune demande triée ne correspond" in found
    # A state that is not an outcome is ignored rather than an error.
    assert client.post(url, {"suite": "n'importe", "page": "x"}).status_code == 200
    # Beyond a page, the older ones are one button away.
    for n in range(HANDLED_PAGE):
        sorted_request("Anne", f"Page{n}", "information")
    first = client.post(url, {"suite": "information"}).content.decode()
    assert "Plus anciennes" in first and str(helene.public_id) not in first
    second = client.post(url, {"suite": "information", "page": "2"}).content.decode()
    assert str(helene.public_id) in second and "Plus récentes" in second
