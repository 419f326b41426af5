import unicodedata

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from accounts import services
from accounts.forms import LoginForm, ResendConfirmationForm, SignUpForm
from accounts.models import User, normalize_login_email
from fairportal.ratelimit import ratelimit

# Guessing passwords or flooding inboxes is cut off per address and per network.
# Generous per network (an NGO training or a shared office uses one address), strict per account.
per_ip = method_decorator(ratelimit(group="accounts", key="ip", rate="60/10m"), name="dispatch")


def login_identity(request) -> str:
    """The account a log-in attempt is for, normalised as the form does (NFKC, lower case),
    so look-alike spellings of one address share one counter."""
    return normalize_login_email(unicodedata.normalize("NFKC", request.POST.get("username", "")))


def rate_limited_login(view):
    view = ratelimit(group="accounts.login", key=login_identity, rate="10/15m")(view)
    return ratelimit(group="accounts", key="ip", rate="60/10m")(view)


@method_decorator(rate_limited_login, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

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
