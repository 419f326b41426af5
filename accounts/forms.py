from django import forms
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    AuthenticationForm,
    BaseUserCreationForm,
    SetUnusablePasswordMixin,
    UserChangeForm,
)
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User, normalize_login_email


class UserAdminCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "language")


class UserAdminChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class UserAdminPasswordChangeForm(AdminPasswordChangeForm):
    """Django's form for setting a user's password in the admin, with its help text in the
    organiser's language: Django joins it to an English warning when the module is imported,
    so the whole text stays English whatever the language."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].help_text = format_html(
                '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
                SetUnusablePasswordMixin.usable_password_help_text,
                _("If disabled, the current password for this user will be lost."),
            )


class SignUpForm(BaseUserCreationForm):
    """Validates a sign-up; `accounts.services.user_sign_up` creates the account."""

    class Meta:
        model = User
        fields = ("email", "full_name")
        labels = {"email": _("E-mail"), "full_name": _("Your name")}
        help_texts = {"email": _("We will send a confirmation link to this address.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "autofocus": True})
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"

    def clean_email(self) -> str:
        return normalize_login_email(self.cleaned_data["email"])

    def _get_validation_exclusions(self):
        # No "this address is taken": that would tell anyone who has an account. The form
        # field has checked the address's format; `user_sign_up` handles an existing one.
        return {*super()._get_validation_exclusions(), "email"}


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The e-mail address or the password is not correct. Note that the password is case-sensitive."
        ),
        "unconfirmed": _("Please confirm your e-mail address first: open the link we sent you."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail")
        self.fields["username"].widget.attrs["autocomplete"] = "email"

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        # Staff are created by organisers in the admin, who vouch for their address.
        if user.email_confirmed_at is None and not user.is_staff:
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    self.error_messages["unconfirmed"],
                    reverse("accounts:resend_confirmation"),
                    _("Send the link again"),
                ),
                code="unconfirmed",
            )


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def clean_email(self) -> str:
        return normalize_login_email(self.cleaned_data["email"])


class TwoFactorCodeForm(forms.Form):
    """The six-digit code from the authenticator app (on the code and the set-up page)."""

    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "off",
                "class": "form-control-lg",
            }
        ),
        error_messages={"required": _("Enter the six-digit code.")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("The code has six digits, for example 123456."), code="format")
        return code


class RecoveryCodeForm(forms.Form):
    """One of the recovery codes shown when the second factor was set up; each works once."""

    code = forms.CharField(
        label=_("Recovery code"),
        max_length=20,
        help_text=_("Eight letters and digits, for example abcd 2345. Each code works only once."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "off",
                "class": "form-control-lg",
            }
        ),
        error_messages={"required": _("Enter one of your recovery codes.")},
    )


class RecoveryCodesSavedForm(forms.Form):
    saved = forms.BooleanField(
        label=_("I have saved these recovery codes somewhere safe"),
        error_messages={"required": _("Please confirm that you have saved the recovery codes.")},
    )


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's form, but the e-mail is queued (`fairportal.mail`) instead of sent in the request."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        services.user_send_password_reset(user=context["user"], language=translation.get_language())
