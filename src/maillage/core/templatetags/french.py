"""French in the pages: a place name after « de », with its elision and its article
(« d'Aizenay », « du Poiré-sur-Vie », « des Herbiers », « de La Roche-sur-Yon »)."""

from django import template
from django.utils.translation import get_language

register = template.Library()

_ELIDING = set("aeiouyàâäéèêëîïôöùûüœh")


def of_place(name: str) -> str:
    """« de » and the name, as French writes it: elided before a vowel or a mute h, « du »
    and « des » for the articles « Le » and « Les » (« La » stays)."""
    name = name.strip()
    if not name:
        return name
    lowered = name.lower()
    if lowered.startswith("les "):
        return f"des {name[4:]}"
    if lowered.startswith("le "):
        return f"du {name[3:]}"
    if lowered[0] in _ELIDING:
        return f"d'{name}"
    return f"de {name}"  # « de La Roche-sur-Yon », « de L'Île-d'Yeu »


@register.filter
def de_lieu(name) -> str:
    """In French, « de » + the name (of_place); in another language, the name alone: the
    translation writes its own preposition (« autour {{ name }} » → « around {{ name }} »)."""
    name = str(name or "")
    return of_place(name) if (get_language() or "fr").startswith("fr") else name
