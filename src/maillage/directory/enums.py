"""Referentials of the data·inclusion schema, version 1, and Maillage's health extensions.

data·inclusion ("Schéma de l’offre d’insertion", GIP Plateforme de l’inclusion) is the French
national standard describing the social and professional insertion offer. The classes below
reproduce its version 1 enumerations, value slugs and French labels exactly as the standard
gives them (facts of the standard; none of its code is reused):

- repository https://github.com/gip-inclusion/data-inclusion-schema, release 1.0.10
  (CHANGELOG.md, "1.0.10 - 2026-09-22");
- docs/referentiels/thematiques.md, publics.md, frais.md, modes_accueil.md,
  modes_mobilisation.md, mobilisable_par.md (page "Personnes mobilisatrices"),
  types_de_services.md and reseaux_porteurs.md, as published in the 1.0.10 documentation;
- schemas/v1/extra/*.json and src/data_inclusion/schema/v1/*.py, the latter for the 16 parent
  themes and their labels (the `Categorie` referential, which the documentation pages do not
  list); cross-checked against the published package data-inclusion-schema 1.0.10.

Licence of the source: Licence Ouverte / Open Licence 2.0 (Etalab), LICENSE.md of the schema
package; reuse is free provided the source (data·inclusion, GIP Plateforme de l’inclusion) and
the version are credited, as done here.

Version history that matters here (CHANGELOG.md): the 1.0.1 entry lists the move to the v1
referentials (`thematiques` and `frais` redone, `profils` → `publics`, `modes_orientation_*`
→ `modes_mobilisation`, `types` → `type`, `typologie` and `labels_nationaux` → `reseaux_porteurs`,
new `mobilisable_par`); 1.0.2, 1.0.3 and 1.0.8 added networks (among them `ai`, `esat`, `mdph`);
1.0.10 corrected the label of `aide-materielle`. Nothing here comes from v0.

Parent themes: in data·inclusion v1 the `thematiques` field of a service accepts only the
`theme--sous-theme` values; the parent themes form the separate `Categorie` referential. Maillage
keeps both in `Thematique` so that a search or a form can offer a whole theme
(`theme_with_children`). An export to data·inclusion must drop or expand parent values.

Maillage extensions (`FeeSector`, `LegalForm`, `PublicationState`) are ours, not the standard's.
"""

# The standard writes its labels with the typographic apostrophe (’); they are kept verbatim.

import functools
import unicodedata

from django.conf.locale import LANG_INFO
from django.db import models
from django.utils.translation import get_language_info, override
from django.utils.translation import gettext_lazy as _

from maillage.core.roles import Role

SCHEMA_VERSION = "1.0.10"
"""The data·inclusion schema release these referentials were taken from."""


class Thematique(models.TextChoices):
    """Thématiques (v1): the 16 parent themes, each followed by its sub-themes.

    Parent values come from the schema's `Categorie` referential; children are the
    `theme--sous-theme` values of the `thematiques` field.
    """

    # Choisir un métier
    CHOISIR_UN_METIER = "choisir-un-metier", _("Choisir un métier")
    CHOISIR_UN_METIER__CONFIRMER_SON_CHOIX_DE_METIER = (
        "choisir-un-metier--confirmer-son-choix-de-metier",
        _("Confirmer son choix de métier"),
    )
    CHOISIR_UN_METIER__CONNAITRE_LES_OPPORTUNITES_DEMPLOI = (
        "choisir-un-metier--connaitre-les-opportunites-demploi",
        _("Connaître les opportunités d’emploi"),
    )
    CHOISIR_UN_METIER__DECOUVRIR_UN_METIER_OU_UN_SECTEUR_DACTIVITE = (
        "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
        _("Découvrir un métier ou un secteur d’activité"),
    )
    CHOISIR_UN_METIER__IDENTIFIER_SES_POINTS_FORTS_ET_SES_COMPETENCES = (
        "choisir-un-metier--identifier-ses-points-forts-et-ses-competences",
        _("Identifier ses points forts et ses compétences"),
    )

    # Créer une entreprise
    CREER_UNE_ENTREPRISE = "creer-une-entreprise", _("Créer une entreprise")
    CREER_UNE_ENTREPRISE__DEFINIR_SON_PROJET_DE_CREATION_DENTREPRISE = (
        "creer-une-entreprise--definir-son-projet-de-creation-dentreprise",
        _("Définir son projet de création d’entreprise"),
    )
    CREER_UNE_ENTREPRISE__DEVELOPPER_SON_ENTREPRISE = (
        "creer-une-entreprise--developper-son-entreprise",
        _("Développer son entreprise"),
    )
    CREER_UNE_ENTREPRISE__STRUCTURER_SON_PROJET_DE_CREATION_DENTREPRISE = (
        "creer-une-entreprise--structurer-son-projet-de-creation-dentreprise",
        _("Structurer son projet de création d’entreprise"),
    )

    # Difficultés administratives ou juridiques
    DIFFICULTES_ADMINISTRATIVES_OU_JURIDIQUES = (
        "difficultes-administratives-ou-juridiques",
        _("Difficultés administratives ou juridiques"),
    )
    DIFFICULTES_ADMINISTRATIVES_OU_JURIDIQUES__ACCOMPAGNEMENT_AUX_DEMARCHES_ADMINISTRATIVES = (
        "difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
        _("Accompagnement aux démarches administratives"),
    )
    DIFFICULTES_ADMINISTRATIVES_OU_JURIDIQUES__ACCOMPAGNEMENT_POUR_LACCES_A_LA_CITOYENNETE = (
        "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-a-la-citoyennete",
        _("Accompagnement pour l’accès à la citoyenneté"),
    )
    DIFFICULTES_ADMINISTRATIVES_OU_JURIDIQUES__ACCOMPAGNEMENT_POUR_LACCES_AUX_DROITS = (
        "difficultes-administratives-ou-juridiques--accompagnement-pour-lacces-aux-droits",
        _("Accompagnement pour l’accès aux droits"),
    )
    DIFFICULTES_ADMINISTRATIVES_OU_JURIDIQUES__BENEFICIER_DUNE_MESURE_DACCOMPAGNEMENT_ADAPTE = (
        "difficultes-administratives-ou-juridiques--beneficier-dune-mesure-daccompagnement-adapte",
        _("Bénéficier d’une mesure d’accompagnement adapté"),
    )
    DIFFICULTES_ADMINISTRATIVES_OU_JURIDIQUES__CONNAITRE_SES_DROITS_FACE_A_UNE_DISCRIMINATION = (
        "difficultes-administratives-ou-juridiques--connaitre-ses-droits-face-a-une-discrimination",
        _("Connaître ses droits face à une discrimination"),
    )
    DIFFICULTES_ADMINISTRATIVES_OU_JURIDIQUES__PRENDRE_EN_COMPTE_UNE_PROBLEMATIQUE_JUDICIAIRE = (
        "difficultes-administratives-ou-juridiques--prendre-en-compte-une-problematique-judiciaire",
        _("Prendre en compte une problématique judiciaire"),
    )

    # Difficultés financières
    DIFFICULTES_FINANCIERES = "difficultes-financieres", _("Difficultés financières")
    DIFFICULTES_FINANCIERES__ACQUERIR_UNE_AUTONOMIE_BUDGETAIRE = (
        "difficultes-financieres--acquerir-une-autonomie-budgetaire",
        _("Acquérir une autonomie budgétaire"),
    )
    DIFFICULTES_FINANCIERES__AMELIORER_SA_GESTION_BUDGETAIRE = (
        "difficultes-financieres--ameliorer-sa-gestion-budgetaire",
        _("Améliorer sa gestion budgétaire"),
    )
    DIFFICULTES_FINANCIERES__METTRE_EN_PLACE_UNE_MESURE_DE_PROTECTION_FINANCIERE = (
        "difficultes-financieres--mettre-en-place-une-mesure-de-protection-financiere",
        _("Mettre en place une mesure de protection financière"),
    )
    DIFFICULTES_FINANCIERES__PREVENIR_UNE_DEGRADATION_DE_LA_SITUATION_FINANCIERE = (
        "difficultes-financieres--prevenir-une-degradation-de-la-situation-financiere",
        _("Prévenir une dégradation de la situation financière"),
    )
    DIFFICULTES_FINANCIERES__SITUATION_DENDETTEMENT_SURENDETTEMENT = (
        "difficultes-financieres--situation-dendettement-surendettement",
        _("Situation d’endettement ou de surendettement"),
    )

    # Équipement et alimentation
    EQUIPEMENT_ET_ALIMENTATION = "equipement-et-alimentation", _("Équipement et alimentation")
    EQUIPEMENT_ET_ALIMENTATION__AIDE_MENAGERE = (
        "equipement-et-alimentation--aide-menagere",
        _("Aide ménagère"),
    )
    EQUIPEMENT_ET_ALIMENTATION__ALIMENTATION = (
        "equipement-et-alimentation--alimentation",
        _("Alimentation"),
    )
    EQUIPEMENT_ET_ALIMENTATION__ELECTROMENAGER = (
        "equipement-et-alimentation--electromenager",
        _("Électroménager"),
    )
    EQUIPEMENT_ET_ALIMENTATION__HABILLEMENT = (
        "equipement-et-alimentation--habillement",
        _("Habillement"),
    )

    # Famille
    FAMILLE = "famille", _("Famille")
    FAMILLE__GARDE_DENFANTS = "famille--garde-denfants", _("Garde d’enfants")
    FAMILLE__PRISE_EN_CHARGE_PERSONNE_DEPENDANTE = (
        "famille--prise-en-charge-personne-dependante",
        _("Prise en charge d’une personne dépendante"),
    )
    FAMILLE__SOUTIEN_A_LA_PARENTALITE_ET_A_LEDUCATION = (
        "famille--soutien-a-la-parentalite-et-a-leducation",
        _("Soutien à la parentalité et à l’éducation"),
    )
    FAMILLE__SOUTIEN_AIDANTS = "famille--soutien-aidants", _("Soutien aux aidants")
    FAMILLE__SURMONTER_CONFLITS_SEPARATION_VIOLENCE = (
        "famille--surmonter-conflits-separation-violence",
        _("Surmonter les conflits liés à la séparation ou à la violence"),
    )

    # Lecture, écriture et calcul
    LECTURE_ECRITURE_CALCUL = "lecture-ecriture-calcul", _("Lecture, écriture et calcul")
    LECTURE_ECRITURE_CALCUL__MAITRISER_LE_CALCUL = (
        "lecture-ecriture-calcul--maitriser-le-calcul",
        _("Maîtriser le calcul"),
    )
    LECTURE_ECRITURE_CALCUL__MAITRISER_LE_FRANCAIS = (
        "lecture-ecriture-calcul--maitriser-le-francais",
        _("Maîtriser le français"),
    )

    # Logement et hébergement
    LOGEMENT_HEBERGEMENT = "logement-hebergement", _("Logement et hébergement")
    LOGEMENT_HEBERGEMENT__ACHETER_UN_LOGEMENT = (
        "logement-hebergement--acheter-un-logement",
        _("Acheter un logement"),
    )
    LOGEMENT_HEBERGEMENT__CHANGER_DE_LOGEMENT = (
        "logement-hebergement--changer-de-logement",
        _("Changer de logement"),
    )
    LOGEMENT_HEBERGEMENT__LOUER_UN_LOGEMENT = (
        "logement-hebergement--louer-un-logement",
        _("Louer un logement"),
    )
    LOGEMENT_HEBERGEMENT__RECHERCHER_UNE_SOLUTION_DHEBERGEMENT_TEMPORAIRE = (
        "logement-hebergement--rechercher-une-solution-dhebergement-temporaire",
        _("Rechercher une solution d’hébergement temporaire"),
    )
    LOGEMENT_HEBERGEMENT__REDUIRE_LES_IMPAYES_DE_LOYER = (
        "logement-hebergement--reduire-les-impayes-de-loyer",
        _("Réduire les impayés de loyer"),
    )
    LOGEMENT_HEBERGEMENT__SE_MAINTENIR_DANS_LE_LOGEMENT = (
        "logement-hebergement--se-maintenir-dans-le-logement",
        _("Se maintenir dans le logement"),
    )
    LOGEMENT_HEBERGEMENT__SINFORMER_SUR_LES_DEMARCHES_LIEES_A_LACCES_AU_LOGEMENT = (
        "logement-hebergement--sinformer-sur-les-demarches-liees-a-lacces-au-logement",
        _("S’informer sur les démarches liées à l’accès au logement"),
    )

    # Mobilité
    MOBILITE = "mobilite", _("Mobilité")
    MOBILITE__ACCEDER_A_UN_VEHICULE = "mobilite--acceder-a-un-vehicule", _("Accéder à un véhicule")
    MOBILITE__ENTRETENIR_REPARER_SON_VEHICULE = (
        "mobilite--entretenir-reparer-son-vehicule",
        _("Entretenir et réparer son véhicule"),
    )
    MOBILITE__ETRE_ACCOMPAGNE_DANS_SON_PARCOURS_MOBILITE = (
        "mobilite--etre-accompagne-dans-son-parcours-mobilite",
        _("Être accompagné dans son parcours mobilité"),
    )
    MOBILITE__FINANCER_MA_MOBILITE = "mobilite--financer-ma-mobilite", _("Financer ma mobilité")
    MOBILITE__MOBILITE_DOUCE_PARTAGEE_COLLECTIVE = (
        "mobilite--mobilite-douce-partagee-collective",
        _("Utiliser des services de mobilité douce, partagée ou collective"),
    )
    MOBILITE__PREPARER_UN_PERMIS = "mobilite--preparer-un-permis", _("Préparer un permis")

    # Numérique
    NUMERIQUE = "numerique", _("Numérique")
    NUMERIQUE__ACCEDER_A_DES_SERVICES_EN_LIGNE = (
        "numerique--acceder-a-des-services-en-ligne",
        _("Accéder à des services en ligne"),
    )
    NUMERIQUE__ACCEDER_A_UNE_CONNEXION_INTERNET = (
        "numerique--acceder-a-une-connexion-internet",
        _("Accéder à une connexion Internet"),
    )
    NUMERIQUE__ACQUERIR_UN_EQUIPEMENT = (
        "numerique--acquerir-un-equipement",
        _("Acquérir un équipement"),
    )
    NUMERIQUE__MAITRISER_LES_FONDAMENTAUX_DU_NUMERIQUE = (
        "numerique--maitriser-les-fondamentaux-du-numerique",
        _("Maîtriser les fondamentaux du numérique"),
    )

    # Préparer sa candidature
    PREPARER_SA_CANDIDATURE = "preparer-sa-candidature", _("Préparer sa candidature")
    PREPARER_SA_CANDIDATURE__DEVELOPPER_SON_RESEAU = (
        "preparer-sa-candidature--developper-son-reseau",
        _("Développer son réseau"),
    )
    PREPARER_SA_CANDIDATURE__ORGANISER_SES_DEMARCHES_DE_RECHERCHE_DEMPLOI = (
        "preparer-sa-candidature--organiser-ses-demarches-de-recherche-demploi",
        _("Organiser ses démarches de recherche d’emploi"),
    )
    PREPARER_SA_CANDIDATURE__REALISER_UN_CV_ET_OU_UNE_LETTRE_DE_MOTIVATION = (
        "preparer-sa-candidature--realiser-un-cv-et-ou-une-lettre-de-motivation",
        _("Réaliser un CV et/ou une lettre de motivation"),
    )
    PREPARER_SA_CANDIDATURE__VALORISER_SES_COMPETENCES = (
        "preparer-sa-candidature--valoriser-ses-competences",
        _("Valoriser ses compétences"),
    )

    # Remobilisation
    REMOBILISATION = "remobilisation", _("Remobilisation")
    REMOBILISATION__ACTIVITES_SPORTIVES_ET_CULTURELLES = (
        "remobilisation--activites-sportives-et-culturelles",
        _("Activités sportives et culturelles"),
    )
    REMOBILISATION__BENEVOLAT_ACTION_CITOYENNE = (
        "remobilisation--benevolat-action-citoyenne",
        _("Bénévolat et action citoyenne"),
    )
    REMOBILISATION__BIEN_ETRE_CONFIANCE_EN_SOI = (
        "remobilisation--bien-etre-confiance-en-soi",
        _("Bien-être et confiance en soi"),
    )
    REMOBILISATION__LIEN_SOCIAL = "remobilisation--lien-social", _("Lien social")

    # Santé
    SANTE = "sante", _("Santé")
    SANTE__ACCES_AUX_SOINS = "sante--acces-aux-soins", _("Accès aux soins")
    SANTE__ADDICTIONS = "sante--addictions", _("Addictions")
    SANTE__CONSTITUER_UN_DOSSIER_MDPH_INVALIDITE = (
        "sante--constituer-un-dossier-mdph-invalidite",
        _("Constituer un dossier MDPH pour invalidité"),
    )
    SANTE__SANTE_MENTALE = "sante--sante-mentale", _("Santé mentale")
    SANTE__SANTE_SEXUELLE = "sante--sante-sexuelle", _("Santé sexuelle")

    # Se former
    SE_FORMER = "se-former", _("Se former")
    SE_FORMER__MONTER_SON_DOSSIER_DE_FORMATION = (
        "se-former--monter-son-dossier-de-formation",
        _("Monter son dossier de formation"),
    )
    SE_FORMER__TROUVER_SA_FORMATION = "se-former--trouver-sa-formation", _("Trouver sa formation")

    # S’ouvrir à l’international
    SOUVRIR_A_LINTERNATIONAL = "souvrir-a-linternational", _("S’ouvrir à l’international")
    SOUVRIR_A_LINTERNATIONAL__CONNAITRE_LES_OPPORTUNITES_DEMPLOI_A_LETRANGER = (
        "souvrir-a-linternational--connaitre-les-opportunites-demploi-a-letranger",
        _("Connaître les opportunités d’emploi à l’étranger"),
    )
    SOUVRIR_A_LINTERNATIONAL__SINFORMER_SUR_LES_AIDES_POUR_TRAVAILLER_A_LETRANGER = (
        "souvrir-a-linternational--sinformer-sur-les-aides-pour-travailler-a-letranger",
        _("S’informer sur les aides pour travailler à l’étranger"),
    )
    SOUVRIR_A_LINTERNATIONAL__SORGANISER_SUITE_A_SON_RETOUR_EN_FRANCE = (
        "souvrir-a-linternational--sorganiser-suite-a-son-retour-en-france",
        _("S’organiser suite à son retour en France"),
    )

    # Trouver un emploi
    TROUVER_UN_EMPLOI = "trouver-un-emploi", _("Trouver un emploi")
    TROUVER_UN_EMPLOI__CONVAINCRE_UN_RECRUTEUR_EN_ENTRETIEN = (
        "trouver-un-emploi--convaincre-un-recruteur-en-entretien",
        _("Convaincre un recruteur en entretien"),
    )
    TROUVER_UN_EMPLOI__FAIRE_DES_CANDIDATURES_SPONTANEES = (
        "trouver-un-emploi--faire-des-candidatures-spontanees",
        _("Faire des candidatures spontanées"),
    )
    TROUVER_UN_EMPLOI__MAINTIEN_DANS_LEMPLOI = (
        "trouver-un-emploi--maintien-dans-lemploi",
        _("Maintien dans l’emploi"),
    )
    TROUVER_UN_EMPLOI__REPONDRE_A_DES_OFFRES_DEMPLOI = (
        "trouver-un-emploi--repondre-a-des-offres-demploi",
        _("Répondre à des offres d’emploi"),
    )
    TROUVER_UN_EMPLOI__SUIVRE_SES_CANDIDATURES_ET_RELANCER_LES_EMPLOYEURS = (
        "trouver-un-emploi--suivre-ses-candidatures-et-relancer-les-employeurs",
        _("Suivre ses candidatures et relancer les employeurs"),
    )


class Public(models.TextChoices):
    """Publics visés par un service (v1)."""

    TOUS_PUBLICS = "tous-publics", _("Tous publics")
    ACTIFS = "actifs", _("Actifs")
    BENEFICIAIRES_DES_MINIMAS_SOCIAUX = (
        "beneficiaires-des-minimas-sociaux",
        _("Bénéficiaires des minimas sociaux"),
    )
    DEMANDEURS_EMPLOI = "demandeurs-emploi", _("Demandeurs d’emploi")
    ETUDIANTS = "etudiants", _("Étudiants")
    FAMILLES = "familles", _("Familles")
    FEMMES = "femmes", _("Femmes")
    JEUNES = "jeunes", _("Jeunes")
    PERSONNES_EN_SITUATION_DE_HANDICAP = (
        "personnes-en-situation-de-handicap",
        _("Personnes en situation de handicap"),
    )
    PERSONNES_EN_SITUATION_DURGENCE = (
        "personnes-en-situation-durgence",
        _("Personnes en situation d’urgence"),
    )
    PERSONNES_EN_SITUATION_JURIDIQUE_SPECIFIQUE = (
        "personnes-en-situation-juridique-specifique",
        _("Personnes en situation juridique spécifique"),
    )
    PERSONNES_EXILEES = "personnes-exilees", _("Personnes exilées")
    RESIDENTS_QPV_FRR = "residents-qpv-frr", _("Résidents en QPV ou FRR")
    SENIORS = "seniors", _("Séniors")


class Frais(models.TextChoices):
    """Frais d’accès à un service (v1)."""

    GRATUIT = "gratuit", _("Gratuit")
    PAYANT = "payant", _("Payant")


class ModeAccueil(models.TextChoices):
    """Modes d’accueil d’un service (v1)."""

    A_DISTANCE = "a-distance", _("À distance")
    EN_PRESENTIEL = "en-presentiel", _("En présentiel")


class ModeMobilisation(models.TextChoices):
    """Modes de mobilisation d’un service (v1)."""

    ENVOYER_UN_COURRIEL = "envoyer-un-courriel", _("Envoyer un courriel")
    SE_PRESENTER = "se-presenter", _("Se présenter")
    TELEPHONER = "telephoner", _("Téléphoner")
    UTILISER_LIEN_MOBILISATION = "utiliser-lien-mobilisation", _("Utiliser le lien de mobilisation")


class MobilisablePar(models.TextChoices):
    """Personnes pouvant mobiliser un service (v1 `mobilisable_par`)."""

    USAGERS = "usagers", _("Usagers")
    PROFESSIONNELS = "professionnels", _("Professionnels")


class ServiceType(models.TextChoices):
    """Types de services (v1 `type`)."""

    ACCOMPAGNEMENT = "accompagnement", _("Accompagnement")
    AIDE_FINANCIERE = "aide-financiere", _("Aide financière")
    AIDE_MATERIELLE = "aide-materielle", _("Aide matérielle")
    ATELIER = "atelier", _("Atelier")
    FORMATION = "formation", _("Formation")
    INFORMATION = "information", _("Information")


class ReseauPorteur(models.TextChoices):
    """Réseaux porteurs d’une structure (v1 `reseaux_porteurs`)."""

    REBONDS_60000 = "60000-rebonds", _("60 000 Rebonds")
    ACI = (
        "aci",
        _("Structures d’Insertion par l’Activité Économique - Ateliers et Chantiers d’Insertion"),
    )
    ACTION_LOGEMENT = "action-logement", _("Action Logement")
    ADIE = "adie", _("Association pour le Droit à l’Initiative Économique")
    AFPA = "afpa", _("Agence Nationale pour la Formation Professionnelle des Adultes")
    AGEFIPH = "agefiph", _("Agefiph")
    AI = "ai", _("Associations Intermédiaires")
    AIDANTS_CONNECT = "aidants-connect", _("Aidants Connect")
    ALLIANCE_VILLES_EMPLOI = "alliance-villes-emploi", _("Alliance Villes Emploi")
    ANLCI = "anlci", _("Agence Nationale de Lutte Contre l’Illettrisme")
    APPRENTIS_DAUTEUIL = "apprentis-dauteuil", _("Apprentis d’Auteuil")
    ASE = "ase", _("Aide Sociale à l’Enfance")
    BANQUES_ALIMENTAIRES = "banques-alimentaires", _("Banques Alimentaires")
    CAARUD = (
        "caarud",
        _(
            "Centres d’Accueil et d’Accompagnement à la Réduction "
            "de Risques pour Usagers de Drogues"
        ),
    )
    CADA = "cada", _("Centres d’Accueil de Demandeurs d’Asile")
    CAF = "caf", _("Caisse d’Allocations Familiales")
    CAMPUS_CONNECTE = "campus-connecte", _("Campus Connecté")
    CAP_EMPLOI_RESEAU_CHEOPS = "cap-emploi-reseau-cheops", _("CAP Emploi - Réseau CHEOPS")
    CAVA = "cava", _("Centres d’Adaptation à la Vie Active")
    CCAS_CIAS = (
        "ccas-cias",
        _("Les Centres Communaux d’Action Sociale et les Centres Intercommunaux d’Action Sociale"),
    )
    CHAMBRES_CONSULAIRES = "chambres-consulaires", _("Chambres Consulaires")
    CHANTIER_ECOLE = "chantier-ecole", _("Réseau Chantier École")
    CHRS = "chrs", _("Centres d’Hébergement et de Réinsertion Sociale")
    CHU = "chu", _("Centres d’Hébergement d’Urgence")
    CIDFF = "cidff", _("Centres d’Information sur les Droits des Femmes et des Familles")
    CMP = "cmp", _("Centres Médico-Psychologiques")
    CMS = "cms", _("Centres Médico-Sociaux")
    CNAM = "cnam", _("Conservatoire National des Arts et Métiers")
    COLLECTIF_EMPLOI = "collectif-emploi", _("Collectif Emploi")
    COMMUNES = "communes", _("Communes, mairies, communautés de communes, etc.")
    CONSEILLERS_NUMERIQUES = "conseillers-numeriques", _("Conseillers Numériques")
    COORACE = "coorace", _("Fédération COORACE")
    CPAM = "cpam", _("Caisses Primaires d’Assurance Maladie")
    CPH = "cph", _("Centres Provisoires d’Hébergement")
    CRECHES_AVIP = "creches-avip", _("Crèches à Vocation d’Insertion Professionnelle")
    CREPI = "crepi", _("CREPI")
    CRESUS = "cresus", _("Fédération Française des Associations CRÉSUS")
    CROIX_ROUGE = "croix-rouge", _("Croix-Rouge")
    CSAPA = "csapa", _("Centres de Soins, d’Accompagnement et de Prévention en Addictologie")
    DELEGATAIRE_CONSEIL_DEPARTEMENTAL = (
        "delegataire-conseil-departemental",
        _("Organisation délégataire d’un Conseil Départemental"),
    )
    DEPARTEMENTS = "departements", _("Départements et Services Départementaux")
    DUO_FOR_A_JOB = "duo-for-a-job", _("DUO for a JOB")
    EA = "ea", _("Entreprises Adaptées")
    EATT = "eatt", _("Entreprises Adaptées de Travail Temporaire")
    ECOLES_DE_LA_DEUXIEME_CHANCE = "ecoles-de-la-deuxieme-chance", _("Écoles de la 2ᵉ Chance")
    EGEE = "egee", _("Association EGEE")
    EI = "ei", _("Structures d’Insertion par l’Activité Économique - Entreprises d’Insertion")
    EITI = (
        "eiti",
        _(
            "Structures d’Insertion par l’Activité Économique - "
            "Entreprises d’Insertion par le Travail Indépendant"
        ),
    )
    EMMAUS = "emmaus", _("Emmaüs")
    EPIDE = "epide", _("EPIDE")
    ESAT = "esat", _("Établissement et Service d’Accompagnement par le Travail")
    ESPACES_PUBLICS_NUMERIQUES = "espaces-publics-numeriques", _("Espaces Publics Numériques")
    ETCLD = "etcld", _("Expérimentation Territoriale contre le Chômage de Longue Durée")
    ETTI = (
        "etti",
        _(
            "Structures d’Insertion par l’Activité Économique - "
            "Entreprises de Travail Temporaire d’Insertion"
        ),
    )
    FABRIQUE_DE_TERRITOIRE = "fabrique-de-territoire", _("Fabrique de Territoire")
    FACE = "face", _("Fondation FACE")
    FCSF = "fcsf", _("Fédération des Centres Sociaux et Socioculturels de France")
    FEDERATION_DES_ACTEURS_DE_LA_SOLIDARITE = (
        "federation-des-acteurs-de-la-solidarite",
        _("Fédération des Acteurs de la Solidarité"),
    )
    FEDERATION_PROFESSIONNELLE_FEMMES = (
        "federation-professionnelle-femmes",
        _("Fédération Professionnelle pour les Femmes"),
    )
    FRANCE_ACTIVE = "france-active", _("France Active")
    FRANCE_SERVICE = "france-service", _("France Service")
    FRANCE_TRAVAIL = "france-travail", _("France Travail")
    FRENCH_TECH = "french-tech", _("French Tech")
    GEIQ = "geiq", _("GEIQ")
    GRANDES_ECOLES_DU_NUMERIQUE = "grandes-ecoles-du-numerique", _("Grandes Écoles du Numérique")
    HUDA = "huda", _("Hébergement d’Urgence pour Demandeurs d’Asile")
    HUP = "hup", _("Association H’UP")
    INAE = "inae", _("INAÉ Nouvelle Aquitaine")
    INITIATIVE_FRANCE = "initiative-france", _("Initiative France")
    KONEXIO = "konexio", _("Association Konexio")
    LA_CRAVATE_SOLIDAIRE = "la-cravate-solidaire", _("La Cravate Solidaire")
    LA_POSTE = "la-poste", _("La Poste")
    LES_PREMIERES = "les-premieres", _("Les Premières")
    MAISON_DEPARTEMENTALE_DE_LAUTONOMIE = (
        "maison-departementale-de-lautonomie",
        _("Maisons Départementales de l’Autonomie"),
    )
    MAISONS_DE_L_EMPLOI = "maisons-de-l-emploi", _("Maisons de l’Emploi")
    MAISONS_DES_SOLIDARITES = (
        "maisons-des-solidarites",
        _("Maisons Départementales des Solidarités (MDS)"),
    )
    MDPH = "mdph", _("Maisons Départementales pour les Personnes Handicapées (MDPH)")
    MISSION_LOCALE = "mission-locale", _("Mission Locale")
    MJC = "mjc", _("Maisons des Jeunes et de la Culture")
    MOBIN = "mobin", _("Mob’In")
    MSAP = "msap", _("Maisons de Services Au Public")
    MUTUALITE_SOCIALE_AGRICOLE = "mutualite-sociale-agricole", _("Mutualité Sociale Agricole")
    NQT = "nqt", _("Association NQT")
    PIMMS_MEDIATION = "pimms-mediation", _("Point Information Médiation Multi Services")
    PJJ = "pjj", _("Protection Judiciaire de la Jeunesse")
    PLIE = "plie", _("Plans Locaux pour l’Insertion et l’Emploi")
    POINTS_CONSEIL_BUDGET = "points-conseil-budget", _("Points Conseil Budget")
    POINTS_JUSTICE = "points-justice", _("Points Justice")
    POSITIVE_PLANET = "positive-planet", _("Positive Planet")
    REGIONS = "regions", _("Régions, Préfectures et services régionaux")
    RESEAU_APP = "reseau-app", _("Réseau APP")
    RESEAU_BGE = "reseau-bge", _("Réseau BGE")
    RESEAU_ENTREPRENDRE = "reseau-entreprendre", _("Réseau Entreprendre")
    RESEAU_INFORMATION_JEUNESSE = "reseau-information-jeunesse", _("Réseau Information Jeunesse")
    RESIDENCES_FJT = "residences-fjt", _("Résidences - Foyers Jeunes Travailleurs")
    RESSOURCERIES = "ressourceries", _("Ressourceries")
    RESTOS_DU_COEUR = "restos-du-coeur", _("Restos du Coeur")
    SECOURS_POPULAIRE = "secours-populaire", _("Secours Populaire")
    SIAO = "siao", _("Services Intégrés d’Accueil et d’Orientation")
    SIMPLON = "simplon", _("Simplon")
    SINGA = "singa", _("Association SINGA")
    SNC = "snc", _("Solidarité Nouvelle Face au Chômage")
    SPIP = "spip", _("Services Pénitentiaires d’Insertion et de Probation")
    TOUS_TES_POSSIBLES = "tous-tes-possibles", _("Tous Tes Possibles")
    UNAF = "unaf", _("Union Nationale de l’Aide aux Familles")
    UNEA = "unea", _("Union Nationale des Entreprises Adaptées")
    UNIS_CITE = "unis-cite", _("UnisCité")
    WIMOOV = "wimoov", _("Wimoov")


PARENT_THEMES: tuple[str, ...] = tuple(t.value for t in Thematique if "--" not in t.value)
"""The 16 parent themes (data·inclusion `Categorie`), in declaration order."""

THEME_PARENTS: dict[str, str] = {
    t.value: t.value.split("--", 1)[0] for t in Thematique if "--" in t.value
}
"""Sub-theme value → its parent theme value."""

THEME_CHILDREN: dict[str, frozenset[str]] = {
    parent: frozenset(child for child, p in THEME_PARENTS.items() if p == parent)
    for parent in PARENT_THEMES
}
"""Parent theme value → the values of its sub-themes."""


def theme_with_children(value: str) -> set[str]:
    """The theme values a selection of `value` stands for.

    A parent theme selects itself and all its sub-themes; a sub-theme selects only itself.
    Raises ValueError for a value that is not a `Thematique`.
    """
    value = str(value)  # a Thematique member gives its value
    if value in THEME_CHILDREN:
        return {value, *THEME_CHILDREN[value]}
    if value in THEME_PARENTS:
        return {value}
    raise ValueError(f"thématique inconnue : {value!r}")


# --- Maillage health extensions (not part of data·inclusion) ---------------------------------


class FeeSector(models.TextChoices):
    """Sector of a health professional's agreement with the Assurance Maladie."""

    SECTOR_1 = "secteur-1", _("Secteur 1")
    SECTOR_2 = "secteur-2", _("Secteur 2 (dépassements d’honoraires)")
    NOT_CONTRACTED = "non-conventionne", _("Non conventionné")


# Languages most often asked for in French health and social services, by ISO 639 code
# (639-1 where there is one; 639-3 for French Sign Language). Others are named by Django's
# own list of languages, or shown as their code.
LANGUAGE_NAMES = {
    "fr": _("français"),
    "en": _("anglais"),
    "ar": _("arabe"),
    "es": _("espagnol"),
    "pt": _("portugais"),
    "it": _("italien"),
    "de": _("allemand"),
    "ro": _("roumain"),
    "ru": _("russe"),
    "uk": _("ukrainien"),
    "pl": _("polonais"),
    "tr": _("turc"),
    "fa": _("persan (farsi, dari)"),
    "ps": _("pachto"),
    "ur": _("ourdou"),
    "bn": _("bengali"),
    "ta": _("tamoul"),
    "zh": _("chinois"),
    "vi": _("vietnamien"),
    "sq": _("albanais"),
    "ka": _("géorgien"),
    "hy": _("arménien"),
    "ti": _("tigrigna"),
    "so": _("somali"),
    "am": _("amharique"),
    "wo": _("wolof"),
    "bm": _("bambara"),
    "ln": _("lingala"),
    "sw": _("swahili"),
    "kab": _("kabyle"),
    "fsl": _("langue des signes française (LSF)"),
}


def language_code(text: str) -> str | None:
    """The ISO 639 code of a language written as its code (« ar ») or its French name
    (« arabe », « Langue des signes française »), accents and case aside; None if unknown."""
    plain = _plain(text)
    if not plain:
        return None
    if plain in LANGUAGE_NAMES or (plain.isalpha() and plain in LANG_INFO and len(plain) <= 3):
        return plain
    return _names().get(plain)


def _plain(text: str) -> str:
    return "".join(
        c
        for c in unicodedata.normalize("NFD", text.strip().lower())
        if not unicodedata.combining(c)
    )


@functools.cache
def _names() -> dict[str, str]:
    """French names → codes: ours (LANGUAGE_NAMES), then Django's list."""
    with override("fr"):
        names = {_plain(str(name)): code for code, name in LANGUAGE_NAMES.items()}
        for code, info in LANG_INFO.items():
            if len(code) <= 3 and "name_translated" not in info and "name" in info:
                names.setdefault(_plain(str(info["name"])), code)
        names.update({"lsf": "fsl", "langue des signes": "fsl", "anglais": "en", "francais": "fr"})
    return names


def language_name(code: str) -> str:
    """A language's name in the interface's language, from its ISO 639 code."""
    if code in LANGUAGE_NAMES:
        return str(LANGUAGE_NAMES[code])
    try:
        return str(get_language_info(code)["name_translated"]).lower()
    except KeyError:
        return code


class LegalForm(models.TextChoices):
    """Legal form of a structure (used, among others, to tell social-economy status)."""

    ASSOCIATION = "association", _("Association")
    MUTUAL = "mutuelle", _("Mutuelle")
    SCIC = "scic", _("Société coopérative d’intérêt collectif (SCIC)")
    SCOP = "scop", _("Société coopérative et participative (SCOP)")
    FOUNDATION = "fondation", _("Fondation")
    COOPERATION_GROUPING = (
        "gcsms-gcs",
        _("Groupement de coopération sanitaire, sociale ou médico-sociale (GCS, GCSMS)"),
    )
    PUBLIC = "public", _("Établissement ou organisme public")
    PRIVATE_FOR_PROFIT = "prive-lucratif", _("Entreprise privée à but lucratif")
    OTHER = "autre", _("Autre")


class PublicationState(models.TextChoices):
    """Editorial state of a directory entry in Maillage."""

    DRAFT = "draft", _("Brouillon")
    PENDING = "pending", _("En attente de validation")
    PUBLISHED = "published", _("Publié")
    REJECTED = "rejected", _("Refusé")
    ARCHIVED = "archived", _("Archivé")


# --- Orientation (closed-loop referral) ------------------------------------------------------


class OrientationState(models.TextChoices):
    SENT = "sent", _("Envoyée, en attente de réponse")
    ACCEPTED = "accepted", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    EXPIRED = "expired", _("Expirée sans réponse")
    COMPLETED = "completed", _("Personne reçue")
    NOT_HONOURED = "not_honoured", _("Non honorée")
    CANCELLED = "cancelled", _("Annulée par l'envoyeur")


# Who may move an orientation from one state to another: the receiving structure answers
# and reports the outcome, the sender may withdraw or report that the person was received,
# the platform expires what nobody answered.
RECEIVER, SENDER, SYSTEM = "receiver", "sender", "system"
# Reading only: the care circle of the pathway whose plan sent the orientation.
CIRCLE = "circle"
ORIENTATION_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (OrientationState.SENT, OrientationState.ACCEPTED): frozenset({RECEIVER}),
    (OrientationState.SENT, OrientationState.REFUSED): frozenset({RECEIVER}),
    (OrientationState.SENT, OrientationState.EXPIRED): frozenset({SYSTEM}),
    (OrientationState.SENT, OrientationState.CANCELLED): frozenset({SENDER}),
    (OrientationState.ACCEPTED, OrientationState.COMPLETED): frozenset({RECEIVER, SENDER}),
    (OrientationState.ACCEPTED, OrientationState.NOT_HONOURED): frozenset({RECEIVER, SENDER}),
    (OrientationState.ACCEPTED, OrientationState.CANCELLED): frozenset({SENDER}),
}
ORIENTATION_OPEN_STATES = frozenset({OrientationState.SENT, OrientationState.ACCEPTED})


class RefusalReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("Pas de place ou liste d'attente complète")
    NOT_ELIGIBLE = "not_eligible", _("La personne ne relève pas des publics du service")
    OUT_OF_AREA = "out_of_area", _("Hors de la zone d'intervention")
    NEED_NOT_COVERED = "need_not_covered", _("Le besoin ne relève pas de ce service")
    ALREADY_FOLLOWED = "already_followed", _("Déjà accompagnée par le service")
    UNREACHABLE = "unreachable", _("Personne injoignable")
    PERSON_DECLINED = "person_declined", _("La personne a renoncé")
    OTHER = "other", _("Autre motif")


class ConsentMethod(models.TextChoices):
    ORAL = "oral", _("Accord oral, recueilli par moi")
    WRITTEN = "written", _("Accord écrit")
    REPRESENTATIVE = "representative", _("Accord de sa personne de confiance ou représentant·e")


# The roles of an organisation's team that receive the orientations sent to its services:
# those who see people (not peer workers, observers, the portal or the platform's admins).
RECEIVING_ROLES = frozenset({Role.PROFESSIONAL, Role.COORDINATOR, Role.ORGANISATION_ADMIN})


class AuditAction(models.TextChoices):
    """What the audit trail records for this app, in the words the list of accesses to a
    record shows. Every name written to the trail is declared in an app's AuditAction
    (core.audit.declared; tests/core/test_audit_names.py)."""

    DIRECTORY_CHANGE_PROPOSE = (
        "directory.change.propose",
        _("a proposé une modification de l'annuaire"),
    )
    DIRECTORY_DUPLICATE_DISMISS = (
        "directory.duplicate.dismiss",
        _("a écarté un doublon de l'annuaire"),
    )
    DIRECTORY_DUPLICATES = "directory.duplicates", _("a consulté les doublons de l'annuaire")
    DIRECTORY_ENTRY_ARCHIVE = "directory.entry.archive", _("a archivé une fiche de l'annuaire")
    DIRECTORY_ENTRY_CONFIRM = (
        "directory.entry.confirm",
        _("a confirmé qu'une fiche de l'annuaire est à jour"),
    )
    DIRECTORY_ENTRY_CREATE = "directory.entry.create", _("a créé une fiche de l'annuaire")
    DIRECTORY_ENTRY_EDIT = (
        "directory.entry.edit",
        _("a ouvert une fiche de l'annuaire pour la modifier"),
    )
    DIRECTORY_ENTRY_SUBMIT = (
        "directory.entry.submit",
        _("a soumis une fiche de l'annuaire à la modération"),
    )
    DIRECTORY_ENTRY_UPDATE = "directory.entry.update", _("a modifié une fiche de l'annuaire")
    DIRECTORY_IMPORT = "directory.import", _("a importé des fiches dans l'annuaire")
    DIRECTORY_MODERATION = "directory.moderation", _("a consulté la file de modération")
    DIRECTORY_MODERATION_APPROVE = (
        "directory.moderation.approve",
        _("a publié une fiche de l'annuaire"),
    )
    DIRECTORY_MODERATION_REJECT = (
        "directory.moderation.reject",
        _("a refusé une fiche de l'annuaire"),
    )
    DIRECTORY_SHEET_SEND = (
        "directory.sheet.send",
        _("a envoyé la fiche d'un service à une personne"),
    )
    DIRECTORY_STRUCTURE_MERGE = (
        "directory.structure.merge",
        _("a fusionné deux structures de l'annuaire"),
    )
    ORIENTATION_ATTACHMENT_READ = (
        "orientation.attachment.read",
        _("a ouvert une pièce jointe d'une orientation"),
    )
    ORIENTATION_ATTACHMENTS_EXPIRE = (
        "orientation.attachments.expire",
        _("a supprimé les pièces jointes échues d'une orientation"),
    )
    ORIENTATION_LINK_OPEN = (
        "orientation.link.open",
        _("a ouvert le lien de réponse d'une orientation"),
    )
    ORIENTATION_LIST = "orientation.list", _("a consulté la liste des orientations")
    ORIENTATION_MOVE = "orientation.move", _("a répondu à une orientation ou en a noté la suite")
    ORIENTATION_READ = "orientation.read", _("a consulté une orientation")
    ORIENTATION_REMIND = (
        "orientation.remind",
        _("a relancé le service d'une orientation sans réponse"),
    )
    ORIENTATION_SEND = "orientation.send", _("a envoyé une orientation")
    ORIENTATION_STATISTICS = (
        "orientation.statistics",
        _("a consulté les statistiques des orientations"),
    )
