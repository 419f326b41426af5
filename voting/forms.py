import secrets

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fairportal import ratelimit
from voting import proof

# Bots fill forms in well under this; people need longer to read and type an address.
MIN_FILL_SECONDS = 3
# A stamp older than this is refused (with a fresh one for the next try): a page left open over
# night is no use to anyone, and a stamp harvested once must not work for days.
STAMP_MAX_AGE = 2 * 3600
SESSION_NONCE = "vote_form_nonce"
SESSION_CHECK_SINCE = "vote_check_since"
_STAMP_SALT = "voting.form-started"


def issue_stamp(session, *, started: float | None = None) -> str:
    """The signed "form shown at" value, bound to this session by a nonce it holds.

    The nonce is dropped once a code is requested (`spend_stamp`), so one stamp serves one
    request in one session: replaying it, or using it from another session, is refused.
    """
    nonce = session.get(SESSION_NONCE)
    if not nonce:  # only the first page view writes the session
        nonce = session[SESSION_NONCE] = secrets.token_urlsafe(12)
    return signing.dumps([started or timezone.now().timestamp(), nonce], salt=_STAMP_SALT)


def spend_stamp(session) -> None:
    session.pop(SESSION_NONCE, None)
    session.pop(SESSION_CHECK_SINCE, None)


def note_browser_check_shown(session) -> None:
    """Start the no-JavaScript wait when the page first shows the browser check, not earlier:
    a stamp collected before a spike must not let a bot through at once."""
    session.setdefault(SESSION_CHECK_SINCE, timezone.now().timestamp())


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
    # The browser check's answer (voting.proof), filled in by static/js/vote-proof.js.
    proof = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(
        self, *args, session, channels=("email",), challenge: bool = False, network: str = "", **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.session = session
        self.challenge = challenge
        self.network = network
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        # The service tells an address from a number and checks each against the fair's channels.
        if set(channels) == {"sms"}:
            self.fields["email"] = forms.CharField(
                label=_("Your mobile number"),
                help_text=_("We send a one-time code to it by SMS. The number is not kept after you vote."),
                max_length=30,
                widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            )
        elif "sms" in channels:
            self.fields["email"] = forms.CharField(
                label=_("Your e-mail address or mobile number"),
                help_text=_(
                    "We send a one-time code to it (by e-mail or SMS). It is not kept after you vote."
                ),
                max_length=254,
                widget=forms.TextInput(attrs={"autocomplete": "email"}),
            )
        if not self.is_bound:
            self.initial["started"] = issue_stamp(session)

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("website"):
            raise forms.ValidationError(_("Something went wrong. Please try again."), code="honeypot")
        now = timezone.now().timestamp()
        try:
            started, nonce = signing.loads(
                cleaned_data.get("started", ""), salt=_STAMP_SALT, max_age=STAMP_MAX_AGE
            )
        except (signing.BadSignature, TypeError, ValueError):
            started, nonce = None, None
        if started is None or nonce != self.session.get(SESSION_NONCE):
            error = forms.ValidationError(
                _("This form has expired. Please check it and send it again."), code="stale"
            )
        elif now - started < MIN_FILL_SECONDS:
            error = forms.ValidationError(
                _("That was very fast. Please check the form and send it again."), code="too_fast"
            )
        elif self.challenge and not (
            proof.solution_valid(cleaned_data.get("proof", ""))
            or proof.waited_long_enough(self.session.get(SESSION_CHECK_SINCE), network=self.network, now=now)
        ):
            # The stamp stays as it is: the wait counts from when the page was first shown.
            raise forms.ValidationError(
                _(
                    "Many people are voting right now, so we check that this is a person's browser. "
                    "Please wait %(seconds)s seconds and press “Send me a code” again (with "
                    "JavaScript on, your browser does the check by itself)."
                ),
                params={"seconds": proof.WAIT_INSTEAD_SECONDS},
                code="challenge",
            )
        elif not ratelimit.first_use(f"voting.stamp:{ratelimit.digest(nonce)}", lifetime=STAMP_MAX_AGE):
            # Two requests racing with one stamp (sessions are not locked): only one goes on.
            error = forms.ValidationError(
                _("This form has expired. Please check it and send it again."), code="stale"
            )
        else:
            return cleaned_data
        self.renew_stamp()
        raise error

    def renew_stamp(self) -> None:
        """A fresh stamp for the next try (the old one may be spent); it counts from now, so a
        refusal never skips the wait."""
        self.session.pop(SESSION_NONCE, None)
        self.data = self.data.copy()
        self.data["started"] = issue_stamp(self.session)


class CodeForm(forms.Form):
    # The project this page showed: another tab may have started a vote for another one since.
    project = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # No maxlength or pattern: a pasted "  123 456 " must arrive whole; spaces are dropped here.
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=30,
        widget=forms.TextInput(
            # The code is the one thing this page asks for: the cursor waits there on arrival
            # and again when a wrong code brings the page back.
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "code-input",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args, project_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.project_id = project_id
        self.initial["project"] = project_id

    def clean(self):
        cleaned_data = super().clean()
        shown = cleaned_data.get("project")
        if shown is not None and shown != self.project_id:
            # The page now shows the session's project; the next submit is for that one.
            self.data = self.data.copy()
            self.data["project"] = self.project_id
            raise forms.ValidationError(
                _(
                    "You started a vote for another project in another tab. Check which project "
                    "this code will vote for, and send the code again."
                ),
                code="project_changed",
            )
        return cleaned_data

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError(_("The code has 6 digits."), code="invalid")
        return code


class ResendForm(forms.Form):
    """The code page's "send the code again": the address once more, since it is never kept."""

    address = forms.CharField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

    def __init__(self, *args, sms: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if sms:
            self.fields["address"].label = _("Your mobile number")
            self.fields["address"].widget = forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"})
