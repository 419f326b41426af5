"""What the "Organisers" group may do with ceremonies and awards.

They record ceremonies and their photos, and give, correct or remove awards (a mistaken
award must be removable; removing one does not undo the project's "winner" state, which
an organiser changes through the project's own actions).
"""

from django.db import migrations

from fairportal.group_permissions import grant, revoke

ORGANISERS = {
    "group_name": "Organisers",
    "app_label": "awards",
    "codenames": [
        "view_ceremony",
        "add_ceremony",
        "change_ceremony",
        "view_ceremonyphoto",
        "add_ceremonyphoto",
        "change_ceremonyphoto",
        "delete_ceremonyphoto",
        "view_award",
        "add_award",
        "change_award",
        "delete_award",
    ],
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, **ORGANISERS)


def backwards(apps, schema_editor):
    revoke(apps, schema_editor, **ORGANISERS)


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0001_initial"),
        ("projects", "0003_organisers_group"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
