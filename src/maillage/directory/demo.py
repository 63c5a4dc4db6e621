"""A small, plausible directory for the demo territory (Pays Yon et Vie). Idempotent."""

import random

from django.db import transaction

from maillage.accounts.models import Organisation
from maillage.directory import duplicates, search_index
from maillage.directory.models import Service, Structure

SOURCE = "demo"

# (structure id, name, commune, address, phone, hours, [services])
# service: (id, name, description, themes, publics, fees, extra fields)
DIRECTORY = [
    (
        "msp-rives",
        "Maison de santé pluriprofessionnelle de Rives de l'Yon",
        "85213",
        "2 rue de la Mairie",
        "02 51 00 10 10",
        "Mo-Fr 08:00-19:30; Sa 08:30-12:00; PH off",
        [
            (
                "msp-mg",
                "Consultations de médecine générale",
                "Médecins généralistes, avec ou sans rendez-vous le matin. Tiers payant.",
                ["sante--acces-aux-soins"],
                ["tous-publics"],
                "payant",
                {
                    "third_party_payment": True,
                    "reduced_mobility_access": True,
                    "fee_sectors": ["secteur-1"],
                    "professions": ["médecin généraliste"],
                },
            ),
            (
                "msp-ide",
                "Soins infirmiers à domicile et au cabinet",
                "Infirmières diplômées d'État : soins, pansements, suivi des traitements.",
                ["sante--acces-aux-soins"],
                ["tous-publics"],
                "payant",
                {"third_party_payment": True, "professions": ["infirmier"]},
            ),
        ],
    ),
    (
        "chd-pass",
        "CHD Vendée — Permanence d'accès aux soins de santé",
        "85191",
        "Les Oudairies, boulevard Stéphane Moreau",
        "02 51 44 61 61",
        "Mo-Fr 09:00-12:30,13:30-17:00",
        [
            (
                "pass",
                "Permanence d'accès aux soins de santé (PASS)",
                "Consultations médicales et accompagnement social pour les personnes sans "
                "couverture maladie ou en difficulté d'accès aux droits.",
                [
                    "sante--acces-aux-soins",
                    "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
                ],
                ["personnes-en-situation-durgence", "personnes-exilees"],
                "gratuit",
                {
                    "unconditional_welcome": True,
                    "interpreting": True,
                    "languages": ["fr", "en", "ar"],
                    "no_appointment": True,
                },
            ),
        ],
    ),
    (
        "cmp-yon",
        "Centre médico-psychologique adultes de La Roche-sur-Yon",
        "85191",
        "45 rue du Maréchal Joffre",
        "02 51 09 70 00",
        "Mo-Fr 09:00-17:30; PH off",
        [
            (
                "cmp",
                "Consultations en santé mentale (CMP)",
                "Psychiatres, psychologues et infirmiers : premier accueil, suivi, orientation.",
                ["sante--sante-mentale"],
                ["tous-publics"],
                "gratuit",
                {"reduced_mobility_access": True},
            ),
        ],
    ),
    (
        "csapa",
        "CSAPA Vendée — antenne de La Roche-sur-Yon",
        "85191",
        "16 rue Lafayette",
        "02 51 36 15 00",
        "Mo-Fr 09:00-12:30,13:30-18:00",
        [
            (
                "csapa-consult",
                "Consultations addictologie",
                "Accompagnement des personnes en difficulté avec l'alcool, le tabac, le cannabis "
                "ou les jeux, et de leur entourage. Anonyme et gratuit.",
                ["sante--addictions"],
                ["tous-publics"],
                "gratuit",
                {"anonymous": True, "no_appointment": False},
            ),
            (
                "cjc",
                "Consultation jeunes consommateurs",
                "Pour les jeunes qui s'interrogent sur leurs consommations, et leurs parents.",
                ["sante--addictions"],
                ["jeunes", "familles"],
                "gratuit",
                {"anonymous": True},
            ),
        ],
    ),
    (
        "ccas-yon",
        "CCAS de La Roche-sur-Yon",
        "85191",
        "10 place Napoléon",
        "02 51 47 47 47",
        "Mo-Fr 08:30-12:30,13:30-17:30",
        [
            (
                "ccas-aide",
                "Aide sociale et accès aux droits",
                "Accueil, domiciliation, aides facultatives, instruction des demandes "
                "d'aide sociale.",
                [
                    "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-"
                    "administratives"
                ],
                ["tous-publics"],
                "gratuit",
                {"unconditional_welcome": True},
            ),
        ],
    ),
    (
        "aidants",
        "Plateforme d'accompagnement et de répit des aidants",
        "85191",
        "5 rue Sadi Carnot",
        "02 51 24 00 00",
        "Mo-Fr 09:00-17:00",
        [
            (
                "repit",
                "Soutien et répit pour les aidants",
                "Écoute, groupes de parole, solutions de répit pour les proches aidants.",
                ["famille--soutien-aidants"],
                ["tous-publics"],
                "gratuit",
                {"peer_workers": True},
            ),
        ],
    ),
    (
        "ecoute",
        "Écoute santé mentale — ligne départementale",
        "85191",
        "",
        "02 51 00 00 99",
        "Mo-Su 08:00-22:00",
        [
            (
                "ecoute-tel",
                "Écoute téléphonique en santé mentale",
                "Une écoute anonyme par des professionnels et des pairs, partout en Vendée.",
                ["sante--sante-mentale"],
                ["tous-publics"],
                "gratuit",
                {
                    "reception_modes": ["a-distance"],
                    "eligibility_zone": ["85"],
                    "anonymous": True,
                    "peer_workers": True,
                },
            ),
        ],
    ),
    (
        "chrs-yon",
        "Association Entraide Yon et Vie — hébergement",
        "85191",
        "14 rue Paul Doumer",
        "02 51 00 30 30",
        "24/7",
        [
            (
                "chrs-hu",
                "Hébergement d'urgence et CHRS",
                "Mise à l'abri pour la nuit, hébergement d'insertion avec accompagnement social "
                "global. Admission par le SIAO de la Vendée (115).",
                ["logement-hebergement--rechercher-une-solution-dhebergement-temporaire"],
                ["personnes-en-situation-durgence", "familles"],
                "gratuit",
                {"unconditional_welcome": True},
            ),
        ],
    ),
    (
        "pension-aizenay",
        "Pension de famille Les Tilleuls",
        "85003",
        "3 allée des Tilleuls",
        "02 51 00 31 31",
        "Mo-Fr 09:00-17:00",
        [
            (
                "pension-logement",
                "Logements en pension de famille",
                "Logements durables avec des espaces collectifs et la présence d'hôtes. Admission "
                "par le SIAO de la Vendée.",
                ["logement-hebergement--louer-un-logement"],
                ["personnes-en-situation-durgence"],
                "payant",
                {},
            ),
        ],
    ),
    (
        "ehpad-glycines",
        "EHPAD Les Glycines",
        "85191",
        "20 rue des Glycines",
        "02 51 00 40 40",
        "Mo-Su 10:00-19:00",
        [
            (
                "ehpad-glycines-hebergement",
                "Hébergement permanent et temporaire en EHPAD",
                "Chambres individuelles, unité protégée, accueil de jour. Dossier unique "
                "d'admission (Cerfa 14732*03).",
                ["sante--acces-aux-soins"],
                ["seniors"],
                "payant",
                {"reduced_mobility_access": True},
            ),
        ],
    ),
    (
        "ehpad-rives",
        "EHPAD Résidence de l'Yon",
        "85213",
        "5 rue du Moulin",
        "02 51 00 41 41",
        "Mo-Su 10:00-19:00",
        [
            (
                "ehpad-rives-hebergement",
                "Hébergement permanent en EHPAD",
                "Chambres individuelles et doubles, pôle d'activités et de soins adaptés. "
                "Dossier unique d'admission (Cerfa 14732*03).",
                ["sante--acces-aux-soins"],
                ["seniors"],
                "payant",
                {"reduced_mobility_access": True},
            ),
        ],
    ),
    (
        "ssiad-yon",
        "SSIAD du Pays Yon et Vie",
        "85008",
        "12 rue Georges Clemenceau",
        "02 51 00 52 52",
        "Mo-Fr 08:30-12:30,13:30-17:00",
        [
            (
                "ssiad-soins",
                "Soins infirmiers à domicile pour personnes âgées et handicapées",
                "Aides-soignantes et infirmières coordinatrices, sur prescription médicale : "
                "toilette, soins d'hygiène, prévention de la perte d'autonomie.",
                [],
                ["seniors", "personnes-en-situation-de-handicap"],
                "gratuit",
                {"capacity": 45, "eligibility_zone": ["248500589"]},
            ),
            (
                "ssiad-accueil-jour",
                "Accueil de jour Alzheimer",
                "Accueil à la journée de personnes vivant avec une maladie neuro-évolutive, "
                "activités adaptées ; répit pour les proches. Transport possible.",
                [],
                ["seniors"],
                "payant",
                {"capacity": 12, "reduced_mobility_access": True},
            ),
        ],
    ),
    (
        "dac-vendee",
        "DAC Vendée — Dispositif d'appui à la coordination",
        "85191",
        "33 boulevard d'Angleterre",
        "02 51 00 60 60",
        "Mo-Fr 09:00-17:00; PH off",
        [
            (
                "dac-appui",
                "Appui aux professionnels pour les situations complexes",
                "Évaluation, orientation et coordination des parcours de santé complexes, "
                "quel que soit l'âge ou la pathologie. Saisine par tout professionnel.",
                [],
                ["tous-publics"],
                "gratuit",
                {"mobilisable_by": ["professionnels"]},
            ),
            (
                "emsp",
                "Équipe mobile de soins palliatifs",
                "Conseil et soutien aux équipes et aux proches, à domicile, en EHPAD et à "
                "l'hôpital, pour les personnes en soins palliatifs.",
                [],
                ["tous-publics"],
                "gratuit",
                {},
            ),
        ],
    ),
]

# Each demo service's health and medico-social offer (directory.health).
HEALTH_OFFERS = {
    "msp-mg": ["premier-recours--medecin-traitant", "premier-recours--maison-de-sante"],
    "msp-ide": ["premier-recours--soins-infirmiers"],
    "pass": ["precarite--pass"],
    "cmp": ["sante-mentale--cmp"],
    "csapa-consult": ["addictions--csapa"],
    "cjc": ["addictions--csapa"],
    "repit": ["aidants--plateforme-repit"],
    "ehpad-glycines-hebergement": [
        "personnes-agees--ehpad",
        "personnes-agees--hebergement-temporaire",
    ],
    "ehpad-rives-hebergement": ["personnes-agees--ehpad"],
    "ssiad-soins": ["domicile--ssiad"],
    "ssiad-accueil-jour": ["personnes-agees--accueil-de-jour", "domicile--esa"],
    "dac-appui": ["coordination--dac"],
    "emsp": ["soins-palliatifs--equipe-mobile"],
}


# Structures managed by a demo organisation (their team answers orientations on the platform
# and its admin keeps the entry up to date); the others answer through an emailed link.
MANAGED_BY = {
    "msp-rives": "Maison de santé de Rives de l'Yon",
    "chd-pass": "CHD Vendée — La Roche-sur-Yon",
    "ccas-yon": "CCAS de La Roche-sur-Yon",
    "chrs-yon": "Association Entraide Yon et Vie",
    "pension-aizenay": "Association Entraide Yon et Vie",
    "ehpad-glycines": "EHPAD Les Glycines",
}


GENERATED = "demo-generated"
# General practitioners per inhabitant drawn around the Vendée's (about 7 for 10,000):
# enough that the accessibility index means something on the demo territory. Generated, and
# said so on each entry — never presented as real practices.
GP_PER_INHABITANT = 7.0 / 10_000


def _generated_gp_practices(communes) -> None:
    """General practices for the demo's communes, their number drawn from each commune's
    population (deterministic): the accessibility page then has a supply to compute on."""
    if Service.objects.filter(source=GENERATED).exists():
        return
    rng = random.Random(85)  # noqa: S311 - demo data, not security
    for commune in sorted(communes, key=lambda c: c.code):
        if not commune.population:
            continue
        doctors = round(commune.population * GP_PER_INHABITANT * rng.uniform(0.3, 1.6))
        number = 0
        while doctors > 0:
            size = min(doctors, rng.choice([1, 1, 2, 3, 4, 6]))
            doctors -= size
            number += 1
            kind = "Maison de santé" if size >= 4 else "Cabinet médical"
            structure = Structure.objects.create(
                source=GENERATED,
                source_id=f"{commune.code}-{number}",
                name=f"{kind} {number} — {commune.name} (démonstration)",
                commune_id=commune.code,
                state="published",
                description="Données de démonstration générées : ce lieu n'existe pas.",
            )
            Service.objects.create(
                source=GENERATED,
                source_id=f"{commune.code}-{number}-mg",
                structure=structure,
                name="Consultations de médecine générale",
                description="Données de démonstration générées : ce service n'existe pas.",
                thematiques=["sante--acces-aux-soins"],
                health_offers=[
                    "premier-recours--medecin-traitant",
                    *(["premier-recours--maison-de-sante"] if size >= 4 else []),
                ],
                publics=["tous-publics"],
                professions=["médecin généraliste"],
                capacity=size,
                state="published",
                reception_modes=["en-presentiel"],
            )


@transaction.atomic
def setup_demo_directory(generated_gp_communes=()) -> int:

    organisations = {o.name: o for o in Organisation.objects.filter(name__in=MANAGED_BY.values())}
    for key, name, commune, address, phone, hours, services in DIRECTORY:
        structure, _ = Structure.objects.update_or_create(
            source=SOURCE,
            source_id=key,
            defaults={
                "name": name,
                "commune_id": commune,
                "address": address,
                "phone": phone,
                "email": f"{key}@demo.maillage.fr",
                "opening_hours": hours,
                "state": "published",
                "organisation": organisations.get(MANAGED_BY.get(key, "")),
            },
        )
        for sid, sname, description, themes, publics, fees, facts in services:
            extra = dict(facts)  # the table above stays as written
            Service.objects.update_or_create(
                source=SOURCE,
                source_id=sid,
                defaults={
                    "structure": structure,
                    "name": sname,
                    "description": description,
                    "thematiques": themes,
                    "health_offers": HEALTH_OFFERS.get(sid, []),
                    "publics": publics,
                    "fees": fees,
                    "state": "published",
                    "reception_modes": extra.pop("reception_modes", ["en-presentiel"]),
                    **extra,
                },
            )
    _generated_gp_practices(generated_gp_communes)
    demo_structures = list(
        Structure.objects.filter(source__in=[SOURCE, GENERATED]).values_list("pk", flat=True)
    )
    search_index.refresh(structure_ids=demo_structures)
    duplicates.refresh(structure_ids=demo_structures)
    return Service.objects.filter(source=SOURCE).count()
