"""What the "Organisers" group may do with the presentation round.

They open a round, set its criteria, make and change the schedule and record who presented;
slots are never added or deleted by hand (the schedule service makes them), so no add/delete
on slots. The jurors' scores are the jury's; organisers only read them.
"""

from django.db import migrations

from fairportal.group_permissions import grant, revoke

ORGANISERS = {
    "group_name": "Organisers",
    "app_label": "presentations",
    "codenames": [
        "view_presentationround",
        "add_presentationround",
        "change_presentationround",
        "view_presentationcriterion",
        "add_presentationcriterion",
        "change_presentationcriterion",
        "delete_presentationcriterion",
        "view_slot",
        "change_slot",
        "view_presentationevaluation",
        "view_presentationscore",
    ],
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, **ORGANISERS)


def backwards(apps, schema_editor):
    revoke(apps, schema_editor, **ORGANISERS)


class Migration(migrations.Migration):
    dependencies = [
        ("presentations", "0002_slot_sequence"),
        ("projects", "0003_organisers_group"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
