from django.db.models import Sum

from maillage.accounts.models import User
from maillage.core.models import PlatformSettings
from maillage.core.roles import Role
from maillage.demo.setup import ACCOUNTS, setup_demo


def test_the_demo_declares_the_pays_yon_et_vie_as_territory_of_competence(territories, db):
    setup_demo()
    competence = PlatformSettings.current().competence_territory
    assert competence.name == "Pays Yon et Vie"
    assert competence.communes.count() == 28
    population = competence.communes.aggregate(p=Sum("population"))["p"]
    assert 140_000 < population < 150_000


def test_the_demo_micro_territory_is_around_rives_de_l_yon(territories, db):
    setup_demo()
    from maillage.territories.models import Territory

    micro = Territory.objects.get(kind="micro", name__startswith="Rives")
    assert micro.communes.filter(name="Rives de l'Yon", population__gt=4000).exists()
    assert micro.communes.filter(name="Nesmy").exists()


def test_the_demo_is_idempotent_and_gives_every_role_an_account(territories, db):
    setup_demo()
    setup_demo()
    assert User.objects.filter(email__endswith="@demo.maillage.fr").count() == len(ACCOUNTS)
    roles = set()
    for user in User.objects.filter(email__endswith="@demo.maillage.fr"):
        roles |= user.roles
    assert roles == set(Role.values)


def test_the_demo_directory_is_searchable_and_uses_valid_referentials(territories, db):
    from maillage.directory.enums import THEME_PARENTS, Public
    from maillage.directory.models import Service
    from maillage.directory.queries import SearchParams, search_services

    setup_demo()
    services = Service.objects.filter(source="demo")
    assert services.count() >= 8
    for service in services:
        assert set(service.thematiques) <= set(THEME_PARENTS), service.name
        assert set(service.publics) <= set(Public.values), service.name
    results = search_services(SearchParams(themes=["sante"], commune="85213", radius_km=15))
    assert "Consultations de médecine générale" in [s.name for s in results.services]
    assert [s.name for s in results.remote] == ["Écoute téléphonique en santé mentale"]


def test_every_demo_service_can_receive_an_orientation(territories, db):
    """The GP of the demo can orient to any service: the MSP's team answers on the platform,
    structures without an account through the emailed link."""
    from maillage.directory import queries
    from maillage.directory.models import Service

    setup_demo()
    for service in Service.objects.filter(source="demo").select_related("structure"):
        assert queries.receivers_of(service) or queries.receiver_email_for(service), service
    msp = Service.objects.get(source="demo", source_id="msp-mg")
    assert "medecin@demo.maillage.fr" in {u.email for u in queries.receivers_of(msp)}


def test_the_demo_commission_and_accessibility_have_something_to_show(territories, db):
    from maillage.regulation.models import MedicalPart, Proposal

    setup_demo()
    agenda = Proposal.objects.filter(session__isnull=False)
    assert set(agenda.values_list("engine", flat=True)) == {"greedy", "optimum"}
    # The EHPAD dossier's medical part was written by the GP named for it.
    medical = MedicalPart.objects.get()
    assert medical.physician.email == "medecin@demo.maillage.fr" and medical.completed_at
    # The accessibility page computes on a plausible (generated, and said so) supply:
    # neither everyone under the threshold nor no one.
    # The observatory counts the demo's open pathways on the territory (their people live
    # in its communes).
    from django.utils import timezone

    from maillage.demo.setup import COMPETENCE_EPCI
    from maillage.observatory import queries
    from maillage.observatory.models import Fact

    opened = Fact.objects.filter(
        family="pathway_opened",
        month=timezone.localdate().replace(day=1),
        commune__epci_id__in=COMPETENCE_EPCI,
    ).aggregate(n=Sum("n"))["n"]
    assert opened is not None and opened >= 2
    from maillage.pathways.models import Pathway

    live = Pathway.objects.filter(state="open", person__identity_key__contains="martineau")
    assert live.filter(person__commune__epci_id__in=COMPETENCE_EPCI).exists()
    run = queries.latest_run()
    rows = list(run.indices.filter(commune__epci_id__in=COMPETENCE_EPCI))
    assert run.supply_points > 20
    assert [r for r in rows if r.index < run.threshold]
    assert [r for r in rows if r.index >= run.threshold]


def test_the_demo_shows_a_gcsms_a_heat_wave_alert_and_its_running_campaign(territories, db):
    from maillage.cooperation.demo import ALERT_TITLE, CAMPAIGN_TITLE, GCSMS_TITLE
    from maillage.cooperation.models import CheckCallCampaign, Convention, TerritorialAlert

    setup_demo()
    setup_demo()  # idempotent
    gcsms = Convention.objects.get(title=GCSMS_TITLE)
    assert gcsms.kind == "gcsms" and gcsms.state == "declared"
    assert gcsms.parties.count() == 4 and gcsms.obligations.count() == 4
    alert = TerritorialAlert.objects.get(title=ALERT_TITLE)
    reached = set(alert.receipts.values_list("user__email", flat=True))
    assert "medecin@demo.maillage.fr" in reached and "infirmiere@demo.maillage.fr" in reached
    assert "ars@demo.maillage.fr" not in reached and "personne@demo.maillage.fr" not in reached
    campaign = CheckCallCampaign.objects.get(title=CAMPAIGN_TITLE, alert=alert)
    names = {c.pathway.person.first_name for c in campaign.calls.select_related("pathway__person")}
    assert {"Jeanne", "Marie"} <= names and campaign.state == "running"
