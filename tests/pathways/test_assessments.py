import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillage.core.models import AuditEvent
from maillage.pathways import actions, aggir, inputs, scores
from maillage.pathways.enums import ZARIT_QUESTIONS, Need
from maillage.pathways.models import burden_label
from tests.factories import opened_pathway


def _form(**extra):
    data = {"assessed_on": "2026-11-20", "person_words": "Je veux rester chez moi."}
    for need in Need.values:
        data[f"level_{need}"] = "low"
    data.update(extra)
    return data


def test_an_assessment_covers_every_domain_with_the_persons_words_and_the_gir(client, cast):
    pathway = opened_pathway(cast)
    client.force_login(cast.coordinator)
    grid = {f"aggir_{v}": "A" for v in aggir.VARIABLES} | {"aggir_toilette": "B"}
    zarit = {f"zarit_{code}": "0.5" for code, _text in ZARIT_QUESTIONS}
    response = client.post(
        reverse("pathways:assessment_new", kwargs={"public_id": pathway.public_id}),
        _form(
            level_autonomy="high",
            notes_autonomy="Chutes",
            lives_alone="true",
            declared_fragility="on",
            **grid,
            **zarit,
        ),
    )
    assert response.status_code == 302
    assessment = pathway.assessments.get()
    assert assessment.gir == 5  # toilette B alone: group H 2000, rank 12
    assert assessment.caregiver_burden == Decimal("3.5")
    assert assessment.domains.count() == len(Need.values)
    page = client.get(response.url).content.decode()
    assert "Je veux rester chez moi." in page
    assert "Besoin important" in page and "fardeau léger à modéré" in page
    assert AuditEvent.objects.filter(action="assessment.read").exists()
    assert pathway.events.filter(kind="assessed", summary="GIR 5").exists()
    assert assessment.lives_alone is True and assessment.declared_fragility is True
    assert "Fragilité déclarée pour les crises" in page


def test_a_half_filled_grid_is_refused_and_nothing_is_written(client, cast):
    pathway = opened_pathway(cast)
    client.force_login(cast.coordinator)
    url = reverse("pathways:assessment_new", kwargs={"public_id": pathway.public_id})
    response = client.post(url, _form(aggir_coherence="C"))
    assert response.status_code == 400
    assert "renseignez les dix variables" in response.content.decode()
    response = client.post(url, _form(level_housing=""))
    assert response.status_code == 400
    assert not pathway.assessments.exists()


def test_assessments_compare_over_time_newest_first(client, cast, django_assert_max_num_queries):
    pathway = opened_pathway(cast)
    levels = {need: {"level": "low"} for need in Need.values}
    for day, level in ((1, "high"), (20, "moderate")):
        actions.assessment_record(
            actor=cast.coordinator,
            pathway=pathway,
            data=inputs.AssessmentIn(
                assessed_on=dt.date(2026, 11, day), domains=levels | {"autonomy": {"level": level}}
            ),
        )
    client.force_login(cast.professional)
    url = reverse("pathways:assessments", kwargs={"public_id": pathway.public_id})
    page = client.get(url).content.decode()
    head = page[page.index("<thead>") : page.index("</thead>")].lower()
    assert head.index("20 nov") < head.index("1 nov")
    assert page.index("Besoin modéré") < page.index("Besoin important")
    with django_assert_max_num_queries(25) as counted:
        client.get(url)
    actions.assessment_record(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.AssessmentIn(assessed_on=dt.date(2026, 11, 25), domains=levels),
    )
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(url)


def test_every_domain_is_assessed(cast):
    pathway = opened_pathway(cast)
    with pytest.raises(ValidationError):
        actions.assessment_record(
            actor=cast.coordinator,
            pathway=pathway,
            data=inputs.AssessmentIn(
                assessed_on=dt.date(2026, 11, 1), domains={"health": {"level": "low"}}
            ),
        )


@pytest.mark.parametrize(
    ("answers", "score", "label"),
    [
        ("0000000", "0", "absent ou léger"),
        ("1111000", "4", "modéré à sévère"),
        ("1111111", "7", "sévère"),
    ],
)
def test_the_caregiver_burden_is_the_mini_zarit_total(answers, score, label):
    codes = [code for code, _text in ZARIT_QUESTIONS]
    total = scores.zarit_score(dict(zip(codes, answers, strict=True)))
    assert total == Decimal(score)
    assert burden_label(total).endswith(label)


@pytest.mark.parametrize("day", ["2031-01-01", "1990-06-01"])
def test_an_assessment_out_of_time_is_refused_on_its_date(client, cast, day):
    pathway = opened_pathway(cast)
    client.force_login(cast.coordinator)
    url = reverse("pathways:assessment_new", kwargs={"public_id": pathway.public_id})
    response = client.post(url, _form(assessed_on=day))
    assert response.status_code == 400
    assert "au plus tard" in response.content.decode().replace("&#x27;", "'")
    assert not pathway.assessments.exists()
