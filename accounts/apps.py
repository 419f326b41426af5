from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static import apps as otp_static_apps
from django_otp.plugins.otp_totp import apps as otp_totp_apps


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


def _name_models(app_config: AppConfig, names: dict) -> None:
    """Give a third-party app's models and fields translatable names. Only the names the admin
    shows change (`_meta.verbose_name`, `field.verbose_name`), not the migration state, which
    reads `Meta`'s original options and each field's original `_verbose_name`."""
    for model_name, (singular, plural) in names.items():
        meta = app_config.get_model(model_name)._meta
        meta.verbose_name, meta.verbose_name_plural = singular, plural
        for field in meta.get_fields():
            if field.concrete and field.name in DEVICE_FIELD_NAMES:
                field.verbose_name = DEVICE_FIELD_NAMES[field.name]


# The fields of django-otp's devices and codes, which it names in English only.
DEVICE_FIELD_NAMES = {
    "user": _("user"),
    "name": _("name"),
    "confirmed": _("confirmed"),
    "created_at": _("created"),
    "last_used_at": _("last used"),
    "throttling_failure_timestamp": _("last failed attempt"),
    "throttling_failure_count": _("failed attempts in a row"),
    "key": _("secret key"),
    "step": _("time step"),
    "t0": _("start of counting"),
    "digits": _("digits"),
    "tolerance": _("tolerance"),
    "drift": _("clock drift"),
    "last_t": _("last verified step"),
    "device": _("set of backup codes"),
    "token": _("code"),
}


class AuthenticatorAppsConfig(otp_totp_apps.DefaultConfig):
    """django-otp's authenticator-app devices, under a name organisers read in their language
    (the app itself has none: the admin would show "Otp_Totp" and "TOTP devices")."""

    default = False  # named in INSTALLED_APPS, like the two below
    verbose_name = _("Authenticator apps")

    def ready(self) -> None:
        _name_models(self, {"totpdevice": (_("authenticator app"), _("authenticator apps"))})


class BackupCodesConfig(otp_static_apps.DefaultConfig):
    """django-otp's one-time backup codes (see AuthenticatorAppsConfig)."""

    default = False
    verbose_name = _("Backup codes")

    def ready(self) -> None:
        _name_models(
            self,
            {
                "staticdevice": (_("set of backup codes"), _("sets of backup codes")),
                "statictoken": (_("backup code"), _("backup codes")),
            },
        )
