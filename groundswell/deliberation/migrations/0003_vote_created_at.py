import django.utils.timezone
from django.db import migrations, models


def backfill_from_updated_at(apps, schema_editor):
    # The best estimate for votes cast before the column existed: when they were last changed.
    Vote = apps.get_model("deliberation", "Vote")
    Vote.objects.update(created_at=models.F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0002_statement_moderation_states"),
    ]

    operations = [
        migrations.AddField(
            model_name="vote",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(backfill_from_updated_at, migrations.RunPython.noop, elidable=True),
    ]
