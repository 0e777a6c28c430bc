from django.urls import path

from . import views, views_fondi, views_parti, views_valutazione

app_name = "obiettivi"

BASE = "ambiti/<slug:slug>/obiettivi/"
OBIETTIVO = BASE + "<int:pk>/"

urlpatterns = [
    path(BASE, views.panoramica, name="panoramica"),
    path(BASE + "nuovo/", views.nuovo, name="nuovo"),
    path(BASE + "disponibilita/", views_fondi.disponibilita, name="disponibilita"),
    path(BASE + "valutazione/", views_valutazione.valutazione, name="valutazione"),
    path(
        BASE + "valutazione/<int:pk>/",
        views_valutazione.valutazione_salva,
        name="valutazione-salva",
    ),
    path(
        BASE + "valutazione/<int:pk>/spesa/",
        views_valutazione.valutazione_spesa,
        name="valutazione-spesa",
    ),
    path(OBIETTIVO, views.dettaglio, name="dettaglio"),
    path(OBIETTIVO + "modifica/", views.modifica, name="modifica"),
    path(OBIETTIVO + "azioni/nuova/", views_parti.azione, name="azione-nuova"),
    path(OBIETTIVO + "azioni/<int:apk>/", views_parti.azione, name="azione"),
    path(
        OBIETTIVO + "azioni/<int:apk>/elimina/", views_parti.azione_elimina, name="azione-elimina"
    ),
    path(OBIETTIVO + "azioni/<int:apk>/avanzamento/", views_parti.avanzamento, name="avanzamento"),
    path(OBIETTIVO + "risorse/", views_parti.risorse, name="risorse"),
    path(OBIETTIVO + "indicatori/nuovo/", views_parti.indicatore, name="indicatore-nuovo"),
    path(OBIETTIVO + "indicatori/<int:ipk>/", views_parti.indicatore, name="indicatore"),
    path(
        OBIETTIVO + "indicatori/<int:ipk>/elimina/",
        views_parti.indicatore_elimina,
        name="indicatore-elimina",
    ),
    path(OBIETTIVO + "indicatori/<int:ipk>/misura/", views_parti.misura, name="misura"),
]
