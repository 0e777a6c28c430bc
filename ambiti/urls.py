from django.urls import path

from . import (
    views,
    views_accessi,
    views_candidature,
    views_email,
    views_impostazioni,
    views_utenti,
)

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
    # The Ufficio di Piano's settings of its ambito (the login the online vote needs).
    path("<slug:slug>/impostazioni/", views_impostazioni.impostazioni, name="impostazioni"),
    # The Ufficio di Piano manages its ambito's people (ambiti/views_utenti.py).
    path("<slug:slug>/utenti/", views_utenti.elenco, name="utenti"),
    path("<slug:slug>/utenti/invita/", views_utenti.invita, name="invita-utente"),
    path(
        "<slug:slug>/utenti/sindaci/importa/",
        views_utenti.importa_sindaci,
        name="importa-sindaci",
    ),
    path(
        "<slug:slug>/utenti/sindaci/esporta/",
        views_utenti.esporta_sindaci,
        name="esporta-sindaci",
    ),
    path("<slug:slug>/utenti/<int:pk>/", views_utenti.dettaglio, name="utente"),
    path("<slug:slug>/utenti/<int:pk>/ruoli/", views_utenti.assegna, name="assegna-ruolo"),
    path(
        "<slug:slug>/utenti/<int:pk>/ruoli/<int:ruolo_pk>/revoca/",
        views_utenti.revoca,
        name="revoca-ruolo",
    ),
    path("<slug:slug>/utenti/<int:pk>/disattiva/", views_utenti.disattiva, name="disattiva-utente"),
    path("<slug:slug>/utenti/<int:pk>/riattiva/", views_utenti.riattiva, name="riattiva-utente"),
]

# The ambito's e-mail log (issue 13: reminders and notifications).
urlpatterns += [
    path("<slug:slug>/email/", views_email.registro_email, name="email"),
    path("<slug:slug>/email/<int:pk>/riprova/", views_email.riprova_email, name="email-riprova"),
]

# Requests to join the register sent from the public form (ambiti/views_candidature.py).
urlpatterns += [
    path("<slug:slug>/candidature/", views_candidature.elenco, name="candidature"),
    path("<slug:slug>/candidature/<int:pk>/", views_candidature.dettaglio, name="candidatura"),
    path(
        "<slug:slug>/candidature/<int:pk>/accetta/",
        views_candidature.accetta,
        name="candidatura-accetta",
    ),
    path(
        "<slug:slug>/candidature/<int:pk>/respingi/",
        views_candidature.respingi,
        name="candidatura-respingi",
    ),
]
