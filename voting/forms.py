from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Bots fill forms in well under this; people need longer to read and type an address.
MIN_FILL_SECONDS = 3
_STAMP_SALT = "voting.form-started"


def started_stamp(timestamp: float) -> str:
    """The signed "form shown at" value; the form refuses submissions faster than a person."""
    return signing.dumps(timestamp, salt=_STAMP_SALT)


class VoteRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send a one-time code to it. The address itself is not kept after you vote."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    consent = forms.BooleanField(
        label=_("I accept the voting rules and the privacy notice."),
        error_messages={"required": _("Please accept the voting rules to vote.")},
    )
    # Invisible to people (hidden by CSS and from screen readers); bots fill every field.
    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, sms: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        if sms:
            # Either channel: the service tells an address from a number and checks each.
            self.fields["email"] = forms.CharField(
                label=_("Your e-mail address or mobile number"),
                help_text=_(
                    "We send a one-time code to it (by e-mail or SMS). It is not kept after you vote."
                ),
                max_length=254,
                widget=forms.TextInput(attrs={"autocomplete": "email"}),
            )
        if not self.is_bound:
            self.initial["started"] = started_stamp(timezone.now().timestamp())

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("website"):
            raise forms.ValidationError(_("Something went wrong. Please try again."), code="honeypot")
        try:
            # No max_age: a form left open for hours is slow, not suspicious.
            started = signing.loads(cleaned_data.get("started", ""), salt=_STAMP_SALT)
        except signing.BadSignature:
            started = None
        if started is None or timezone.now().timestamp() - started < MIN_FILL_SECONDS:
            # Give a fresh stamp so an honest, fast person succeeds on the next try.
            self.data = self.data.copy()
            self.data["started"] = signing.dumps(
                timezone.now().timestamp() - MIN_FILL_SECONDS, salt=_STAMP_SALT
            )
            raise forms.ValidationError(
                _("That was very fast. Please check the form and send it again."), code="too_fast"
            )
        return cleaned_data


class CodeForm(forms.Form):
    # No maxlength or pattern: a pasted "  123 456 " must arrive whole; spaces are dropped here.
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "code-input"}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError(_("The code has 6 digits."), code="invalid")
        return code
