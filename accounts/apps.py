from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default = True
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import signals

        signals.connect()


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with a site that also asks staff for their second factor."""

    default = False  # named explicitly in INSTALLED_APPS; `accounts` itself is AccountsConfig
    default_site = "accounts.admin_site.StaffAdminSite"
