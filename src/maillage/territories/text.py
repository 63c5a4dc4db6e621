"""Place-name normalisation shared by the data-pack builder and the commune search.

Standard library only: scripts/build_territory_pack.py imports it without Django.
"""

import re
import unicodedata

# NFKD leaves these ligatures whole; GeoNames and users often spell them out ("Paimboeuf").
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
_NON_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def normalise_name(name: str) -> str:
    """Reduce a place name to a key that ignores case, accents, punctuation and St/Ste."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = stripped.casefold().translate(_LIGATURES)
    words = _NON_ALPHANUMERIC.sub(" ", folded).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)
