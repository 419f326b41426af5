"""Give a group permissions from a data migration, on a fresh database too.

Django creates permissions in a post_migrate signal, which has not run yet when a data
migration of the same `migrate` needs them; `grant` creates them first. Historical app
configs have no `models_module`, which makes `create_permissions` skip them, hence the
temporary stand-in.
"""

from django.contrib.auth.management import create_permissions


def _create_permissions(apps, using: str, app_label: str) -> None:
    app_config = apps.get_app_config(app_label)
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    try:
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    finally:
        app_config.models_module = original


def _permissions(apps, using: str, app_label: str, codenames: list[str]) -> list:
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.using(using).filter(content_type__app_label=app_label, codename__in=codenames)
    )


def grant(apps, schema_editor, *, group_name: str, app_label: str, codenames: list[str]) -> None:
    """Add exactly these permissions to the group (created if missing); fail loudly on a typo."""
    using = schema_editor.connection.alias
    _create_permissions(apps, using, app_label)
    permissions = _permissions(apps, using, app_label, codenames)
    missing = set(codenames) - {permission.codename for permission in permissions}
    if missing:
        raise RuntimeError(f"Permissions missing for the {group_name} group: {sorted(missing)}")
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.using(using).get_or_create(name=group_name)
    group.permissions.add(*permissions)


def revoke(apps, schema_editor, *, group_name: str, app_label: str, codenames: list[str]) -> None:
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    group = Group.objects.using(using).filter(name=group_name).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps, using, app_label, codenames))
