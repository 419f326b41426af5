from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static import admin as otp_static_admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as otp_totp_admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import permissions, services
from accounts.forms import UserAdminChangeForm, UserAdminCreationForm, UserAdminPasswordChangeForm
from accounts.models import User
from fairportal.admin_widgets import ReadablePermissionsMixin, readable_group_name


@admin.register(User)
class UserAdmin(ReadablePermissionsMixin, DjangoUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    change_password_form = UserAdminPasswordChangeForm
    ordering = ("email",)
    list_display = ("email", "full_name", "language", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "language", "groups")
    search_fields = ("email", "full_name")
    readonly_fields = ("last_login", "date_joined")
    actions = ["reset_second_factor"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "language", "wants_organiser_mail")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "language", "usable_password", "password1", "password2"),
            },
        ),
    )

    @admin.action(description=_("Reset the second factor (lost phone)"), permissions=["reset_second_factor"])
    def reset_second_factor(self, request, queryset):
        reset = sum(
            services.two_factor_reset(user=user, by=request.user, via="admin")
            for user in queryset.order_by("pk")
        )
        self.message_user(
            request,
            ngettext(
                "Second factor reset for %(count)d account; it is set up again at the next log-in.",
                "Second factor reset for %(count)d accounts; each is set up again at the next log-in.",
                reset,
            )
            % {"count": reset},
            messages.SUCCESS if reset else messages.WARNING,
        )

    def has_reset_second_factor_permission(self, request) -> bool:
        return permissions.can_reset_second_factor(request.user)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ReadablePermissionsMixin, DjangoGroupAdmin):
    """Django's group admin, with permissions and our groups' names in the organiser's language."""

    list_display = ("name_shown",)

    @admin.display(description=_("name"), ordering="name")
    def name_shown(self, obj: Group) -> str:
        return readable_group_name(obj)


# django-otp's device admins, with the help texts and section names it writes in English only
# given in the organiser's language (the field names: accounts/apps.py).
DEVICE_HELP_TEXTS = {
    "user": _("The user this device belongs to."),
    "name": _("A name that tells this device apart from the user's others."),
    "confirmed": _("Whether the device is ready for use."),
    "created_at": _("When the device was added."),
    "last_used_at": _("When the device was last used to log in."),
    "throttling_failure_timestamp": _(
        "When the last wrong code was entered; empty if the last attempt succeeded."
    ),
    "throttling_failure_count": _("How many wrong codes were entered in a row."),
    "key": _("The secret key, in hexadecimal, up to 40 bytes."),
    "step": _("How many seconds each code is valid."),
    "t0": _("The Unix time from which time steps are counted."),
    "digits": _("How many digits a code has."),
    "tolerance": _("How many time steps before or after the current one are still accepted."),
    "drift": _("How many time steps the device's clock is known to differ from ours."),
}
DEVICE_SECTIONS = {
    "Identity": _("Device"),
    "Timestamps": _("Dates"),
    "Configuration": _("Settings"),
    "State": _("State"),
    "Throttling": _("Wrong codes"),
}


class TranslatedDeviceAdminMixin:
    search_fields = ["user__email"]
    search_help_text = _("Search by the user's e-mail address.")

    def get_form(self, request, obj=None, **kwargs):
        kwargs.setdefault("help_texts", DEVICE_HELP_TEXTS)
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return [
            (DEVICE_SECTIONS.get(name, name), options)
            for name, options in super().get_fieldsets(request, obj)
        ]


class TOTPDeviceAdmin(TranslatedDeviceAdminMixin, otp_totp_admin.TOTPDeviceAdmin):
    pass


class StaticDeviceAdmin(TranslatedDeviceAdminMixin, otp_static_admin.StaticDeviceAdmin):
    pass


for _model, _model_admin in ((TOTPDevice, TOTPDeviceAdmin), (StaticDevice, StaticDeviceAdmin)):
    admin.site.unregister(_model)
    admin.site.register(_model, _model_admin)
