"""The AGGIR grid: from the ten discriminating variables (each A, B or C) to the GIR, 1 (most
dependent) to 6, following the algorithm of annex 2-2 of the Code de l'action sociale et des
familles (first published with décret n° 97-427 of 28 April 1997, annex II; some online
transcriptions of that decree shift the rows of group F — the code's annex is the reference).

Eight groups of weights are tried in turn; each gives a sum of the weights of the person's
B and C modalities (A weighs nothing). The first group whose sum reaches one of its
thresholds gives a rank, 1 to 13; ranks map to GIR. Moving outside and "alerter" (remote
communication) weigh 0 in every group: they are assessed but never change the GIR.

Some variables are assessed through sub-variables (the national guide's rules are in
`combine`).
"""

from __future__ import annotations

from dataclasses import dataclass

VARIABLES = (
    "coherence",
    "orientation",
    "toilette",
    "habillage",
    "alimentation",
    "elimination",
    "transferts",
    "deplacement_interieur",
    "deplacement_exterieur",
    "alerter",
)
LABELS = {
    "coherence": "Cohérence",
    "orientation": "Orientation",
    "toilette": "Toilette",
    "habillage": "Habillage",
    "alimentation": "Alimentation",
    "elimination": "Élimination",
    "transferts": "Transferts",
    "deplacement_interieur": "Déplacements à l'intérieur",
    "deplacement_exterieur": "Déplacements à l'extérieur",
    "alerter": "Alerter (communication à distance)",
}

# Per group: the weight of C then of B for each variable, in VARIABLES order (the annex's
# tables), then the thresholds as (minimum sum, rank), highest first.
_GROUPS: tuple[tuple[str, tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]], ...] = (
    (
        "A",
        (
            (2000, 0),
            (1200, 0),
            (40, 16),
            (40, 16),
            (60, 20),
            (100, 16),
            (800, 120),
            (200, 32),
            (0, 0),
            (0, 0),
        ),
        ((4380, 1), (4140, 2), (3390, 3)),
    ),
    (
        "B",
        (
            (1500, 320),
            (1200, 120),
            (40, 16),
            (40, 16),
            (60, 0),
            (100, 16),
            (800, 120),
            (-80, -40),
            (0, 0),
            (0, 0),
        ),
        ((2016, 4),),
    ),
    (
        "C",
        (
            (0, 0),
            (0, 0),
            (40, 16),
            (40, 16),
            (60, 20),
            (160, 20),
            (1000, 200),
            (400, 40),
            (0, 0),
            (0, 0),
        ),
        ((1700, 5), (1432, 6)),
    ),
    (
        "D",
        (
            (0, 0),
            (0, 0),
            (0, 0),
            (0, 0),
            (2000, 200),
            (400, 200),
            (2000, 200),
            (200, 0),
            (0, 0),
            (0, 0),
        ),
        ((2400, 7),),
    ),
    (
        "E",
        (
            (400, 0),
            (400, 0),
            (400, 100),
            (400, 100),
            (400, 100),
            (800, 100),
            (800, 100),
            (200, 0),
            (0, 0),
            (0, 0),
        ),
        ((1200, 8),),
    ),
    (
        "F",
        (
            (200, 100),
            (200, 100),
            (500, 100),
            (500, 100),
            (500, 100),
            (500, 100),
            (500, 100),
            (200, 0),
            (0, 0),
            (0, 0),
        ),
        ((800, 9),),
    ),
    (
        "G",
        (
            (150, 0),
            (150, 0),
            (300, 200),
            (300, 200),
            (500, 200),
            (500, 200),
            (400, 200),
            (200, 100),
            (0, 0),
            (0, 0),
        ),
        ((650, 10),),
    ),
    (
        "H",
        (
            (0, 0),
            (0, 0),
            (3000, 2000),
            (3000, 2000),
            (3000, 2000),
            (3000, 2000),
            (1000, 2000),
            (1000, 1000),
            (0, 0),
            (0, 0),
        ),
        ((4000, 11), (2000, 12), (-(10**9), 13)),
    ),
)
RANK_TO_GIR = {1: 1, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 8: 3, 9: 3, 10: 4, 11: 4, 12: 5, 13: 6}


class AggirError(ValueError):
    pass


@dataclass(frozen=True)
class Result:
    gir: int
    rank: int
    group: str  # the group of weights that decided
    total: int  # that group's sum


def gir(modalities: dict[str, str]) -> Result:
    """The GIR of ten modalities {variable: "A" | "B" | "C"} (every variable required)."""
    missing = [v for v in VARIABLES if v not in modalities]
    if missing:
        raise AggirError(f"variables manquantes : {', '.join(missing)}")
    values = [str(modalities[v]).upper() for v in VARIABLES]
    if any(value not in ("A", "B", "C") for value in values):
        raise AggirError("chaque variable vaut A, B ou C")
    for name, weights, thresholds in _GROUPS:
        total = 0
        for value, (weight_c, weight_b) in zip(values, weights, strict=True):
            total += weight_c if value == "C" else weight_b if value == "B" else 0
        for minimum, rank in thresholds:
            if total >= minimum:
                return Result(gir=RANK_TO_GIR[rank], rank=rank, group=name, total=total)
    raise AssertionError("group H always decides")  # its last threshold takes any sum


def combine(variable: str, subs: list[str]) -> str:
    """A variable's modality from its sub-variables, by the national guide's rules:
    coherence (communication, behaviour), orientation (time, space) and elimination
    (urinary, faecal): all A gives A, any C gives C, otherwise B; toilette (upper, lower)
    and habillage (upper, middle, lower): all A gives A, all C gives C, otherwise B;
    alimentation (serving oneself, eating): AA gives A, CC, BC and CB give C, otherwise B."""
    subs = [s.upper() for s in subs]
    if any(s not in ("A", "B", "C") for s in subs) or not subs:
        raise AggirError("chaque sous-variable vaut A, B ou C")
    if all(s == "A" for s in subs):
        return "A"
    if variable in ("coherence", "orientation", "elimination"):
        return "C" if "C" in subs else "B"
    if variable in ("toilette", "habillage"):
        return "C" if all(s == "C" for s in subs) else "B"
    if variable == "alimentation":
        return "C" if "C" in subs and "A" not in subs else "B"
    raise AggirError(f"{variable} n'a pas de sous-variables")
