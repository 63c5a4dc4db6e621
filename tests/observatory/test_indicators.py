"""The observatory's indicators on hand-built data: what each one counts, for which
territory and which months, read from the facts the periodic job rebuilds."""

import datetime as dt

import pytest
from django.utils import timezone

from maillage.core.versions import current_version
from maillage.directory import actions as directory_actions
from maillage.directory import search_index
from maillage.directory.models import Orientation, UnmetSearch
from maillage.observatory import facts, indicators
from maillage.observatory.models import Fact
from maillage.pathways import actions, inputs
from maillage.pathways.models import Pathway, SupportRequest
from maillage.territories.models import Commune
from tests.factories import ServiceFactory, StructureFactory, support_request

PARIS = timezone.get_fixed_timezone(60)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def values(table, label):
    return dict(table.rows)[label]


@pytest.fixture
def activity(db, territories, cast):
    """Vendée (85), 2026: three requests in March at La Roche-sur-Yon, one in April at
    Noirmoutier-en-l'Île; one in Nantes (Loire-Atlantique) that no Vendée figure counts.
    Triage: one pathway after 10 hours, one information after 4 days. The pathway closes
    after 100 days, the person very satisfied; its plan names a need with no resource.
    Orientations to a service at La Roche-sur-Yon: one refused for lack of places after
    5 hours, one accepted after 2 days, one expired; two searches found nothing there."""
    roche = Commune.objects.get(code="85191")
    noirmoutier = Commune.objects.get(code="85163")
    nantes = Commune.objects.get(code="44109")
    people = [
        ("Anne", roche, dt.date(1940, 5, 1), "F", dt.date(2026, 3, 2)),
        ("Bruno", roche, dt.date(1990, 5, 1), "M", dt.date(2026, 3, 9)),
        ("Claire", roche, dt.date(1958, 5, 1), "F", dt.date(2026, 3, 20)),
        ("Denise", noirmoutier, dt.date(1935, 1, 1), "F", dt.date(2026, 4, 7)),
        ("Émile", nantes, dt.date(1950, 1, 1), "M", dt.date(2026, 3, 3)),
    ]
    requests = {}
    for name, commune, born, sex, day in people:
        requests[name] = support_request(
            cast,
            person_first_name=name,
            person_last_name="Test",
            person_birth_date=born,
            person_sex=sex,
            person_commune=commune,
            urgency="urgent" if name == "Bruno" else "soon",
            now=at(day),
        )
    actions.support_request_triage(
        actor=cast.coordinator,
        support_request=requests["Anne"],
        now=at(dt.date(2026, 3, 2), 20),
        data=inputs.TriageIn(
            answers=[], outcome="pathway", version=current_version(requests["Anne"])
        ),
    )
    actions.support_request_triage(
        actor=cast.coordinator,
        support_request=requests["Bruno"],
        now=at(dt.date(2026, 3, 13)),
        data=inputs.TriageIn(
            answers=[], outcome="information", version=current_version(requests["Bruno"])
        ),
    )
    pathway = Pathway.objects.get(request=requests["Anne"])
    plan = actions.plan_ensure(pathway=pathway)
    objectives = [
        actions.objective_add(
            actor=cast.coordinator,
            plan=plan,
            data=inputs.ObjectiveIn(
                need="mobility",
                text="Aller au marché",
                no_resource=True,
                version=current_version(plan),
            ),
        ),
        actions.objective_add(
            actor=cast.coordinator,
            plan=plan,
            data=inputs.ObjectiveIn(
                need="health", text="Se soigner", version=current_version(plan)
            ),
        ),
    ]
    actions.pathway_close(
        actor=cast.coordinator,
        pathway=pathway,
        now=at(dt.date(2026, 6, 10)),
        data=inputs.CloseIn(
            reason="objectives_reached",
            outcome="Retour au suivi habituel.",
            objectives={str(o.public_id): "reached" for o in objectives},
            satisfaction="4",
        ),
    )
    service = ServiceFactory(
        structure=StructureFactory(commune=roche),
        thematiques=["sante--acces-aux-soins"],
        email="accueil@example.org",
    )
    search_index.refresh()
    sent = dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)
    orientations = []
    for _ in range(3):
        orientation = directory_actions.orientation_send(
            actor=cast.professional,
            service=service,
            person_first_name="Anne",
            person_last_name="Test",
            person_phone="0600000000",
            reason="Soins",
            consent_method="oral",
            need_theme="sante--acces-aux-soins",
        )
        orientations.append(orientation)
    Orientation.objects.filter(pk__in=[o.pk for o in orientations]).update(created_at=sent)
    Orientation.objects.filter(pk=orientations[0].pk).update(
        state="refused", refusal_reason="no_capacity", answered_at=sent + dt.timedelta(hours=5)
    )
    Orientation.objects.filter(pk=orientations[1].pk).update(
        state="accepted", answered_at=sent + dt.timedelta(days=2)
    )
    Orientation.objects.filter(pk=orientations[2].pk).update(state="expired")
    for _ in range(2):
        search = UnmetSearch.objects.create(
            themes=["sante--acces-aux-soins"], commune=roche, channel="page"
        )
        UnmetSearch.objects.filter(pk=search.pk).update(searched_on=dt.date(2026, 5, 12))
    facts.refresh()
    return requests


def scope(key="dep-85", start=(2026, 1), end=(2026, 12)):
    return indicators.make_scope(key, dt.date(*start, 1), dt.date(*end, 1))


def test_requests_are_counted_by_month_by_who_asked_and_by_urgency(activity):
    computed = indicators.compute(scope())
    monthly = computed.table("activite-mensuelle")
    assert values(monthly, "mars 2026")[0] == 3  # Nantes is not in Vendée
    assert values(monthly, "avr. 2026")[0] == 1
    requests = computed.table("demandes")
    assert values(requests, "Un·e professionnel·le") == [1, 3, 0]  # urgent, soon, routine
    needs = computed.table("demandes-besoins")
    assert values(needs, "Autonomie, perte d'autonomie") == [4]


def test_triage_is_counted_by_outcome_and_delay_band_with_its_mean(activity):
    computed = indicators.compute(scope())
    triage = computed.table("tri")
    assert values(triage, "Ouvrir un parcours complexe avec un·e référent·e") == [1, 0, 0, 0]
    assert values(triage, "Information et orientation seulement") == [0, 0, 1, 0]
    # (10 hours + 96 hours) / 2 = 53 hours = 2.2 days.
    assert dict(computed.figure_texts())["Délai moyen de tri"] == "2,2 jours"


def test_pathways_open_at_each_end_of_the_period_follow_openings_and_closures(activity):
    spring = indicators.compute(scope(start=(2026, 3), end=(2026, 5))).table("parcours")
    assert [v[0] for _label, v in spring.rows] == [0, 1, 0, 1]  # start, opened, closed, end
    summer = indicators.compute(scope(start=(2026, 6), end=(2026, 8))).table("parcours")
    assert [v[0] for _label, v in summer.rows] == [1, 0, 1, 0]
    closures = indicators.compute(scope()).table("parcours-clotures")
    # 2 March → 10 June: 100 days, in the 3-to-6-months band.
    assert values(closures, "Les objectifs du plan sont atteints") == [0, 1, 0, 0]
    satisfaction = indicators.compute(scope()).table("satisfaction")
    assert values(satisfaction, "Très satisfait·e") == [1]


def test_orientations_are_counted_by_need_state_refusal_reason_and_answer_delay(activity):
    computed = indicators.compute(scope())
    orientations = computed.table("orientations")
    by_state = dict(zip(orientations.columns, values(orientations, "Santé"), strict=True))
    assert by_state["Refusée"] == 1 and by_state["Acceptée"] == 1
    assert by_state["Expirée sans réponse"] == 1 and sum(by_state.values()) == 3
    refusals = computed.table("orientations-refus")
    assert values(refusals, "Pas de place ou liste d'attente complète") == [1]
    delay = computed.table("orientations-delai")
    assert [v[0] for _label, v in delay.rows] == [1, 1, 0, 0]  # 5 hours; 2 days
    figures = dict(computed.figure_texts())
    assert figures["Orientations acceptées, parmi celles qui ont reçu une réponse"] == "50 %"


def test_unmet_needs_gather_searches_refusals_expiries_and_plan_needs(activity):
    computed = indicators.compute(scope())
    unmet = computed.table("besoins-non-couverts")
    assert values(unmet, "Santé") == [2, 1, 1]
    plans = computed.table("besoins-sans-ressource")
    assert values(plans, "Mobilité") == [1] and values(plans, "Santé, soins") == [0]


def test_people_reached_by_age_sex_and_commune_type_against_the_population(activity):
    computed = indicators.compute(scope())
    profile = computed.table("personnes-age-sexe")
    assert values(profile, "85+ ans") == [2, 0, 0]  # Anne, 85 in March; Denise, 91
    assert values(profile, "18-39 ans") == [0, 1, 0]  # Bruno
    assert values(profile, "60-74 ans") == [1, 0, 0]  # Claire, 67 in March 2026
    kinds = dict(computed.table("personnes-type-commune").rows)
    big_town = kinds["Grande ville (50 000 habitants ou plus)"]
    small_town = kinds["Petite ville (2 000 à 9 999 habitants)"]
    assert big_town[0] == 3 and small_town[0] == 1
    assert big_town[1] == 75.0  # three people in four
    vendee = scope().population
    roche = Commune.objects.get(code="85191").population
    assert big_town[2] == round(100 * roche / vendee, 1)
    assert {p["code"] for p in computed.map_points} == {"85191", "85163"}


def test_a_commune_and_a_period_narrow_every_figure(activity):
    roche = indicators.compute(scope("com-85191"))
    assert values(roche.table("activite-mensuelle"), "mars 2026")[0] == 3
    assert sum(values(roche.table("activite-mensuelle"), "avr. 2026")) == 0
    april = indicators.compute(scope(start=(2026, 4), end=(2026, 4)))
    assert values(april.table("demandes"), "Un·e professionnel·le") == [0, 1, 0]
    france = indicators.compute(scope("fr"))
    assert values(france.table("activite-mensuelle"), "mars 2026")[0] == 4  # with Nantes


def test_directory_coverage_counts_listed_services_per_10000_inhabitants(activity):
    coverage = dict(indicators.compute(scope("com-85191")).table("couverture").rows)
    services, per_10000, stale, _share = coverage["Santé"]
    population = Commune.objects.get(code="85191").population
    assert services == 1 and stale == 0
    assert per_10000 == round(10_000 / population, 2)


def test_unknown_territories_are_refused(db, territories):
    for key in ("dep-XX", "com-00000", "epci-000000000", "ter-not-a-uuid", "planet-earth"):
        assert indicators.resolve_territory(key) is None
    label, codes = indicators.resolve_territory("com-13055")  # Marseille, by arrondissement
    assert label == "Marseille (13055)" and "13201" in codes and len(codes) == 17


def test_the_facts_hold_no_name_and_the_refresh_replaces_them(activity):
    keys = set(Fact.objects.values_list("key", flat=True)) | set(
        Fact.objects.values_list("key2", flat=True)
    )
    assert not any(name in key for key in keys for name in ("Anne", "Test", "Denise"))
    before = Fact.objects.count()
    SupportRequest.objects.filter(person__first_name="Denise").delete()
    facts.refresh()
    assert Fact.objects.count() < before
    assert values(indicators.compute(scope()).table("activite-mensuelle"), "avr. 2026")[0] == 0


def test_months_are_those_of_paris_not_utc(db, territories, cast):
    """30 April 2026 at 23:30 UTC is already 1 May in Paris (summer time, UTC+2)."""
    support_request(
        cast,
        person_first_name="Gaston",
        person_last_name="Minuit",
        person_commune=Commune.objects.get(code="85191"),
        now=dt.datetime(2026, 4, 30, 23, 30, tzinfo=dt.UTC),
    )
    facts.refresh()
    monthly = indicators.compute(scope(start=(2026, 4), end=(2026, 5))).table("activite-mensuelle")
    assert values(monthly, "avr. 2026")[0] == 0 and values(monthly, "mai 2026")[0] == 1


def test_a_service_with_two_sub_themes_of_one_need_counts_once_for_it(db, territories):
    ServiceFactory(
        structure=StructureFactory(commune_id="85191"),
        thematiques=["sante--acces-aux-soins", "sante--sante-mentale", "famille--garde-denfants"],
    )
    search_index.refresh()
    facts.refresh()
    coverage = dict(indicators.compute(scope("com-85191")).table("couverture").rows)
    assert coverage["Santé"][0] == 1 and coverage["Famille"][0] == 1
