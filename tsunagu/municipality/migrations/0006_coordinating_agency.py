import django.db.models.deletion
from django.db import migrations, models


def resolve_names(apps, schema_editor):
    """Existing municipalities: the agency their profile names as coordinating agency."""
    Municipality = apps.get_model("municipality", "Municipality")
    Agency = apps.get_model("municipality", "Agency")
    for municipality in Municipality.objects.all():
        name = (municipality.settings or {}).get("coordinating_agency")
        agency = Agency.objects.filter(municipality=municipality, name=name).first()
        if name and agency is not None:
            municipality.coordinating_agency = agency
            municipality.save(update_fields=["coordinating_agency"])


class Migration(migrations.Migration):
    dependencies = [
        ("municipality", "0005_profile_format_v3"),
    ]

    operations = [
        migrations.AddField(
            model_name="municipality",
            name="coordinating_agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="municipality.agency",
                verbose_name="多機関協働の依頼先",
            ),
        ),
        migrations.RunPython(resolve_names, migrations.RunPython.noop),
    ]
