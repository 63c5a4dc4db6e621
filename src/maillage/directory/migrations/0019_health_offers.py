import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models


def refill(apps, schema_editor):
    """Tag the establishments already imported from FINESS with the offers of their category,
    then rebuild the read-model with the new column. search_index.refresh() writes the
    read-model as the latest migration shapes it: when a later migration changes it, that one
    calls refresh() and this becomes a no-op."""
    from maillage.directory import health, search_index

    Service = apps.get_model("directory", "Service")
    if not Service.objects.exists():
        return
    for code in (
        Service.objects.filter(source="finess")
        .exclude(structure__finess_category="")
        .values_list("structure__finess_category", flat=True)
        .distinct()
    ):
        offers = health.offers_of_category(code)
        if offers:
            Service.objects.filter(
                source="finess", structure__finess_category=code, health_offers=[]
            ).update(health_offers=offers)
    search_index.refresh()


def _tags(**kwargs):
    return django.contrib.postgres.fields.ArrayField(
        base_field=models.CharField(max_length=100), blank=True, default=list, size=None, **kwargs
    )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0018_structure_finess_details"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="health_offers",
            field=_tags(verbose_name="offre de santé et médico-sociale"),
        ),
        migrations.AddField(
            model_name="servicesearch",
            name="health_offers",
            field=_tags(),
        ),
        migrations.AddIndex(
            model_name="servicesearch",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["health_offers"], name="search_health_offers"
            ),
        ),
        migrations.RunPython(refill, migrations.RunPython.noop),
    ]
