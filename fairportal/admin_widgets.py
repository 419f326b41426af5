"""Admin building blocks shared by every app's admin: permission names people can read, and
yes/no icons that say so in the page's language."""

from django.contrib.auth.models import Group, Permission
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The four permissions Django creates for every model, by the codename's first word.
DEFAULT_ACTIONS = {
    "add": _("adding"),
    "change": _("changing"),
    "delete": _("deleting"),
    "view": _("viewing"),
}


def readable_permission_name(permission: Permission) -> str:
    """A permission as organisers read it: "Projects | Fair: adding" in the active language.

    The database keeps Django's English names ("Can add fair"), made when the tables were
    created; here the model's translated name and the action replace them. Our own
    permissions' names are marked for translation in their models' Meta, so the catalog
    has them."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:  # a model removed from the code whose permissions are still stored
        return str(permission)
    action = permission.codename.split("_", 1)[0]
    if permission.codename == f"{action}_{model._meta.model_name}" and action in DEFAULT_ACTIONS:
        what = DEFAULT_ACTIONS[action]
    else:
        what = gettext(permission.name)
    return gettext("%(app)s | %(model)s: %(action)s") % {
        "app": model._meta.app_config.verbose_name,
        "model": capfirst(model._meta.verbose_name),
        "action": what,
    }


# The groups our migrations create, stored under these English names (code looks them up by
# name), shown in the admin's language.
GROUP_NAMES = {"Organisers": _("Organisers"), "Jury": _("Jury")}


def readable_group_name(group: Group) -> str:
    return str(GROUP_NAMES.get(group.name, group.name))


class ReadablePermissionsMixin:
    """For a ModelAdmin whose form picks permissions (users, groups): lists them by
    `readable_permission_name` instead of "app | model | Can add model"."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and db_field.related_model is Permission:
            formfield.queryset = formfield.queryset.select_related("content_type")
            formfield.label_from_instance = readable_permission_name
        if formfield is not None and db_field.related_model is Group:
            formfield.label_from_instance = readable_group_name
        return formfield


BOOLEAN_TEXT = {True: _("Yes"), False: _("No"), None: _("Unknown")}


def boolean_icon(value: bool | None) -> str:
    """Django's yes/no/unknown icon of list columns and read-only fields, whose text a screen
    reader reads: Django writes the Python value (alt="True"), in English on every page.
    Installed over `admin_list._boolean_icon` (fairportal/apps.py), which every caller looks up
    when it renders."""
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    icon_url = static(f"admin/img/icon-{icon}.svg")
    return format_html('<img src="{}" alt="{}">', icon_url, BOOLEAN_TEXT[value])
