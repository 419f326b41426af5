"""The "Organisers" group: what the people running a fair need in the admin, and no more.

They manage fairs, nominations, NGOs and projects (view, add, change), read the reference
lists, invitations, users and the state history, and decide on projects through the
actions (`projects.change_project_state`). They delete nothing: projects and
organisations are records, and the history is never edited.

Permissions are created by a post_migrate signal, which has not run yet on a fresh
database, so this migration creates them first. Running it again sets the same
permissions; reversing it removes the group.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Organisers"

MANAGED = ["fair", "nomination", "organisation", "membership", "project", "projectimage"]
READ_ONLY = ["region", "sphere", "projectstatechange", "invitation"]

PERMISSIONS = {
    "projects": [
        *(f"{action}_{model}" for model in MANAGED for action in ("view", "add", "change")),
        *(f"view_{model}" for model in READ_ONLY),
        "change_project_state",
    ],
    "accounts": ["view_user"],
}


def _create_permissions(apps, using):
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        # create_permissions() skips app configs without models_module, as the historical ones are.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        finally:
            app_config.models_module = original


def create_group(apps, schema_editor):
    using = schema_editor.connection.alias
    _create_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    wanted = {(label, codename) for label, codenames in PERMISSIONS.items() for codename in codenames}
    permissions = [
        permission
        for permission in Permission.objects.using(using)
        .filter(content_type__app_label__in=PERMISSIONS, codename__in=[codename for _, codename in wanted])
        .select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in permissions}
    if missing:
        raise RuntimeError(f"Permissions missing for the {GROUP_NAME} group: {sorted(missing)}")

    group, _created = Group.objects.using(using).get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions)


def remove_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_regions_and_spheres"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_group, remove_group),
    ]
