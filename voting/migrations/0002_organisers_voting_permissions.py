"""The "Organisers" group may read votes and invalidate suspicious ones.

They never add, change or delete votes (the admin offers none of that to anyone): reading
(`voting.view_vote`) and the invalidate action (`voting.invalidate_vote`) are all they need.

Permissions are created by a post_migrate signal, which has not run yet on a fresh
database, so this migration creates them first (as `projects.0003_organisers_group` does).
Running it again adds the same permissions; reversing it takes them away from the group.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Organisers"
APP_LABEL = "voting"
CODENAMES = ["view_vote", "invalidate_vote"]


def _create_permissions(apps, using):
    app_config = apps.get_app_config(APP_LABEL)
    # create_permissions() skips app configs without models_module, as the historical ones are.
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    try:
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    finally:
        app_config.models_module = original


def _permissions(apps, using):
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.using(using).filter(content_type__app_label=APP_LABEL, codename__in=CODENAMES)
    )


def add_permissions(apps, schema_editor):
    using = schema_editor.connection.alias
    _create_permissions(apps, using)
    permissions = _permissions(apps, using)
    missing = set(CODENAMES) - {permission.codename for permission in permissions}
    if missing:
        raise RuntimeError(f"Permissions missing for the {GROUP_NAME} group: {sorted(missing)}")
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.using(using).get_or_create(name=GROUP_NAME)
    group.permissions.add(*permissions)


def remove_permissions(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    group = Group.objects.using(using).filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps, using))


class Migration(migrations.Migration):
    dependencies = [
        ("voting", "0001_initial"),
        ("projects", "0003_organisers_group"),
    ]

    operations = [
        migrations.RunPython(add_permissions, remove_permissions),
    ]
