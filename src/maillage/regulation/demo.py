"""The demo's regulation: the SIAO of Vendée with its emergency, insertion and family-house
places; two EHPAD of the Pays Yon et Vie receiving a dossier; waiting households (one of
them from a demo pathway); a priority policy in force and a draft to simulate; a commission
next week with proposals computed by the optimum (the greedy rule's figures beside them);
a 115 call waiting for tonight. Idempotent: nothing is added once the SIAO has programmes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from maillage.accounts.models import Organisation, User
from maillage.core import audit
from maillage.core.versions import current_version
from maillage.directory.models import Structure
from maillage.pathways.models import Pathway
from maillage.pathways.queries import pathway_for
from maillage.regulation import actions, inputs, priority
from maillage.regulation.enums import (
    Criterion,
    Engine,
    MemberRole,
    MemberSex,
    Operator,
    PlaceRequestState,
    ProgrammeKind,
    Tier,
    UnitType,
)
from maillage.regulation.models import Programme

SIAO = "SIAO de la Vendée"

# (structure, kind, name, [(label, type, rooms, persons, accessible, count, free)], rules)
PROGRAMMES = [
    (
        "chrs-yon",
        ProgrammeKind.EMERGENCY,
        "Hébergement d'urgence — La Roche-sur-Yon",
        [
            ("Lit", UnitType.BED, 1, 1, True, 6, 3),
            ("Chambre famille", UnitType.ROOM, 1, 4, False, 2, 1),
        ],
        [],
    ),
    (
        "chrs-yon",
        ProgrammeKind.CHRS,
        "CHRS insertion Yon et Vie",
        [
            ("Studio", UnitType.FLAT, 1, 1, True, 4, 2),
            ("T3", UnitType.FLAT, 3, 4, False, 2, 1),
            ("Studio femmes", UnitType.FLAT, 1, 2, False, 2, 1),
        ],
        [(Criterion.APPLICANT_AGE, Operator.AT_LEAST, 18, ())],
    ),
    (
        "pension-aizenay",
        ProgrammeKind.FAMILY_HOUSE,
        "Pension de famille Les Tilleuls",
        [("Logement", UnitType.FLAT, 1, 1, False, 5, 1)],
        [
            (Criterion.PETS, Operator.MUST_NOT, None, ()),
            (Criterion.RESOURCES, Operator.MUST, None, ()),
        ],
    ),
    (
        "ehpad-glycines",
        ProgrammeKind.EHPAD,
        "EHPAD Les Glycines — hébergement permanent",
        [("Chambre", UnitType.ROOM, 1, 1, True, 3, 0)],
        [(Criterion.APPLICANT_AGE, Operator.AT_LEAST, 60, ())],
    ),
    (
        "ehpad-rives",
        ProgrammeKind.EHPAD,
        "EHPAD Résidence de l'Yon — hébergement permanent",
        [("Chambre", UnitType.ROOM, 1, 1, True, 2, 0)],
        [(Criterion.APPLICANT_AGE, Operator.AT_LEAST, 60, ())],
    ),
]

# (first, last, born, sex, [others: (role, first, born, sex)], kinds, communes, urgency, dalo,
#  vulnerabilities, waited days, pets, resources)
HOUSEHOLDS = [
    (
        "Sophie",
        "Lambert",
        dt.date(1990, 4, 2),
        MemberSex.FEMALE,
        [
            (MemberRole.CHILD, "Léa", dt.date(2018, 6, 1), MemberSex.FEMALE),
            (MemberRole.CHILD, "Tom", dt.date(2021, 2, 9), MemberSex.MALE),
        ],
        [ProgrammeKind.CHRS],
        ["85191"],
        2,
        False,
        ["children", "violence"],
        40,
        False,
        True,
    ),
    (
        "Karim",
        "Haddad",
        dt.date(1979, 9, 15),
        MemberSex.MALE,
        [],
        [ProgrammeKind.CHRS, ProgrammeKind.FAMILY_HOUSE],
        [],
        1,
        True,
        ["health"],
        210,
        False,
        True,
    ),
    (
        "Julie",
        "Moreau",
        dt.date(1996, 1, 20),
        MemberSex.FEMALE,
        [],
        [ProgrammeKind.CHRS],
        ["85191", "85213"],
        1,
        False,
        ["violence"],
        15,
        False,
        False,
    ),
    (
        "Bernard",
        "Rousseau",
        dt.date(1961, 11, 3),
        MemberSex.MALE,
        [],
        [ProgrammeKind.FAMILY_HOUSE],
        ["85003"],
        0,
        False,
        ["street"],
        380,
        True,
        True,
    ),
    (
        "Nadia",
        "Cherif",
        dt.date(1985, 7, 8),
        MemberSex.FEMALE,
        [
            (MemberRole.PARTNER, "Yacine", dt.date(1983, 3, 1), MemberSex.MALE),
            (MemberRole.CHILD, "Inès", dt.date(2015, 9, 9), MemberSex.FEMALE),
        ],
        [ProgrammeKind.CHRS],
        ["85191"],
        1,
        False,
        ["children"],
        120,
        False,
        True,
    ),
    (
        "Thomas",
        "Girard",
        dt.date(2001, 5, 30),
        MemberSex.MALE,
        [],
        [ProgrammeKind.CHRS],
        [],
        0,
        False,
        [],
        60,
        False,
        False,
    ),
    (
        "Mireille",
        "Blanchard",
        dt.date(1958, 2, 14),
        MemberSex.FEMALE,
        [],
        [ProgrammeKind.FAMILY_HOUSE, ProgrammeKind.CHRS],
        [],
        0,
        False,
        ["age"],
        500,
        False,
        True,
    ),
    (
        "Kevin",
        "Perrin",
        dt.date(1993, 8, 22),
        MemberSex.MALE,
        [],
        [ProgrammeKind.CHRS],
        ["85213"],
        2,
        False,
        ["hospital_exit"],
        10,
        False,
        True,
    ),
]


def _user(email):
    return User.objects.filter(email=email).first()


def _structure(key):
    return Structure.objects.filter(source="demo", source_id=key).first()


def setup_demo_regulation() -> None:
    siao = Organisation.objects.filter(name=SIAO).first()
    officer = _user("siao@demo.maillage.fr")
    social = _user("social@demo.maillage.fr")
    gp = _user("medecin@demo.maillage.fr")
    operator = _user("ecoute115@demo.maillage.fr")
    if None in (siao, officer, social, gp, operator):
        return
    if Programme.objects.filter(regulator=siao).exists():
        return
    now = timezone.now()
    today = timezone.localdate(now)
    acting = audit.Actor.for_user(officer)
    physician = _user("medco@demo.maillage.fr")
    programmes = {}
    # Places freed after a first run, for a second one: the commission sees proposals from
    # both engines.
    later = []
    for key, kind, name, units, rules in PROGRAMMES:
        structure = _structure(key)
        if structure is None:
            return
        medico = kind == ProgrammeKind.EHPAD
        # An EHPAD with its team on the platform keeps its own places.
        keeper = physician if medico and structure.organisation_id and physician else officer
        programme = actions.programme_create(
            actor=officer,
            acting=acting,
            data=inputs.ProgrammeIn(
                structure=structure.public_id,
                kind=kind,
                name=name,
                regulator=None if medico else siao.public_id,
                support_included=not medico,
                answer_within_days=3,
            ),
        )
        programmes[name] = programme
        for criterion, operator_, number, values in rules:
            actions.requirement_add(
                actor=keeper,
                programme=programme,
                acting=acting,
                data=inputs.RequirementIn(
                    criterion=criterion, operator=operator_, number=number, values=list(values)
                ),
            )
        for label, unit_type, rooms, persons, accessible, count, free in units:
            made = actions.unit_add(
                actor=keeper,
                programme=programme,
                acting=acting,
                data=inputs.UnitIn(
                    label=label,
                    unit_type=unit_type,
                    rooms=rooms,
                    persons=persons,
                    accessible=accessible,
                    count=count,
                ),
            )
            if label == "Studio femmes":
                for unit in made:
                    actions.requirement_add(
                        actor=keeper,
                        programme=programme,
                        acting=acting,
                        data=inputs.RequirementIn(
                            criterion=Criterion.ADULT_SEX,
                            operator=Operator.ONE_OF,
                            values=[MemberSex.FEMALE],
                            unit=unit.public_id,
                        ),
                    )
            if not medico and kind != ProgrammeKind.EMERGENCY and len(made) > free:
                later.append((keeper, programme, made[free]))
            for unit in made[:free]:
                actions.vacancy_declare(
                    actor=keeper,
                    programme=programme,
                    acting=acting,
                    data=inputs.VacancyIn(
                        unit=unit.public_id,
                        available_from=today,
                        tonight=kind == ProgrammeKind.EMERGENCY,
                    ),
                )

    in_force = actions.policy_create(
        actor=officer,
        regulator=siao,
        acting=acting,
        data=_policy_in(
            "Politique 2026 du SIAO",
            priority.DEFAULT_POLICY,
            "Paliers : DALO, urgence, vulnérabilités, ancienneté. Aucune pénalité de refus.",
        ),
    )
    actions.policy_publish(actor=officer, policy=in_force, acting=acting)
    draft = priority.Policy(
        tiers=(
            priority.TierRule(Tier.DALO, 20_000),
            priority.TierRule(Tier.VULNERABILITY, 5_000, cap=4),
            priority.TierRule(Tier.URGENCY, 1_000),
            priority.TierRule(Tier.SENIORITY, 2, cap=730),
        ),
        preferred_commune=200,
        empty_bed=150,
    )
    actions.policy_create(
        actor=officer,
        regulator=siao,
        acting=acting,
        data=_policy_in(
            "Projet : vulnérabilités avant l'urgence", draft, "À simuler en commission."
        ),
    )

    for household in HOUSEHOLDS:
        (
            first,
            last,
            born,
            sex,
            others,
            kinds,
            communes,
            urgency,
            dalo,
            vulner,
            waited,
            pets,
            resources,
        ) = household
        members = [
            inputs.MemberIn(
                role=MemberRole.APPLICANT,
                first_name=first,
                last_name=last,
                birth_date=born,
                sex=sex,
            )
        ]
        members += [
            inputs.MemberIn(role=role, first_name=name, last_name=last, birth_date=birth, sex=s)
            for role, name, birth, s in others
        ]
        created = actions.place_request_create(
            actor=social,
            acting=audit.Actor.for_user(social),
            now=now,
            data=inputs.PlaceRequestIn(
                members=members,
                regulator=siao.public_id,
                recommended_kinds=kinds,
                recommendation="Évaluation sociale faite avec la personne ; projet d'insertion "
                "et besoin d'un accompagnement global.",
                preferred_communes=communes,
                wishes="Rester près de l'école des enfants." if others else "Un endroit calme.",
                urgency=urgency,
                dalo=dalo,
                first_requested_on=today - dt.timedelta(days=waited),
                vulnerabilities=vulner,
                pets=pets,
                support_needed=True,
                resources=[inputs.ResourceIn(kind="rsa", monthly_amount=635)] if resources else [],
                consent=True,
            ),
        )
        actions.place_request_move(
            actor=social,
            place_request=created,
            data=inputs.RequestMoveIn(
                to_state=PlaceRequestState.SENT, version=current_version(created)
            ),
        )
        for target in (PlaceRequestState.CHECKED, PlaceRequestState.WAITING):
            actions.place_request_move(
                actor=officer,
                place_request=created,
                data=inputs.RequestMoveIn(to_state=target, version=current_version(created)),
            )

    session = actions.commission_create(
        actor=officer,
        regulator=siao,
        acting=acting,
        data=inputs.CommissionIn(held_on=today + dt.timedelta(days=7), members=[officer.public_id]),
    )
    actions.match_run(
        actor=officer,
        regulator=siao,
        acting=acting,
        data=inputs.MatchRunIn(engine=Engine.GREEDY, session=session.public_id),
    )
    for keeper, programme, unit in later:
        actions.vacancy_declare(
            actor=keeper,
            programme=programme,
            acting=acting,
            data=inputs.VacancyIn(unit=unit.public_id, available_from=today),
        )
    actions.match_run(
        actor=officer,
        regulator=siao,
        acting=acting,
        data=inputs.MatchRunIn(engine=Engine.OPTIMUM, session=session.public_id),
    )

    actions.emergency_call(
        actor=operator,
        acting=audit.Actor.for_user(operator),
        data=inputs.EmergencyCallIn(
            first_name="Luc",
            last_name="Fabre",
            sex=MemberSex.MALE,
            adults=1,
            children=0,
            tonight_location="Gare de La Roche-sur-Yon",
            needs="Pansement à refaire, traitement à prendre le soir.",
        ),
    )
    _ehpad_dossier(gp, programmes, now)


def _policy_in(name, policy, notes):
    data = policy.as_data()
    return inputs.PolicyIn(name=name, notes=notes, **data)


def _ehpad_dossier(gp, programmes, now) -> None:
    """Mrs Martineau's EHPAD dossier, from her pathway: written with her GP, signed, sent to
    both EHPAD."""
    acting = audit.Actor.for_user(gp)
    pathway = pathway_for(
        gp,
        Pathway.objects.filter(person__last_name="Martineau")
        .values_list("public_id", flat=True)
        .first(),
    )
    created = actions.place_request_create(
        actor=gp,
        acting=acting,
        now=now,
        data=inputs.PlaceRequestIn(
            members=[
                inputs.MemberIn(
                    role=MemberRole.APPLICANT,
                    first_name="Jeanne",
                    last_name="Martineau",
                    birth_date=dt.date(1938, 5, 2),
                    sex=MemberSex.FEMALE,
                )
            ],
            pathway=pathway.public_id if pathway else None,
            recommended_kinds=[ProgrammeKind.EHPAD],
            recommendation="Maintien à domicile devenu impossible malgré les aides.",
            wishes="Près de Rives de l'Yon, où vivent ses voisins et amis.",
            gir=3,
            consent=True,
        ),
    )
    actions.physician_name(
        actor=gp,
        place_request=created,
        acting=acting,
        data=inputs.PhysicianIn(email=gp.email),
    )
    actions.medical_save(
        actor=gp,
        place_request=created,
        acting=acting,
        data=inputs.MedicalIn(
            gir=3,
            diagnoses="Insuffisance cardiaque, troubles de la marche.",
            treatments="Traitement cardiologique, antalgiques.",
            care_needs="Aide à la toilette, surveillance des traitements, kinésithérapie.",
            complete=True,
        ),
    )
    actions.place_request_sign(actor=gp, place_request=created, acting=acting)
    actions.applications_send(
        actor=gp,
        place_request=created,
        acting=acting,
        data=inputs.ApplicationsIn(
            programmes=[p.public_id for p in programmes.values() if p.kind == ProgrammeKind.EHPAD]
        ),
    )
