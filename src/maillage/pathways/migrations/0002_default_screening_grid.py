from django.db import migrations

# A starting grid for spotting complex situations, drawn from the criteria platforms use
# (several conditions, loss of autonomy, isolation, social difficulties, psychiatric or
# cognitive disorders, repeated hospital stays, uncoordinated professionals, care refused).
# Each platform edits it in the admin pages.
GRID = [
    ("pathologies", "Plusieurs maladies chroniques ou une maladie grave", 2),
    ("autonomy", "Perte d'autonomie ou handicap qui limite la vie quotidienne", 2),
    ("isolation", "Isolement, ou aidant·e épuisé·e ou absent·e", 2),
    ("psychic", "Troubles psychiques ou cognitifs", 2),
    ("hospital", "Hospitalisations répétées ou passages aux urgences récents", 2),
    ("social", "Difficultés sociales : ressources, logement, accès aux droits", 1),
    ("uncoordinated", "Nombreux intervenants sans coordination", 1),
    ("refusal", "Refus ou renoncement aux soins ou aux aides", 1),
]


def seed(apps, schema_editor):
    question = apps.get_model("pathways", "ScreeningQuestion")
    for position, (code, text, weight) in enumerate(GRID):
        question.objects.get_or_create(
            code=code, defaults={"text": text, "weight": weight, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("pathways", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
