"""The data·inclusion v1 referentials and Maillage's extensions (no database needed)."""

import pytest

from maillage.directory.enums import (
    PARENT_THEMES,
    SCHEMA_VERSION,
    THEME_CHILDREN,
    THEME_PARENTS,
    FeeSector,
    Frais,
    LegalForm,
    MobilisablePar,
    ModeAccueil,
    ModeMobilisation,
    Public,
    PublicationState,
    ReseauPorteur,
    ServiceType,
    Thematique,
    theme_with_children,
)

EXPECTED_PARENT_THEMES = {
    "choisir-un-metier",
    "creer-une-entreprise",
    "difficultes-administratives-ou-juridiques",
    "difficultes-financieres",
    "equipement-et-alimentation",
    "famille",
    "lecture-ecriture-calcul",
    "logement-hebergement",
    "mobilite",
    "numerique",
    "preparer-sa-candidature",
    "remobilisation",
    "sante",
    "se-former",
    "souvrir-a-linternational",
    "trouver-un-emploi",
}

ALL_CHOICES = [
    Thematique,
    Public,
    Frais,
    ModeAccueil,
    ModeMobilisation,
    MobilisablePar,
    ServiceType,
    ReseauPorteur,
    FeeSector,
    LegalForm,
    PublicationState,
]


def test_schema_version_is_a_v1_release():
    assert SCHEMA_VERSION.split(".")[0] == "1"


def test_the_sixteen_parent_themes_exist():
    assert set(PARENT_THEMES) == EXPECTED_PARENT_THEMES
    assert len(PARENT_THEMES) == 16
    assert EXPECTED_PARENT_THEMES.issubset(Thematique.values)
    assert str(Thematique.SANTE.label) == "Santé"


def test_every_value_is_a_parent_or_a_child_of_one():
    for value in Thematique.values:
        assert value in EXPECTED_PARENT_THEMES or value in THEME_PARENTS


def test_every_child_belongs_to_an_existing_parent():
    assert THEME_PARENTS
    for child, parent in THEME_PARENTS.items():
        assert parent in EXPECTED_PARENT_THEMES
        assert parent in Thematique.values
        assert child.startswith(f"{parent}--")
        assert len(child) > len(parent) + 2


def test_every_parent_has_children():
    for parent in PARENT_THEMES:
        assert THEME_CHILDREN[parent], parent


def test_health_and_social_sub_themes_named_in_the_standards_are_present():
    expected = {
        "sante--acces-aux-soins",
        "sante--addictions",
        "sante--constituer-un-dossier-mdph-invalidite",
        "sante--sante-mentale",
        "sante--sante-sexuelle",
        "famille--garde-denfants",
        "famille--prise-en-charge-personne-dependante",
        "famille--soutien-aidants",
        "famille--soutien-a-la-parentalite-et-a-leducation",
        "famille--surmonter-conflits-separation-violence",
    }
    assert expected <= set(Thematique.values)


def test_a_parent_theme_selects_itself_and_its_children():
    selected = theme_with_children("sante")
    assert "sante" in selected
    assert "sante--acces-aux-soins" in selected
    assert "sante--sante-mentale" in selected
    assert not any(value.startswith("famille") for value in selected)
    assert selected == {"sante", *THEME_CHILDREN["sante"]}
    assert all(value == "sante" or THEME_PARENTS[value] == "sante" for value in selected)


def test_a_sub_theme_selects_only_itself():
    assert theme_with_children("sante--addictions") == {"sante--addictions"}
    assert theme_with_children(Thematique.FAMILLE__SOUTIEN_AIDANTS) == {"famille--soutien-aidants"}


def test_an_unknown_theme_is_refused():
    with pytest.raises(ValueError):
        theme_with_children("sante--inconnue")


@pytest.mark.parametrize(
    ("choices", "expected"),
    [
        (Frais, {"gratuit", "payant"}),
        (ModeAccueil, {"a-distance", "en-presentiel"}),
        (
            ModeMobilisation,
            {"envoyer-un-courriel", "se-presenter", "telephoner", "utiliser-lien-mobilisation"},
        ),
        (MobilisablePar, {"usagers", "professionnels"}),
        (
            Public,
            {
                "tous-publics",
                "actifs",
                "beneficiaires-des-minimas-sociaux",
                "demandeurs-emploi",
                "etudiants",
                "familles",
                "femmes",
                "jeunes",
                "personnes-en-situation-de-handicap",
                "personnes-en-situation-durgence",
                "personnes-en-situation-juridique-specifique",
                "personnes-exilees",
                "residents-qpv-frr",
                "seniors",
            },
        ),
        (
            ServiceType,
            {
                "accompagnement",
                "aide-financiere",
                "aide-materielle",
                "atelier",
                "formation",
                "information",
            },
        ),
    ],
    ids=lambda param: getattr(param, "__name__", None),
)
def test_closed_enumerations_match_the_standard_exactly(choices, expected):
    assert set(choices.values) == expected


def test_labels_are_the_standards_french_labels():
    assert str(ModeAccueil.A_DISTANCE.label) == "À distance"
    assert str(ModeMobilisation.UTILISER_LIEN_MOBILISATION.label) == (
        "Utiliser le lien de mobilisation"
    )
    assert str(ServiceType.AIDE_MATERIELLE.label) == "Aide matérielle"
    assert (
        str(Public.PERSONNES_EN_SITUATION_DURGENCE.label) == "Personnes en situation d\u2019urgence"
    )


def test_networks_named_in_the_standards_are_present():
    expected = {
        "ccas-cias",
        "mdph",
        "caf",
        "cpam",
        "csapa",
        "caarud",
        "chrs",
        "siao",
        "mission-locale",
        "france-travail",
    }
    assert expected <= set(ReseauPorteur.values)


def test_v0_values_are_absent():
    assert "acces-aux-droits-et-citoyennete" not in Thematique.values
    assert "handicap" not in Thematique.values
    assert "sante--se-soigner-et-prevenir-la-maladie" not in Thematique.values
    assert "financement" not in ServiceType.values
    assert "unccas" not in ReseauPorteur.values


@pytest.mark.parametrize("choices", ALL_CHOICES, ids=lambda c: c.__name__)
def test_values_and_labels_are_unique_and_non_empty(choices):
    values = choices.values
    labels = [str(label) for label in choices.labels]
    assert len(values) == len(set(values))
    assert all(values) and all(labels)
    assert all(value == value.strip().lower() and " " not in value for value in values)


def test_maillage_extensions():
    assert set(FeeSector.values) == {"secteur-1", "secteur-2", "non-conventionne"}
    assert set(LegalForm.values) == {
        "association",
        "mutuelle",
        "scic",
        "scop",
        "fondation",
        "gcsms-gcs",
        "public",
        "prive-lucratif",
        "autre",
    }
    assert [(state.value, str(state.label)) for state in PublicationState] == [
        ("draft", "Brouillon"),
        ("pending", "En attente de validation"),
        ("published", "Publié"),
        ("rejected", "Refusé"),
        ("archived", "Archivé"),
    ]
