from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.SignUpView.as_view(), name="signup"),
    path("signup/done/", views.SignUpDoneView.as_view(), name="signup_done"),
    path("confirm/<uidb64>/<token>/", views.confirm_email, name="confirm_email"),
    path("confirm/again/", views.ResendConfirmationView.as_view(), name="resend_confirmation"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path(
        "two-factor/recovery/", views.TwoFactorVerifyView.as_view(recovery=True), name="two_factor_recovery"
    ),
    path("two-factor/setup/", views.TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("two-factor/codes/", views.TwoFactorRecoveryCodesView.as_view(), name="two_factor_recovery_codes"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/done/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
