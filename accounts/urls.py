from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views, views_notifiche, views_otp
from .forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "accesso/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("uscita/", views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            success_url=reverse_lazy("accounts:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "password/modificata/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/recupero/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/recupero/inviata/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/recupero/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/recupero/completato/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("profilo/", views.profilo, name="profilo"),
    path("profilo/calendario/", views.calendario_rinnova, name="calendario-rinnova"),
    # The second factor (accounts/views_otp.py); accounts.middleware_otp lets these through.
    path("sicurezza/", views_otp.sicurezza, name="sicurezza"),
    path("sicurezza/codici/", views_otp.codici, name="otp-codici"),
    path("sicurezza/codici/rigenera/", views_otp.rigenera, name="otp-rigenera"),
    path("sicurezza/rimuovi/", views_otp.rimuovi, name="otp-rimuovi"),
    path("verifica/", views_otp.verifica, name="otp-verifica"),
    # Reminders: each person chooses how to receive each kind (issue 13).
    path("notifiche/", views_notifiche.preferenze, name="notifiche"),
]
