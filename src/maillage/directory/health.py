"""Maillage's taxonomy of the health and medico-social offer, mapped onto the two national
referentials a partner speaks: data·inclusion's thématiques and publics (the exchange format of
the directory) and FINESS's categories of establishment.

data·inclusion was made for social and professional insertion: of its 16 themes only « Santé »
and a few sub-themes of « Famille » speak of care. A coordinator orients to an SSIAD, an accueil
de jour, a CMP or a DAC; the families and offers below are the words she uses. They are ours
(not a standard's): each offer names

- the data·inclusion sub-themes and publics it stands for, so that a service tagged « SSIAD »
  is found by a search on « Prise en charge d’une personne dépendante » and exported to
  data·inclusion with those themes (`themes_of`, `publics_of`);
- the FINESS categories of establishment whose establishments offer it, so that a FINESS
  extraction tags each establishment (`offers_of_category`), and the reference page says
  which categories each offer covers.

A service is found and exported with its own themes plus those of its offers
(`exchange_themes`), and with its own publics, else its offers' (`exchange_publics`).

FINESS category codes and labels are those of the ANS nomenclature TRE_R66
« CatégorieEtablissement », as listed by the value set JDV_J55 « CategorieEG-ROR »
(version 20260505120000, terminologies de santé 1.12.0, https://mos.esante.gouv.fr/NOS/):
facts of the nomenclature, checked code by code (tests/directory/test_health.py holds the
labels). The 2025 reform of home services renamed SAAD « service autonomie aide » (SAA, 460)
and SPASAD « service autonomie aide et soins » (SAAS, 209): both names are kept as keywords.

Values are slugs `famille--offre`, like data·inclusion's; a family value selects all its offers
in a search (`offer_with_children`). They are stable: a service, an export, a partner's import
keep them; a label may be reworded, a value never changes.
"""

import functools
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

TAXONOMY_ID = "maillage-offre-sante"
"""The name of this taxonomy in exchanges (HSDS taxonomy, FHIR code system, CSV column)."""
TAXONOMY_URI = "https://maillage.fr/referentiels/offre-sante"
TAXONOMY_VERSION = "2026-12"


@dataclass(frozen=True)
class Offer:
    value: str
    label: str
    keywords: tuple[str, ...] = ()  # acronyms and other names, for the search
    themes: tuple[str, ...] = ()  # data·inclusion sub-themes
    publics: tuple[str, ...] = ()  # data·inclusion publics
    finess: tuple[str, ...] = ()  # FINESS categories (TRE_R66 codes)


@dataclass(frozen=True)
class Family:
    value: str
    label: str
    offers: tuple[Offer, ...] = field(default_factory=tuple)


_CARE = "sante--acces-aux-soins"
_DEPENDENT = "famille--prise-en-charge-personne-dependante"
_MDPH = "sante--constituer-un-dossier-mdph-invalidite"
_RIGHTS = "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits"
_CAREGIVERS = "famille--soutien-aidants"
_PARENTS = "famille--soutien-a-la-parentalite-et-a-leducation"
_MENTAL = "sante--sante-mentale"
_SEXUAL = "sante--sante-sexuelle"
_ADDICTIONS = "sante--addictions"
_SHELTER = "logement-hebergement--rechercher-une-solution-dhebergement-temporaire"
_SENIORS = "seniors"
_DISABLED = "personnes-en-situation-de-handicap"
_YOUNG = "jeunes"
_FAMILIES = "familles"
_URGENT = "personnes-en-situation-durgence"


def _offer(family, slug, label, *, keywords=(), themes=(_CARE,), publics=(), finess=()):
    return Offer(
        value=f"{family}--{slug}",
        label=label,
        keywords=tuple(keywords),
        themes=tuple(themes),
        publics=tuple(publics),
        finess=tuple(finess),
    )


def _family(value, label, *offers):
    return Family(
        value=value, label=label, offers=tuple(_offer(value, *o[:2], **o[2]) for o in offers)
    )


FAMILIES: tuple[Family, ...] = (
    _family(
        "premier-recours",
        _("Soins de premier recours"),
        (
            "medecin-traitant",
            _("Médecin traitant, médecine générale"),
            {"keywords": ("médecin généraliste", "généraliste")},
        ),
        (
            "soins-infirmiers",
            _("Soins infirmiers à domicile ou au cabinet (IDE)"),
            {"keywords": ("infirmier", "infirmière", "IDE", "IDEL")},
        ),
        ("kinesitherapie", _("Kinésithérapie"), {"keywords": ("kiné", "masseur-kinésithérapeute")}),
        ("soins-dentaires", _("Soins dentaires"), {"keywords": ("dentiste",)}),
        (
            "pharmacie",
            _("Pharmacie"),
            {"keywords": ("officine", "pharmacien"), "finess": ("620", "627", "629", "641")},
        ),
        ("centre-de-sante", _("Centre de santé"), {"keywords": ("CDS",), "finess": ("124", "439")}),
        (
            "maison-de-sante",
            _("Maison de santé pluriprofessionnelle (MSP)"),
            {"keywords": ("MSP", "maison de santé"), "finess": ("603",)},
        ),
        (
            "soins-non-programmes",
            _("Soins non programmés"),
            {"keywords": ("SNP", "sans rendez-vous", "SAS"), "finess": ("617", "618", "648")},
        ),
        (
            "biologie",
            _("Laboratoire de biologie médicale"),
            {"keywords": ("LBM", "analyses", "prise de sang"), "finess": ("610", "611", "612")},
        ),
    ),
    _family(
        "domicile",
        _("Soins et aide à domicile"),
        (
            "ssiad",
            _("Service de soins infirmiers à domicile (SSIAD)"),
            {
                "keywords": ("SSIAD",),
                "themes": (_DEPENDENT, _CARE),
                "publics": (_SENIORS, _DISABLED),
                "finess": ("354",),
            },
        ),
        (
            "saad",
            _("Aide à domicile (SAAD, service autonomie aide)"),
            {
                "keywords": ("SAAD", "SAA", "aide à domicile", "auxiliaire de vie"),
                "themes": (_DEPENDENT, "equipement-et-alimentation--aide-menagere"),
                "publics": (_SENIORS, _DISABLED),
                "finess": ("460",),
            },
        ),
        (
            "spasad",
            _("Aide et soins à domicile (SPASAD, service autonomie aide et soins)"),
            {
                "keywords": ("SPASAD", "SAAS"),
                "themes": (_DEPENDENT, _CARE),
                "publics": (_SENIORS, _DISABLED),
                "finess": ("209",),
            },
        ),
        ("had", _("Hospitalisation à domicile (HAD)"), {"keywords": ("HAD",), "finess": ("127",)}),
        (
            "esa",
            _("Équipe spécialisée Alzheimer à domicile (ESA)"),
            {
                "keywords": ("ESA", "Alzheimer", "maladie neuro-évolutive"),
                "themes": (_DEPENDENT, _CARE),
                "publics": (_SENIORS,),
            },
        ),
        (
            "aide-aux-familles",
            _("Aide et accompagnement à domicile des familles (SAADF)"),
            {
                "keywords": ("SAADF", "TISF"),
                "themes": (_PARENTS,),
                "publics": (_FAMILIES,),
                "finess": ("640",),
            },
        ),
    ),
    _family(
        "personnes-agees",
        _("Accueil et hébergement des personnes âgées"),
        (
            "ehpad",
            _("Établissement d’hébergement pour personnes âgées dépendantes (EHPAD)"),
            {
                "keywords": ("EHPAD", "maison de retraite"),
                "themes": (_DEPENDENT,),
                "publics": (_SENIORS,),
                "finess": ("500",),
            },
        ),
        (
            "residence-autonomie",
            _("Résidence autonomie, EHPA"),
            {
                "keywords": ("EHPA", "foyer-logement"),
                "themes": (_DEPENDENT,),
                "publics": (_SENIORS,),
                "finess": ("202", "501", "502"),
            },
        ),
        (
            "accueil-de-jour",
            _("Accueil de jour"),
            {
                "keywords": ("accueil de jour",),
                "themes": (_DEPENDENT, _CAREGIVERS),
                "publics": (_SENIORS,),
                "finess": ("207",),
            },
        ),
        (
            "hebergement-temporaire",
            _("Hébergement temporaire"),
            {
                "keywords": ("séjour temporaire",),
                "themes": (_DEPENDENT, _CAREGIVERS),
                "publics": (_SENIORS,),
            },
        ),
        (
            "usld",
            _("Unité de soins de longue durée (USLD)"),
            {
                "keywords": ("USLD", "long séjour"),
                "themes": (_DEPENDENT, _CARE),
                "publics": (_SENIORS,),
                "finess": ("362",),
            },
        ),
    ),
    _family(
        "handicap",
        _("Accompagnement des personnes handicapées"),
        (
            "mdph",
            _("Maison départementale des personnes handicapées (MDPH)"),
            {
                "keywords": ("MDPH", "MDA", "maison de l'autonomie"),
                "themes": (_MDPH, _RIGHTS),
                "publics": (_DISABLED,),
                "finess": ("609",),
            },
        ),
        (
            "camsp",
            _("Action médico-sociale précoce (CAMSP)"),
            {
                "keywords": ("CAMSP",),
                "themes": (_CARE, _PARENTS),
                "publics": (_DISABLED, _FAMILIES),
                "finess": ("190",),
            },
        ),
        (
            "sessad",
            _("Éducation spéciale et soins à domicile (SESSAD)"),
            {
                "keywords": ("SESSAD",),
                "themes": (_DEPENDENT,),
                "publics": (_DISABLED, _YOUNG),
                "finess": ("182",),
            },
        ),
        (
            "etablissement-enfants",
            _("Établissement pour enfants handicapés (IME, ITEP, IEM…)"),
            {
                "keywords": ("IME", "ITEP", "IEM", "EEAP", "polyhandicap"),
                "themes": (_DEPENDENT,),
                "publics": (_DISABLED, _YOUNG),
                "finess": ("183", "186", "188", "192", "194", "195", "196", "377", "390", "396"),
            },
        ),
        (
            "mas-fam",
            _("Maison d’accueil spécialisée, foyer d’accueil médicalisé (MAS, FAM)"),
            {
                "keywords": ("MAS", "FAM", "EAM"),
                "themes": (_DEPENDENT,),
                "publics": (_DISABLED,),
                "finess": ("255", "437", "448"),
            },
        ),
        (
            "foyer",
            _("Foyer de vie ou d’hébergement pour adultes handicapés"),
            {
                "keywords": ("foyer de vie", "foyer occupationnel", "EANM"),
                "themes": (_DEPENDENT,),
                "publics": (_DISABLED,),
                "finess": ("252", "253", "382", "395", "449"),
            },
        ),
        (
            "samsah-savs",
            _("Accompagnement à la vie sociale (SAVS, SAMSAH)"),
            {
                "keywords": ("SAVS", "SAMSAH"),
                "themes": (_DEPENDENT,),
                "publics": (_DISABLED,),
                "finess": ("445", "446"),
            },
        ),
        (
            "esat",
            _("Travail protégé (ESAT)"),
            {
                "keywords": ("ESAT", "entreprise adaptée"),
                "themes": ("trouver-un-emploi--maintien-dans-lemploi",),
                "publics": (_DISABLED,),
                "finess": ("246", "247"),
            },
        ),
    ),
    _family(
        "sante-mentale",
        _("Santé mentale et psychiatrie"),
        (
            "cmp",
            _("Centre médico-psychologique (CMP)"),
            {
                "keywords": ("CMP", "psychiatre", "psychologue"),
                "themes": (_MENTAL,),
                "finess": ("156",),
            },
        ),
        (
            "cmpp",
            _("Centre médico-psycho-pédagogique (CMPP)"),
            {
                "keywords": ("CMPP",),
                "themes": (_MENTAL,),
                "publics": (_YOUNG, _FAMILIES),
                "finess": ("189",),
            },
        ),
        (
            "cattp",
            _("Accueil thérapeutique à temps partiel (CATTP)"),
            {"keywords": ("CATTP", "hôpital de jour"), "themes": (_MENTAL,), "finess": ("425",)},
        ),
        (
            "etablissement-psychiatrique",
            _("Établissement de santé mentale"),
            {
                "keywords": ("CHS", "psychiatrie", "post-cure"),
                "themes": (_MENTAL,),
                "finess": ("161", "292", "412", "430"),
            },
        ),
        (
            "equipe-mobile-psychiatrie",
            _("Équipe mobile psychiatrie précarité (EMPP)"),
            {"keywords": ("EMPP", "aller-vers"), "themes": (_MENTAL,), "publics": (_URGENT,)},
        ),
        (
            "gem",
            _("Groupe d’entraide mutuelle (GEM)"),
            {
                "keywords": ("GEM", "pair-aidance", "entraide"),
                "themes": (_MENTAL, "remobilisation--lien-social"),
                "finess": ("705",),
            },
        ),
        (
            "ecoute-jeunes",
            _("Écoute et accueil des jeunes (MDA, PAEJ, BAPU)"),
            {
                "keywords": (
                    "MDA",
                    "PAEJ",
                    "BAPU",
                    "maison des adolescents",
                    "espace santé jeunes",
                ),
                "themes": (_MENTAL,),
                "publics": (_YOUNG,),
                "finess": ("221", "701", "702", "703"),
            },
        ),
    ),
    _family(
        "addictions",
        _("Addictologie et réduction des risques"),
        (
            "csapa",
            _("Soins, accompagnement et prévention en addictologie (CSAPA)"),
            {
                "keywords": ("CSAPA", "alcool", "drogues", "tabac", "CJC"),
                "themes": (_ADDICTIONS,),
                "finess": ("197",),
            },
        ),
        (
            "caarud",
            _("Réduction des risques pour usagers de drogues (CAARUD)"),
            {
                "keywords": ("CAARUD", "RdR"),
                "themes": (_ADDICTIONS,),
                "publics": (_URGENT,),
                "finess": ("178",),
            },
        ),
    ),
    _family(
        "perinatalite-sante-sexuelle",
        _("Périnatalité, enfance et santé sexuelle"),
        (
            "pmi",
            _("Protection maternelle et infantile (PMI)"),
            {
                "keywords": ("PMI", "puéricultrice", "consultation prénatale"),
                "themes": (_PARENTS,),
                "publics": (_FAMILIES,),
                "finess": ("223", "224", "230"),
            },
        ),
        (
            "sage-femme",
            _("Suivi par une sage-femme, maison de naissance"),
            {
                "keywords": ("sage-femme", "grossesse"),
                "themes": (_CARE, _PARENTS),
                "publics": ("femmes",),
                "finess": ("631",),
            },
        ),
        (
            "sante-sexuelle",
            _("Centre de santé sexuelle (ex-planning familial)"),
            {
                "keywords": ("planning familial", "CPEF", "contraception", "IVG", "EVARS"),
                "themes": (_SEXUAL,),
                "finess": ("228", "231", "649"),
            },
        ),
        (
            "cegidd",
            _("Dépistage du VIH, des hépatites et des IST (CeGIDD)"),
            {
                "keywords": ("CeGIDD", "VIH", "IST", "dépistage"),
                "themes": (_SEXUAL,),
                "finess": ("638",),
            },
        ),
    ),
    _family(
        "etablissements-de-sante",
        _("Hôpitaux et soins spécialisés"),
        (
            "centre-hospitalier",
            _("Centre hospitalier"),
            {
                "keywords": ("hôpital", "CHU", "CHR", "urgences"),
                "finess": ("101", "106", "114", "115", "355"),
            },
        ),
        (
            "clinique",
            _("Clinique, établissement de soins"),
            {"keywords": ("clinique",), "finess": ("122", "128", "129", "365")},
        ),
        (
            "smr",
            _("Soins médicaux et de réadaptation (SMR, ex-SSR)"),
            {"keywords": ("SMR", "SSR", "rééducation", "convalescence"), "finess": ("109",)},
        ),
        (
            "cancer",
            _("Cancérologie"),
            {"keywords": ("cancer", "oncologie", "CLCC"), "finess": ("131", "294")},
        ),
        (
            "dialyse",
            _("Dialyse"),
            {"keywords": ("dialyse", "insuffisance rénale"), "finess": ("141", "146")},
        ),
    ),
    _family(
        "soins-palliatifs",
        _("Soins palliatifs et fin de vie"),
        (
            "equipe-mobile",
            _("Équipe mobile de soins palliatifs (EMSP)"),
            {"keywords": ("EMSP", "soins palliatifs"), "themes": (_CARE,)},
        ),
        (
            "unite",
            _("Unité ou lits de soins palliatifs (USP, LISP)"),
            {"keywords": ("USP", "LISP", "fin de vie"), "themes": (_CARE,)},
        ),
        (
            "accompagnement",
            _("Accompagnement bénévole en fin de vie et deuil"),
            {"keywords": ("bénévoles d'accompagnement", "deuil"), "themes": (_CARE, _CAREGIVERS)},
        ),
    ),
    _family(
        "coordination",
        _("Coordination et appui aux parcours"),
        (
            "dac",
            _("Dispositif d’appui à la coordination (DAC)"),
            {
                "keywords": ("DAC", "PTA", "MAIA", "parcours complexe"),
                "themes": (_CARE, _DEPENDENT),
                "finess": ("606",),
            },
        ),
        (
            "cpts",
            _("Communauté professionnelle territoriale de santé (CPTS)"),
            {"keywords": ("CPTS",), "finess": ("604",)},
        ),
        (
            "clic",
            _("Centre local d’information et de coordination (CLIC)"),
            {
                "keywords": ("CLIC", "point info seniors"),
                "themes": (_DEPENDENT, _RIGHTS),
                "publics": (_SENIORS,),
                "finess": ("463",),
            },
        ),
        (
            "equipe-mobile-geriatrie",
            _("Équipe mobile de gériatrie"),
            {
                "keywords": ("EMG", "gériatrie"),
                "themes": (_CARE, _DEPENDENT),
                "publics": (_SENIORS,),
            },
        ),
    ),
    _family(
        "aidants",
        _("Soutien aux aidants et répit"),
        (
            "plateforme-repit",
            _("Plateforme d’accompagnement et de répit"),
            {"keywords": ("répit", "PFR", "halte répit", "relayage"), "themes": (_CAREGIVERS,)},
        ),
        (
            "formation-groupes",
            _("Formation et groupes de parole des aidants"),
            {"keywords": ("café des aidants", "groupe de parole"), "themes": (_CAREGIVERS,)},
        ),
    ),
    _family(
        "precarite",
        _("Santé des personnes en précarité"),
        (
            "pass",
            _("Permanence d’accès aux soins de santé (PASS)"),
            {
                "keywords": ("PASS", "sans couverture", "AME"),
                "themes": (_CARE, _RIGHTS),
                "publics": (_URGENT, "personnes-exilees"),
            },
        ),
        (
            "lhss-lam",
            _("Lits halte soins santé, lits d’accueil médicalisés (LHSS, LAM)"),
            {
                "keywords": ("LHSS", "LAM", "sans domicile"),
                "themes": (_CARE, _SHELTER),
                "publics": (_URGENT,),
                "finess": ("180", "213"),
            },
        ),
        (
            "act",
            _("Appartement de coordination thérapeutique (ACT)"),
            {"keywords": ("ACT",), "themes": (_CARE, _SHELTER), "finess": ("165",)},
        ),
        (
            "equipe-mobile",
            _("Équipe mobile médico-sociale précarité (EMMSP)"),
            {
                "keywords": ("EMMSP", "aller-vers", "maraude"),
                "themes": (_CARE,),
                "publics": (_URGENT,),
                "finess": ("608",),
            },
        ),
        (
            "mediation",
            _("Médiation en santé"),
            {
                "keywords": ("médiateur santé", "médiatrice", "interprétariat"),
                "themes": (_CARE, _RIGHTS),
            },
        ),
    ),
    _family(
        "prevention",
        _("Prévention, dépistage et vaccination"),
        (
            "vaccination",
            _("Vaccination"),
            {"keywords": ("vaccin",), "finess": ("143", "645", "646")},
        ),
        (
            "examens-de-sante",
            _("Centre d’examens de santé (bilan de santé)"),
            {"keywords": ("bilan de santé", "CES"), "finess": ("347",)},
        ),
        (
            "tuberculose",
            _("Lutte contre la tuberculose (CLAT)"),
            {"keywords": ("CLAT", "tuberculose"), "finess": ("142", "637")},
        ),
        (
            "sport-sante",
            _("Maison sport-santé, activité physique adaptée"),
            {
                "keywords": ("sport sur ordonnance", "APA"),
                "themes": (_CARE, "remobilisation--activites-sportives-et-culturelles"),
                "finess": ("700",),
            },
        ),
    ),
)

OFFERS: dict[str, Offer] = {o.value: o for f in FAMILIES for o in f.offers}
"""Every offer by its value."""
FAMILY_OF: dict[str, Family] = {o.value: f for f in FAMILIES for o in f.offers}
FAMILY_VALUES: dict[str, Family] = {f.value: f for f in FAMILIES}


def choices() -> list[tuple[str, str]]:
    """(value, label) of the families and their offers, families first of their group."""
    return [(v, label) for v, label in _pairs()]


def _pairs():
    for family in FAMILIES:
        yield family.value, family.label
        for offer in family.offers:
            yield offer.value, offer.label


def label(value: str) -> str:
    if value in OFFERS:
        return str(OFFERS[value].label)
    if value in FAMILY_VALUES:
        return str(FAMILY_VALUES[value].label)
    return value


def offer_with_children(value: str) -> set[str]:
    """The offers a selection of `value` stands for: a family selects all its offers.
    Raises ValueError for a value of neither."""
    if value in FAMILY_VALUES:
        return {o.value for o in FAMILY_VALUES[value].offers}
    if value in OFFERS:
        return {value}
    raise ValueError(f"offre de santé inconnue : {value!r}")


def themes_of(offers) -> list[str]:
    """The data·inclusion sub-themes these offers stand for, in a stable order."""
    return sorted({t for value in offers if value in OFFERS for t in OFFERS[value].themes})


def exchange_themes(thematiques, offers) -> list[str]:
    """A service's data·inclusion sub-themes with those its offers stand for: what it is
    found by, exported with, oriented for."""
    return list(dict.fromkeys([*thematiques, *themes_of(offers)]))


def exchange_publics(publics, offers) -> list[str]:
    """A service's publics as searched and exported: its own, else those of its offers (an
    editor's choice is never widened nor narrowed by the offers)."""
    return list(publics) if publics else publics_of(offers)


def publics_of(offers) -> list[str]:
    return sorted({p for value in offers if value in OFFERS for p in OFFERS[value].publics})


@functools.cache
def _by_category() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for offer in OFFERS.values():
        for code in offer.finess:
            found.setdefault(code, []).append(offer.value)
    return {code: tuple(values) for code, values in found.items()}


def offers_of_category(code: str) -> list[str]:
    """The offers of an establishment of this FINESS category ([] for a category the
    taxonomy does not cover: a school, a judicial service)."""
    return list(_by_category().get((code or "").strip(), ()))


def categories_of(offers) -> list[str]:
    return sorted({c for value in offers if value in OFFERS for c in OFFERS[value].finess})


def search_words(value: str) -> str:
    """What a search finds an offer by: its label, its family's, its keywords."""
    offer = OFFERS[value]
    return " ".join([str(offer.label), str(FAMILY_OF[value].label), *offer.keywords])


# The FINESS categories the taxonomy names, with their labels in the nomenclature TRE_R66
# (value set JDV_J55 « CategorieEG-ROR », version 20260505120000): shown beside each offer on
# the reference page and checked against every offer's codes (tests/directory/test_health.py).
FINESS_CATEGORIES = {
    "101": "Centre hospitalier régional (CHR)",
    "106": "Centre hospitalier (ex Hôpital local)",
    "109": "Etablissement de santé privé autorisé en soins de suite et de réadaptation (SSR)",
    "114": "Hôpital des armées",
    "115": "Etablissement de soins du Service de santé des armées (SSA)",
    "122": "Etablissement de soins obstétriques et chirurgico-gynécologiques",
    "124": "Centre de santé",
    "127": "Hospitalisation à domicile (HAD)",
    "128": "Etablissement de soins chirurgicaux",
    "129": "Etablissement de soins médicaux",
    "131": "Centre de lutte contre cancer",
    "141": "Centre de dialyse",
    "142": "Dispensaire antituberculeux",
    "143": "Centre de vaccination BCG",
    "146": "Structure d'alternative à la dialyse en centre",
    "156": "Centre médico-psychologique (CMP)",
    "161": "Maison de santé pour maladies mentales",
    "165": "Appartement de coordination thérapeutique (ACT)",
    "178": "Centre d'accueil et d'accompagnement à la réduction des risques pour usagers de "
    "drogues (CAARUD)",
    "180": "Lits halte soins santé (LHSS)",
    "182": "Service d'éducation spéciale et de soins à domicile (SESSAD)",
    "183": "Institut médico-éducatif (IME)",
    "186": "Institut thérapeutique éducatif et pédagogique (ITEP)",
    "188": "Etablissement pour enfants ou adolescents polyhandicapés",
    "189": "Centre médico-psycho-pédagogique (CMPP)",
    "190": "Centre action médico-sociale précoce (CAMSP)",
    "192": "Institut d'éducation motrice",
    "194": "Institut pour déficients visuels",
    "195": "Institut pour déficients auditifs",
    "196": "Institut d'éducation sensorielle sourd-aveugle",
    "197": "Centre de soins d'accompagnement et de prévention en addictologie (CSAPA)",
    "202": "Résidences autonomie",
    "207": "Centre de jour pour personnes âgées",
    "209": "Service autonomie aide et soins (SAAS)",
    "213": "Lits d'accueil médicalisés (L.A.M.)",
    "221": "Bureau d'aide psychologique universitaire (BAPU)",
    "223": "Protection maternelle et infantile (PMI)",
    "224": "Etablissement de consultation pré et post-natale",
    "228": "Centre de santé sexuelle",
    "230": "Etablissement consultation protection infantile",
    "231": "Espaces de vie affective, relationnelle et sexuelle (EVARS)",
    "246": "Etablissement et service d'aide par le travail (ESAT)",
    "247": "Entreprise adaptée",
    "252": "Foyer d'hébergement d'adultes handicapés",
    "253": "Foyer d'accueil polyvalent pour adultes handicapés",
    "255": "Maison d'accueil spécialisée (MAS)",
    "292": "Centre hospitalier spécialisé de lutte contre les maladies mentales",
    "294": "Centre de consultations cancer",
    "347": "Centre d'examens de santé",
    "354": "Service de soins infirmiers à domicile (SSIAD)",
    "355": "Centre hospitalier (CH)",
    "362": "Etablissement de soins longue durée",
    "365": "Etablissement de soins pluridisciplinaire",
    "377": "Etablissement expérimental pour enfance handicapée",
    "382": "Foyer de vie pour adultes handicapés",
    "390": "Etablissement d'accueil temporaire d'enfants handicapés",
    "395": "Etablissement d'accueil temporaire pour adultes handicapés",
    "396": "Foyer d'hébergement pour enfants et adolescents handicapés",
    "412": "Appartement thérapeutique",
    "425": "Centre d'accueil thérapeutique à temps partiel (CATTP)",
    "430": "Centre postcure pour malades mentaux",
    "437": "Foyer d'accueil médicalisé pour adultes handicapés (FAM)",
    "439": "Centre de santé polyvalent",
    "445": "Service d'accompagnement médico-social pour adultes handicapés",
    "446": "Service d'accompagnement à la vie sociale (SAVS)",
    "448": "Etablissement d'Accueil Médicalisé en tout ou partie personnes handicapées",
    "449": "Etablissement d'Accueil Non Médicalisé pour personnes handicapées",
    "460": "Service autonomie aide (SAA)",
    "463": "Centre local d'information et de coordination de personnes âgées",
    "500": "Etablissement d'hébergement pour personnes âgées dépendantes",
    "501": "EHPA percevant des crédits d'assurance maladie",
    "502": "EHPA ne percevant pas des crédits d'assurance maladie",
    "603": "Maison de santé (L6223-3)",
    "604": "Communauté Professionnelle Territoriale de Santé (CPTS)",
    "606": "Dispositif d'appui à la coordination (DAC)",
    "608": "Equipe mobile médico-sociale précarité (EMMSP)",
    "609": "Maison Départementale pour Personnes Handicapées (MDPH)",
    "610": "Laboratoire d'analyses",
    "611": "Laboratoire de biologie médicale (LBM)",
    "612": "Autre laboratoire de biologie médicale sans FSE",
    "617": "Lieu de soins non programmés",
    "618": "Autre structure de soins non programmés (SNP)",
    "620": "Pharmacie d'officine",
    "627": "Propharmacie",
    "629": "Pharmacie mutualiste",
    "631": "Maisons de naissance",
    "637": "Centre de Lutte Antituberculeuse (CLAT)",
    "638": "Centre gratuit d'information de dépistage et de diagnostic (CeGIDD)",
    "640": "Service d'aide et d'accompagnement à domicile aux familles (SAADF)",
    "641": "Antenne de Pharmacie d'officine",
    "645": "Centre de Vaccination",
    "646": "Centre de Vaccination Internationale",
    "648": "Structure qui contribue au Service d'Accès aux Soins",
    "649": "Centre de santé et de médiation en santé sexuelle",
    "700": "Maison sport-santé",
    "701": "Maison des adolescents (MDA)",
    "702": "Point Accueil Ecoute Jeunes (PAEJ)",
    "703": "Espace Santé Jeunes (ESJ)",
    "705": "Groupe d’Entraide Mutuelle (GEM)",
}
