from django.contrib.auth import views as auth_views
from django.urls import path

from accounts.forms import LoginForm
from accounts.views import (
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
    TwoFactorRecoveryView,
    TwoFactorSetupView,
    TwoFactorVerifyView,
    TwoFactorView,
)

app_name = "accounts"

urlpatterns = [
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "kata-sandi/",
        PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "kata-sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("kata-sandi/lupa/", PasswordResetView.as_view(), name="password_reset"),
    path(
        "kata-sandi/lupa/terkirim/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "kata-sandi/atur/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "kata-sandi/atur/selesai/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("dua-langkah/", TwoFactorView.as_view(), name="two_factor"),
    path("dua-langkah/pasang/", TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("dua-langkah/verifikasi/", TwoFactorVerifyView.as_view(), name="two_factor_verify"),
    path(
        "dua-langkah/kode-pemulihan/", TwoFactorRecoveryView.as_view(), name="two_factor_recovery"
    ),
]
