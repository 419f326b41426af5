import functools
import logging
import math
from base64 import b32encode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlencode, urlsafe_base64_decode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from accounts import permissions, qr, selectors, services
from accounts.forms import (
    LoginForm,
    PasswordResetForm,
    RecoveryCodeForm,
    RecoveryCodesSavedForm,
    ResendConfirmationForm,
    SignUpForm,
    TwoFactorCodeForm,
)
from accounts.middleware import safe_next, second_factor_url
from accounts.models import User
from accounts.signals import login_identity_from
from fairportal.ratelimit import client_ip, ratelimit, too_many_requests

logger = logging.getLogger(__name__)

# Flooding inboxes is cut off per address and per network.
# Generous per network (an NGO training or a shared office uses one address), strict per account.
per_ip = method_decorator(ratelimit(group="accounts", key="ip", rate="60/10m"), name="dispatch")


def login_identity(request) -> str:
    return login_identity_from(request.POST.get("username", ""))


def rate_limited_login(view):
    """Refuse log-in attempts (429) once this account's failures from this network, or this
    network's failures over all accounts, are used up (`accounts.services.login_lockout`).

    Only failures count: `accounts.signals.count_login_failure` counts each wrong password.
    Also wraps the admin's log-in page (`fairportal/urls.py`).
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method == "POST":
            lockout = services.login_lockout(identity=login_identity(request), ip=client_ip(request))
            if lockout is not None:
                logger.warning("Log-in refused: too many failures")
                return too_many_requests(request, lockout)
        return view(request, *args, **kwargs)

    return wrapper


@method_decorator(rate_limited_login, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        url = super().get_success_url()
        # Staff go on to their second factor, then to where they were going.
        if not permissions.second_factor_satisfied(self.request.user):
            return second_factor_url(self.request, next_url=url)
        return url

    def get_default_redirect_url(self):
        # Jurors come to score; everyone else to their organisations (LOGIN_REDIRECT_URL).
        if self.request.user.has_perm("jury.act_as_juror") and not self.request.user.is_superuser:
            return reverse("jury:dashboard")
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    pass


@per_ip
@method_decorator(ratelimit(group="accounts.signup", key="ip", rate="20/h"), name="dispatch")
class SignUpView(FormView):
    form_class = SignUpForm
    template_name = "accounts/signup.html"
    success_url = reverse_lazy("accounts:signup_done")

    def form_valid(self, form):
        # The same page follows whether or not the address already has an account; the
        # owner of an existing one gets an e-mail saying so instead of a confirmation.
        services.user_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            full_name=form.cleaned_data["full_name"],
            language=get_language(),
        )
        self.request.session["signed_up_email"] = form.cleaned_data["email"]
        return super().form_valid(form)


class SignUpDoneView(TemplateView):
    template_name = "accounts/signup_done.html"


def confirm_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is not None and user.email_confirmed_at is not None:
        messages.info(request, _("Your e-mail address is already confirmed. Please log in."))
        return redirect("accounts:login")
    if user is None or not services.user_confirm_email(user=user, token=token):
        return render(request, "accounts/confirm_invalid.html", status=400)
    messages.success(request, _("Thank you, your e-mail address is confirmed. You can log in now."))
    return redirect("accounts:login")


@per_ip
@method_decorator(ratelimit(group="accounts.resend", key="post:email", rate="3/h"), name="dispatch")
class ResendConfirmationView(FormView):
    form_class = ResendConfirmationForm
    template_name = "accounts/resend_confirmation.html"
    success_url = reverse_lazy("accounts:signup_done")

    def form_valid(self, form):
        user = User.objects.filter(email=form.cleaned_data["email"], email_confirmed_at__isnull=True).first()
        if user is not None and user.is_active:
            services.user_send_confirmation(user=user)
        # The same answer whether or not the address has an account.
        self.request.session["signed_up_email"] = form.cleaned_data["email"]
        return super().form_valid(form)


@per_ip
@method_decorator(ratelimit(group="accounts.reset", key="post:email", rate="3/h"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    # The link in the e-mail uses the public address, like every other e-mail of the site.
    extra_email_context = {"site_url": settings.SITE_URL}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# ---------------------------------------------------------------- second factor (staff)
class SecondFactorPageMixin(LoginRequiredMixin):
    """Shared by the second-factor pages: only for staff who need one; `next` is carried along."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not permissions.needs_second_factor(request.user):
            return redirect(self.get_next_url())
        return super().dispatch(request, *args, **kwargs)

    def get_next_url(self) -> str:
        wanted = self.request.POST.get("next") or self.request.GET.get("next", "")
        if next_url := safe_next(self.request, wanted):
            return next_url
        return (
            reverse("admin:index") if self.request.user.is_staff else resolve_url(settings.LOGIN_REDIRECT_URL)
        )

    def with_next(self, name: str) -> str:
        return f"{reverse(name)}?{urlencode({'next': self.get_next_url()})}"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, next=self.get_next_url())

    def post(self, request, *args, **kwargs):
        # Only wrong codes count (`two_factor_failure_record`); this refuses once they are used up.
        lockout = services.two_factor_lockout(user=request.user, ip=client_ip(request))
        if lockout is not None:
            logger.warning("Second factor refused: too many wrong codes for user %s", request.user.pk)
            return too_many_requests(request, lockout)
        return super().post(request, *args, **kwargs)

    def throttled(self, form, throttled: services.CodesThrottled) -> HttpResponse:
        wait = max(1, math.ceil((throttled.locked_until - timezone.now()).total_seconds()))
        message = ngettext(
            "Too many wrong codes in a row. Please wait %(seconds)d second and try again.",
            "Too many wrong codes in a row. Please wait %(seconds)d seconds and try again.",
            wait,
        )
        form.add_error("code", message % {"seconds": wait})
        return self.form_invalid(form)

    def wrong_code(self, form, message) -> HttpResponse:
        services.two_factor_failure_record(user=self.request.user, ip=client_ip(self.request))
        form.add_error("code", message)
        return self.form_invalid(form)


@method_decorator(never_cache, name="dispatch")
class TwoFactorVerifyView(SecondFactorPageMixin, FormView):
    """Step two of a staff log-in: the code from the app, or (`recovery`) a recovery code."""

    template_name = "accounts/two_factor_verify.html"
    form_class = TwoFactorCodeForm
    recovery = False

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and permissions.needs_second_factor(request.user):
            if permissions.second_factor_satisfied(request.user):
                return redirect(self.get_next_url())
            if selectors.confirmed_totp_device(request.user) is None:
                return redirect(self.with_next("accounts:two_factor_setup"))
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return RecoveryCodeForm if self.recovery else TwoFactorCodeForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, recovery=self.recovery)

    def form_valid(self, form):
        user = self.request.user
        try:
            device = services.two_factor_verify(
                user=user, code=form.cleaned_data["code"], recovery=self.recovery
            )
        except services.CodesThrottled as throttled:
            return self.throttled(form, throttled)
        if device is None:
            if self.recovery:
                return self.wrong_code(form, _("This recovery code is not correct or has already been used."))
            return self.wrong_code(
                form,
                _(
                    "This code is not correct. Enter the code your app shows now, and check that "
                    "the time on your phone is set automatically."
                ),
            )
        django_otp.login(self.request, device)
        if self.recovery:
            left = selectors.recovery_codes_left(user)
            messages.warning(
                self.request,
                ngettext(
                    "You used a recovery code. %(count)d code is left.",
                    "You used a recovery code. %(count)d codes are left.",
                    left,
                )
                % {"count": left}
                + " "
                + str(_("If you have lost your phone, ask a superuser to reset your second factor.")),
            )
        return redirect(self.get_next_url())


@method_decorator(never_cache, name="dispatch")
class TwoFactorSetupView(SecondFactorPageMixin, FormView):
    """Setting up the authenticator app: a QR code and the key as text, then a code to confirm."""

    template_name = "accounts/two_factor_setup.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and permissions.needs_second_factor(request.user):
            if selectors.confirmed_totp_device(request.user) is not None:
                # Replacing an app needs a superuser's reset, never just the password.
                return redirect(self.with_next("accounts:two_factor_verify"))
            enrol_until = request.session.get(services.ENROL_UNTIL_SESSION_KEY) or 0
            if enrol_until < timezone.now().timestamp():
                next_url = self.get_next_url()
                logout(request)
                messages.info(
                    request, _("For your security, please log in again to set up the second factor.")
                )
                return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        device = services.two_factor_enrolment_device(user=self.request.user)
        secret = b32encode(device.bin_key).decode()
        return super().get_context_data(
            **kwargs,
            # Our own SVG, drawn from the otpauth:// address; nothing from the user is in its markup.
            qr_svg=mark_safe(qr.svg(device.config_url)),  # noqa: S308
            secret_groups=[secret[i : i + 4] for i in range(0, len(secret), 4)],
            account=self.request.user.get_username(),
            issuer=settings.OTP_TOTP_ISSUER,
        )

    def form_valid(self, form):
        try:
            enrolment = services.two_factor_confirm_enrolment(
                user=self.request.user, code=form.cleaned_data["code"]
            )
        except services.CodesThrottled as throttled:  # django-otp's delay after wrong codes
            return self.throttled(form, throttled)
        if enrolment is None:
            return self.wrong_code(
                form,
                _(
                    "This code is not correct. Check that you added the key shown on this page, "
                    "and enter the code your app shows now."
                ),
            )
        django_otp.login(self.request, enrolment.device)
        self.request.session[services.RECOVERY_CODES_SESSION_KEY] = enrolment.recovery_codes
        return redirect(self.with_next("accounts:two_factor_recovery_codes"))


@method_decorator(never_cache, name="dispatch")
class TwoFactorRecoveryCodesView(SecondFactorPageMixin, FormView):
    """The new recovery codes, shown once, until their owner confirms they have kept them."""

    template_name = "accounts/two_factor_recovery_codes.html"
    form_class = RecoveryCodesSavedForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.session.get(services.RECOVERY_CODES_SESSION_KEY):
            return redirect(self.get_next_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        codes = self.request.session.get(services.RECOVERY_CODES_SESSION_KEY, [])
        return super().get_context_data(**kwargs, codes=[f"{code[:4]} {code[4:]}" for code in codes])

    def form_valid(self, form):
        self.request.session.pop(services.RECOVERY_CODES_SESSION_KEY, None)
        messages.success(
            self.request, _("Your second factor is set up. You will be asked for a code at each log-in.")
        )
        return redirect(self.get_next_url())
