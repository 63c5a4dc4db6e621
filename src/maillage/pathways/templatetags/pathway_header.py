"""The header of every pathway page: who the person is (name, age, commune), how to reach
her, her GP, her referent, and whether she is in hospital now — without going back to the
pathway's first page."""

from django import template
from django.utils import timezone

from maillage.pathways import queries

register = template.Library()


def age_on(birth, today) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


@register.inclusion_tag("pathways/_header.html")
def pathway_header(pathway):
    person = pathway.person
    stay = queries.current_stay(pathway)
    gp = queries.circle_gp(pathway.pk)
    return {
        "pathway": pathway,
        "person": person,
        "age": age_on(person.birth_date, timezone.localdate()),
        "gp": gp.user.full_name if gp else person.gp_name,
        "stay": stay,
    }
