"""Organisers see the final ranking that combines both rounds, as they see the jury's ranking."""

from django.db import migrations

from fairportal.group_permissions import grant, revoke

ORGANISERS = {"group_name": "Organisers", "app_label": "presentations", "codenames": ["view_final_ranking"]}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, **ORGANISERS)


def backwards(apps, schema_editor):
    revoke(apps, schema_editor, **ORGANISERS)


class Migration(migrations.Migration):
    dependencies = [("presentations", "0003_organiser_permissions")]

    operations = [migrations.RunPython(forwards, backwards)]
