from django.db import migrations, models


def from_is_active(apps, schema_editor):
    # An idea taken out of the pool before moderation covered ideas stays out of it.
    apps.get_model("deliberation", "Idea").objects.filter(is_active=False).update(status="hidden")


class Migration(migrations.Migration):
    dependencies = [
        ("deliberation", "0003_vote_created_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="idea",
            name="status",
            field=models.CharField(
                choices=[
                    ("accepted", "In the pool"),
                    ("hidden", "Hidden by a moderator"),
                    ("removed", "Removed by a moderator"),
                ],
                db_index=True,
                default="accepted",
                max_length=10,
            ),
        ),
        migrations.RunPython(from_is_active, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="idea",
            name="is_active",
        ),
    ]
