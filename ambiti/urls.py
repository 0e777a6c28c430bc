from django.urls import path

from . import views, views_accessi, views_email

app_name = "ambiti"

urlpatterns = [
    path("<slug:slug>/comuni/", views.comuni, name="comuni"),
    path("<slug:slug>/registro/", views.registro, name="registro"),
    path("<slug:slug>/registro/nuovo/", views.iscrizione_nuova, name="iscrizione-nuova"),
    path("<slug:slug>/registro/<int:pk>/", views.iscrizione_dettaglio, name="iscrizione-dettaglio"),
    path(
        "<slug:slug>/registro/<int:pk>/modifica/",
        views.iscrizione_modifica,
        name="iscrizione-modifica",
    ),
    path("<slug:slug>/accessi-bloccati/", views_accessi.accessi_bloccati, name="accessi-bloccati"),
    path(
        "<slug:slug>/accessi-bloccati/<int:pk>/sblocca/",
        views_accessi.sblocca_accessi,
        name="sblocca-accessi",
    ),
]

# The ambito's e-mail log (issue 13: reminders and notifications).
urlpatterns += [
    path("<slug:slug>/email/", views_email.registro_email, name="email"),
    path("<slug:slug>/email/<int:pk>/riprova/", views_email.riprova_email, name="email-riprova"),
]
