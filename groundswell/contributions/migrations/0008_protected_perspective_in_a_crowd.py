from collections import Counter

from django.db import migrations
from django.db.models import Count

CROWD = 5  # people.perspectives.PROTECTED_PERSPECTIVE_CROWD, frozen here


def keep_only_perspectives_in_a_crowd(apps, schema_editor):
    """Blank the role, or the sector, of protected items whose author's perspective fewer than
    CROWD of the project's participants share, as `services.attribute` now does when writing."""
    both = Counter()
    role = Counter()
    participants = (
        apps.get_model("projects", "Participant")
        .objects.values_list("project_id", "user__role", "user__sector")
        .annotate(n=Count("id"))
    )
    for project_id, user_role, user_sector, n in participants:
        both[project_id, user_role, user_sector] += n
        role[project_id, user_role] += n
    models = [
        (apps.get_model("contributions", "Contribution"), "project_id"),
        (apps.get_model("contributions", "Comment"), "contribution__project_id"),
        (apps.get_model("deliberation", "Statement"), "project_id"),
        (apps.get_model("deliberation", "Idea"), "project_id"),
    ]
    hidden_sectors = {}  # contribution id -> the author's sector it no longer shows
    for model, project_field in models:
        changed = []
        rows = (
            model.objects.filter(attribution="protected")
            .exclude(author_role="", author_sector="")
            .values_list("pk", project_field, "author_role", "author_sector")
        )
        for pk, project_id, author_role, author_sector in rows.iterator():
            if role[project_id, author_role] < CROWD or not author_role:
                kept = ("", "")
            elif both[project_id, author_role, author_sector] < CROWD:
                kept = (author_role, "")
            else:
                continue
            changed.append(model(pk=pk, author_role=kept[0], author_sector=kept[1]))
            if model.__name__ == "Contribution" and author_sector and not kept[1]:
                hidden_sectors[pk] = author_sector
        model.objects.bulk_update(changed, ["author_role", "author_sector"], batch_size=1000)
    # What a contribution is about defaulted to its author's sector where the project has none:
    # the same sector would still show there. (An author who chose it on purpose loses it too:
    # nothing recorded which it was.)
    contribution = apps.get_model("contributions", "Contribution")
    defaulted = [
        contribution(pk=pk, sector="")
        for pk, sector in contribution.objects.filter(
            pk__in=list(hidden_sectors), project__sector=""
        ).values_list("pk", "sector")
        if sector == hidden_sectors[pk]
    ]
    contribution.objects.bulk_update(defaulted, ["sector"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("contributions", "0007_contribution_edited_on"),
        ("deliberation", "0008_statement_and_idea_text_key"),
        ("projects", "0003_invite_codes"),
    ]

    operations = [
        migrations.RunPython(keep_only_perspectives_in_a_crowd, migrations.RunPython.noop),
    ]
