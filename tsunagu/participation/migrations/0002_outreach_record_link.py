"""The outreach record a participation record came from becomes a real reference (it was a
bare number while the outreach app was being built). Numbers that name an existing record
are carried over; any other was never a link and is dropped with the old column."""

import django.db.models.deletion
from django.db import migrations, models


def carry_over(apps, schema_editor):
    Record = apps.get_model("participation", "ParticipationRecord")
    Outreach = apps.get_model("outreach", "OutreachRecord")
    for record in Record.objects.exclude(outreach_record_number=None):
        if Outreach.objects.filter(pk=record.outreach_record_number).exists():
            record.outreach_record_id = record.outreach_record_number
            record.save(update_fields=["outreach_record"])


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0001_initial"),
        ("outreach", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(
            model_name="participationrecord",
            old_name="outreach_record_id",
            new_name="outreach_record_number",
        ),
        migrations.AddField(
            model_name="participationrecord",
            name="outreach_record",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="participations",
                to="outreach.outreachrecord",
                verbose_name="アウトリーチ記録",
            ),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RemoveField(model_name="participationrecord", name="outreach_record_number"),
    ]
