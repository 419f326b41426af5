"""The "Jury" group, and what the "Organisers" group may do with the jury.

Jurors work on the public site, never in the admin: the group holds one permission,
`jury.act_as_juror`, and each juror still sees only the fairs (and nominations) they are
seated for. Organisers set up reviews and criteria, seat and unseat jurors, may lift a
recusal (a juror cannot), read evaluations, and see the ranking (`jury.view_ranking`).
Nobody edits a juror's scores in the admin.
"""

from django.db import migrations

from fairportal.group_permissions import grant, revoke

JURY = {"group_name": "Jury", "app_label": "jury", "codenames": ["act_as_juror"]}
ORGANISERS = {
    "group_name": "Organisers",
    "app_label": "jury",
    "codenames": [
        "view_review",
        "add_review",
        "change_review",
        "view_criterion",
        "add_criterion",
        "change_criterion",
        "delete_criterion",
        "view_juror",
        "add_juror",
        "change_juror",
        "delete_juror",
        "view_recusal",
        "delete_recusal",
        "view_evaluation",
        "view_score",
        "view_ranking",
    ],
}


def forwards(apps, schema_editor):
    grant(apps, schema_editor, **JURY)
    grant(apps, schema_editor, **ORGANISERS)


def backwards(apps, schema_editor):
    revoke(apps, schema_editor, **ORGANISERS)
    apps.get_model("auth", "Group").objects.using(schema_editor.connection.alias).filter(name="Jury").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("jury", "0001_initial"),
        ("projects", "0003_organisers_group"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
